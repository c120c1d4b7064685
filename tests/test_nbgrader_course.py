"""tools/nbgrader_course.py: the course notebooks as nbgrader sources (nbgrader itself runs in make test-grading)."""
from __future__ import annotations

import pytest

from tools import nbgrader_course
from tools.nbtools import INSTRUCTOR_ONLY, exercise_indices, notebooks, read, tags


def test_a_check_cell_becomes_a_printed_and_asserted_grade():
    source = "# the check\nchecks.check_sigmoid(sigmoid)"
    assert nbgrader_course.grade_source(source) == (
        "# the check\nresult = checks.check_sigmoid(sigmoid)\nprint(result)\nassert result, \"the check above did not pass\"")
    two = nbgrader_course.grade_source("checks.check_a(a)\nchecks.check_b(\n    b)")
    assert two.count("print(result)") == 2 and "result = checks.check_b(\n    b)" in two
    ns = {"checks": type("C", (), {"check_a": staticmethod(lambda f: False)})}
    with pytest.raises(AssertionError, match="did not pass"):
        exec(nbgrader_course.grade_source("checks.check_a(None)"), ns)


def test_a_cell_without_a_check_is_refused():
    with pytest.raises(ValueError, match="calls no checks.check_"):
        nbgrader_course.grade_source("print('hello')")


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.stem)
def test_every_exercise_is_a_solution_cell_and_its_check_a_grade_cell(path):
    nb = read(path)
    source = nbgrader_course.source_notebook(nb, path.stem)
    marked = [c.metadata["nbgrader"] for c in source.cells if "nbgrader" in c.metadata]
    pairs = exercise_indices(source)
    assert len(pairs) == len(exercise_indices(nb)) and len(marked) == 2 * len(pairs)
    for exercise, check in pairs:
        assert source.cells[exercise].metadata["nbgrader"]["solution"]
        assert source.cells[check].metadata["nbgrader"]["points"] == 1 and "assert result" in source.cells[check].source
    ids = [m["grade_id"] for m in marked]
    assert len(set(ids)) == len(ids)
    assert not any(INSTRUCTOR_ONLY in tags(c) for c in source.cells)
    assert all(not c.get("outputs") for c in source.cells if c.cell_type == "code")
    assert "nbgrader" not in "".join(str(c.metadata) for c in nb.cells), "the course notebook itself was changed"
