"""Every notebook, run once: its student copy, unsolved, top to bottom in quick mode.

A student copy has each solution replaced by ``raise NotImplementedError()``. That one run checks four things:
no cell raises (skipping an exercise never breaks a later cell: lesson cells fall back to the course's version),
every check cell says "not attempted", the lessons of tests/lesson_claims.py hold on the numbers the run records,
and every cell tagged ``nbval-check-output`` prints what the stored full-mode run printed. The worked solutions
are not executed here: tests/test_notebooks.py runs each against its checker, and each checker compares with the
reference version the unsolved run uses, so one run per notebook covers both (see tests/notebook_run.py).

Each notebook is one test; tests/conftest.py schedules them first, longest first, so that with
``--dist loadgroup`` (the Makefile's test command) the two workers share them evenly.
"""
import pytest

from course_utils import checks
from tests import lesson_claims, notebook_run
from tools import nbtools

NOTEBOOKS = nbtools.notebooks()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_student_copy_runs_unsolved_and_its_lessons_hold(path, tmp_path):
    stored = nbtools.read(path)
    nb = nbtools.student_copy(stored)
    records = notebook_run.execute(nb, path.parent, tmp_path / "records.jsonl")
    raised = notebook_run.errors(nb)
    assert not raised, f"code cell {raised[0][0]} raised in the unsolved student copy: {raised[0][1][-500:]}"
    check_cells = [cell for cell in nbtools.code_cells(nb) if "checks.check_" in cell.source]
    assert len(check_cells) == len(nbtools.exercises(stored))
    for cell in check_cells:
        printed = notebook_run.text_of(cell)
        assert "[FAIL] " in printed and checks.NOT_ATTEMPTED in printed, (
            f"the check {cell.source.strip()!r} should say 'not attempted', printed {printed!r}")
    broken = lesson_claims.check(path.stem, records)
    assert not broken, "a lesson does not hold in quick mode:\n" + "\n".join(broken)
    exercise_or_check = lambda source: nbtools.BEGIN in source or "checks.check_" in source   # checked above
    changed = notebook_run.output_differences(stored, nb, skip=exercise_or_check)
    assert not changed, "a checked output differs from the stored run:\n" + "\n".join(changed)
