"""The course as an nbgrader course directory: one assignment per notebook, its exercises graded by their checks.

  python tools/nbgrader_course.py --out build/nbgrader [notebooks/NN_name.ipynb ...]     (make nbgrader)

writes ``build/nbgrader/nbgrader_config.py`` and ``build/nbgrader/source/NN_name/NN_name.ipynb``. In each source
notebook the exercise cells are nbgrader solution cells (the course already marks the solutions with nbgrader's
``### BEGIN SOLUTION`` / ``### END SOLUTION``), and the check cell after each becomes a grade cell worth one point.
A course check never raises (it prints ``[PASS]`` or ``[FAIL]`` with a reason), so the grade cell prints the
check's line and then asserts that it passed. Cells tagged ``instructor-only`` are left out, as in the learners'
copies; no worked solution is added. Then, in that folder, with the course installed:

  nbgrader generate_assignment 05_cnn        # release/05_cnn/: the solutions replaced by stubs
  COURSE_QUICK=1 nbgrader autograde 05_cnn   # submitted/<student>/05_cnn/ -> autograded/, scores in gradebook.db
"""
from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tools.nbtools import exercise_indices, for_learners, notebooks, read  # noqa: E402

COURSE_ID = "deep-learning-course"
CONFIG = f'''# nbgrader's settings for the course, written by tools/nbgrader_course.py.
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "{COURSE_ID}"
c.Execute.timeout = 900          # seconds per cell: a full-mode training cell takes minutes (quick mode: seconds)
c.Execute.allow_errors = True    # a failed exercise costs its points, not the rest of the notebook
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}}
'''


def grade_source(source: str) -> str:
    """A check cell as a grade cell: each ``checks.check_*(...)`` call printed, then asserted."""
    tree = ast.parse(source)
    lines = source.split("\n")
    calls = [node for node in tree.body if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
             and ast.unparse(node.value.func).startswith("checks.check_")]
    if not calls:
        raise ValueError(f"the check cell {source[:40]!r} calls no checks.check_* at its top level")
    for node in reversed(calls):
        call = "\n".join(lines[node.lineno - 1:node.end_lineno])[node.col_offset:]
        lines[node.lineno - 1:node.end_lineno] = [f"result = {call}", "print(result)",
                                                  "assert result, \"the check above did not pass\""]
    return "\n".join(lines)


def source_notebook(nb: nbformat.NotebookNode, stem: str) -> nbformat.NotebookNode:
    """The nbgrader source of one course notebook: solution cells and grade cells marked, outputs cleared."""
    copy = for_learners(nb)
    for cell in copy.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
    for number, (exercise, check) in enumerate(exercise_indices(copy), start=1):
        copy.cells[exercise].metadata["nbgrader"] = {
            "grade": False, "solution": True, "locked": False, "task": False,
            "grade_id": f"{stem}_turn{number}_solution", "schema_version": 3}
        copy.cells[check].source = grade_source(copy.cells[check].source)
        copy.cells[check].metadata["nbgrader"] = {
            "grade": True, "solution": False, "locked": True, "task": False, "points": 1,
            "grade_id": f"{stem}_turn{number}_check", "schema_version": 3}
    return copy


def write_course(out: Path, paths: list[Path]) -> list[Path]:
    """The course directory in ``out``: nbgrader_config.py and one source assignment per notebook."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "nbgrader_config.py").write_text(CONFIG, encoding="utf-8")
    written = []
    for path in paths:
        target = out / "source" / path.stem / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(source_notebook(read(path), path.stem), target)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("build/nbgrader"))
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    written = write_course(args.out, args.notebooks or notebooks())
    print(f"{args.out}/: nbgrader_config.py and {len(written)} source assignment(s); next, in that folder: "
          "nbgrader generate_assignment NN_name")
    return 0


if __name__ == "__main__":
    sys.exit(main())
