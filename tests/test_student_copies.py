"""Every student copy runs top to bottom in quick mode with no exercise solved, and its lessons hold.

A student copy has each solution replaced by ``raise NotImplementedError()``. Skipping an exercise must
never break a later cell: lesson cells fall back to the course's reference version. So the only cells
allowed to report a problem are the exercises' check cells, and each must say "not attempted yet".
The same run records the notebook's headline numbers in quick mode, on which the lesson claims of
tests/lesson_claims.py are checked. Each notebook is its own test class, so that with ``--dist loadscope``
(the Makefile's test command) the runs are spread over both workers.
"""
import json

import nbformat
from nbclient import NotebookClient

from course_utils import checks
from tests import lesson_claims
from tools import nbtools

NOTEBOOKS = nbtools.notebooks()


def execute_student_copy(path, tmp_path, monkeypatch):
    """Run the student copy of ``path`` in quick mode; return the executed notebook and its records."""
    record_file = tmp_path / "records.jsonl"
    monkeypatch.setenv("COURSE_QUICK", "1")
    monkeypatch.setenv("COURSE_RECORD", str(record_file))
    monkeypatch.setenv("MPLBACKEND", "agg")
    nb = nbtools.student_copy(nbtools.read(path))
    client = NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    lines = record_file.read_text().splitlines() if record_file.exists() else []
    return nb, {entry["name"]: entry["value"] for entry in map(json.loads, lines)}


def text_of(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.get("data", {}).get("text/plain", ""))
        elif output.output_type == "error":
            parts.append(f"{output.ename}: {output.evalue}")
    return "".join(parts)


class _StudentCopy:
    """One class per notebook (below), so that ``--dist loadscope`` gives each run its own worker slot."""

    path = None

    def test_runs_unsolved_and_its_lessons_hold(self, tmp_path, monkeypatch):
        nb, records = execute_student_copy(self.path, tmp_path, monkeypatch)
        cells = nbtools.code_cells(nb)
        errors = [(index, text_of(cell)) for index, cell in enumerate(cells)
                  if any(output.output_type == "error" for output in cell.outputs)]
        assert not errors, f"code cell {errors[0][0]} raised in the unsolved student copy: {errors[0][1][-500:]}"
        check_cells = [cell for cell in cells if "checks.check_" in cell.source]
        assert len(check_cells) == len(nbtools.exercises(nbtools.read(self.path)))
        for cell in check_cells:
            assert "[FAIL] " in text_of(cell) and checks.NOT_ATTEMPTED in text_of(cell), (
                f"the check {cell.source.strip()!r} should say 'not attempted', printed {text_of(cell)!r}")
        broken = lesson_claims.check(self.path.stem, records)
        assert not broken, "a lesson does not hold in quick mode:\n" + "\n".join(broken)


for _path in NOTEBOOKS:
    _name = f"TestStudentCopy_{_path.stem}"
    globals()[_name] = type(_name, (_StudentCopy,), {"path": _path})
