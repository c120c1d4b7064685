"""Notebook hygiene, fresh stored outputs, and the exercises' checkers on solutions and stubs.

The notebooks themselves are executed by nbval (`pytest --nbval-lax notebooks`, see the Makefile).
"""
import io
import re
from contextlib import redirect_stdout

import nbformat
import pytest

from course_utils import checks
from course_utils.checks import fallback
from tools import nbtools

NOTEBOOKS = nbtools.notebooks()
IDS = [path.name for path in NOTEBOOKS]


def test_the_course_has_its_first_notebooks():
    assert [p.name[:2] for p in NOTEBOOKS][:2] == ["00", "01"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_name_kernel_and_setup(path):
    assert nbtools.NAME_PATTERN.match(path.name), f"{path.name}: name it NN_topic.ipynb"
    nb = nbtools.read(path)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    first = nbtools.code_cells(nb)[0].source
    assert re.search(r"^cfg = cu\.setup\(", first, re.M), "the first code cell must call cu.setup()"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_stored_outputs_are_a_clean_fresh_full_run(path):
    nb = nbtools.read(path)
    cells = nbtools.code_cells(nb)
    counts = [cell.execution_count for cell in cells]
    assert counts == list(range(1, len(cells) + 1)), "re-run top to bottom: make execute"
    errors = [o for cell in cells for o in cell.outputs if o.output_type == "error"]
    assert not errors, f"stored error output: {errors[0].get('ename')}"
    stamp = nb.metadata.get("course", {})
    assert stamp.get("mode") == "full", "store a full-mode run: make execute"
    assert stamp.get("code_sha256") == nbtools.code_hash(nb), "code changed since the outputs were stored: make execute"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_teaching_structure(path):
    nb = nbtools.read(path)
    markdown = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert "After this notebook you can" in nb.cells[0].source
    assert "## Summary" in markdown
    assert len(nbtools.exercises(nb)) >= 3
    for cell in nbtools.code_cells(nb):
        assert "!pip" not in cell.source and "verbose=1" not in cell.source


def exercise_cases():
    for path in NOTEBOOKS:
        nb = nbtools.read(path)
        exercises = nbtools.exercises(nb)
        for index, (solution, check) in enumerate(exercises):
            earlier = tuple(re.search(r"^def (\w+)\(", source, re.M).group(1) for source, _ in exercises[:index])
            yield pytest.param(nbtools.code_cells(nb)[0].source, solution, check, earlier,
                               id=f"{path.stem}-{index + 1}")


def run_exercise(setup_source, exercise_source, check_source, earlier=()):
    """The check's result for ``exercise_source`` after the notebook's set-up cell, with the course's reference
    versions of the notebook's ``earlier`` exercises defined (a later exercise may call an earlier one)."""
    namespace = {}
    with redirect_stdout(io.StringIO()):
        exec(setup_source, namespace)
        namespace.update({name: fallback.REFERENCES[name] for name in earlier})
        exec(exercise_source, namespace)
        body, last = check_source.rstrip().rsplit("\n", 1) if "\n" in check_source.strip() else ("", check_source)
        exec(body, namespace)
        return eval(last, namespace)


@pytest.mark.parametrize("setup_source, solution, check, earlier", list(exercise_cases()))
def test_checker_accepts_the_solution_and_rejects_the_stub(setup_source, solution, check, earlier):
    passed = run_exercise(setup_source, solution, check, earlier)
    assert isinstance(passed, checks.CheckResult) and passed, f"the worked solution fails its check: {passed}"
    stubbed = run_exercise(setup_source, nbtools.strip_solutions(solution), check, earlier)
    assert not stubbed and stubbed.message == checks.NOT_ATTEMPTED


def test_strip_solutions_keeps_indentation_and_refuses_broken_markers():
    source = "def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n"
    assert nbtools.strip_solutions(source) == "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"
    with pytest.raises(ValueError, match="without an END"):
        nbtools.strip_solutions("### BEGIN SOLUTION\nx = 1\n")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_student_copy_has_no_solutions_and_no_outputs(path):
    copy = nbtools.student_copy(nbtools.read(path))
    nbformat.validate(copy)
    text = nbformat.writes(copy)
    code = "\n".join(cell.source for cell in nbtools.code_cells(copy))
    assert nbtools.BEGIN not in code and nbtools.END not in code and "course" not in copy.metadata
    assert all(not cell.outputs for cell in nbtools.code_cells(copy))
    assert code.count("raise NotImplementedError()") == len(nbtools.exercises(nbtools.read(path)))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_kernelspec_is_the_one_jupyterlab_starts(path):
    """JupyterLab marks a notebook changed on opening when its stored kernelspec differs from the kernel it starts."""
    from jupyter_client.kernelspec import KernelSpecManager

    installed = KernelSpecManager().get_kernel_spec("python3")
    stored = dict(nbtools.read(path).metadata.kernelspec)
    assert stored == {"name": "python3", "display_name": installed.display_name, "language": installed.language}
