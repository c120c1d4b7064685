"""make test-grading: the course's exercises released and autograded by nbgrader.

tools/nbgrader_course.py writes the nbgrader course directory; here nbgrader itself (in build/grading/venv, beside
the course's packages, so that the learners' JupyterLab does not get nbgrader's extensions) generates the
assignment of one notebook and autogrades two submissions in quick mode: the solved notebook scores every point,
the released one, exercises untouched, scores none and still runs to the end.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tools import nbgrader_course  # noqa: E402
from tools.nbtools import BEGIN, exercise_indices, read  # noqa: E402

NOTEBOOK = ROOT / "notebooks" / "00_getting_started.ipynb"
ASSIGNMENT = NOTEBOOK.stem
GRADING_BIN = ROOT / "build" / "grading" / "venv" / "bin"


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    if not (GRADING_BIN / "nbgrader").exists():
        pytest.skip("build/grading/venv has no nbgrader: run the tests with `make test-grading`, which installs it")
    env = dict(os.environ, COURSE_QUICK="1", PATH=f"{GRADING_BIN}{os.pathsep}{os.environ['PATH']}")   # its alembic
    result = subprocess.run([str(GRADING_BIN / "nbgrader"), *args], cwd=course, env=env, capture_output=True,
                            text=True, timeout=900)
    assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("nbgrader")
    nbgrader_course.write_course(folder, [NOTEBOOK])
    nbgrader(folder, "generate_assignment", ASSIGNMENT, "--force")
    return folder


def test_the_released_notebook_has_stubs_and_locked_checks(course):
    released = read(course / "release" / ASSIGNMENT / NOTEBOOK.name)
    source = "\n".join(cell.source for cell in released.cells)
    exercises = len(exercise_indices(read(NOTEBOOK)))
    assert BEGIN not in source and source.count("raise NotImplementedError()") >= exercises
    grades = [c for c in released.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert len(grades) == exercises and all("assert result" in c.source for c in grades)


def autograde(course: Path, student: str, notebook: nbformat.NotebookNode) -> dict:
    submitted = course / "submitted" / student / ASSIGNMENT
    submitted.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, submitted / NOTEBOOK.name)
    nbgrader(course, "db", "student", "add", student)
    nbgrader(course, "autograde", ASSIGNMENT, "--student", student, "--force")
    script = (f"from nbgrader.api import Gradebook\n"
              f"import json\n"
              f"with Gradebook('sqlite:///{course}/gradebook.db') as gb:\n"
              f"    s = gb.find_submission('{ASSIGNMENT}', '{student}')\n"
              f"    print(json.dumps({{'score': s.score, 'max': s.max_score}}))")
    out = subprocess.run([str(GRADING_BIN / "python"), "-c", script], capture_output=True, text=True, check=True)
    graded = read(course / "autograded" / student / ASSIGNMENT / NOTEBOOK.name)
    return {**json.loads(out.stdout), "notebook": graded}


def test_a_solved_notebook_scores_every_point(course):
    solved = read(course / "source" / ASSIGNMENT / NOTEBOOK.name)       # the solutions are the course's own
    result = autograde(course, "solved", solved)
    assert result["max"] == len(exercise_indices(read(NOTEBOOK))) and result["score"] == result["max"]
    printed = "".join(o.get("text", "") for c in result["notebook"].cells for o in c.get("outputs", []))
    assert "quick mode" in printed and printed.count("[PASS]") == result["max"]


def test_an_untouched_notebook_scores_nothing_and_runs_to_the_end(course):
    untouched = read(course / "release" / ASSIGNMENT / NOTEBOOK.name)
    result = autograde(course, "untouched", untouched)
    assert result["max"] > 0 and result["score"] == 0
    last_code = [c for c in result["notebook"].cells if c.cell_type == "code"][-1]
    assert last_code.get("execution_count"), "the autograder stopped before the last cell"
