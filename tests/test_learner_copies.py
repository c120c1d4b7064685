"""The learner's copies (`make lab`, Binder): exercises unsolved, lessons as stored, solutions one click away.

Nothing here executes a notebook: the course's notebooks are only read, and the copying is tried on
small notebooks built in the test.
"""
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat import v4

from tools import make_student, nbtools

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = nbtools.notebooks()
IDS = [path.stem for path in NOTEBOOKS]
FOLDER = make_student.LEARNER_FOLDER


def is_solution_cell(cell) -> bool:
    return cell.cell_type == "markdown" and nbtools.SOLUTION_TAG in nbtools.tags(cell)


def exercise_and_check_ids(nb):
    return {nb.cells[index].id for pair in nbtools.exercise_indices(nb) for index in pair}


# The course's notebooks ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_learner_copy_of_a_course_notebook(path):
    original = nbtools.read(path)
    copy = nbtools.learner_copy(original, path.name)
    nbformat.validate(copy)
    code = [cell for cell in copy.cells if cell.cell_type == "code"]
    source = "\n".join(cell.source for cell in code)

    # solutions gone, stubs in
    solved = nbtools.exercises(original)
    assert nbtools.BEGIN not in source and nbtools.END not in source
    assert source.count("raise NotImplementedError()") == len(solved)

    # exercise and check cells cleared; every other cell keeps its stored outputs
    skipped = exercise_and_check_ids(original)
    by_id = {cell.id: cell for cell in copy.cells}
    for cell in original.cells:
        if cell.cell_type != "code" or nbtools.INSTRUCTOR_ONLY in nbtools.tags(cell):
            continue
        mine = by_id[cell.id]
        if cell.id in skipped:
            assert mine.outputs == [] and mine.execution_count is None, f"cell {cell.id} keeps its output"
        elif not any(nbtools.WIDGET_VIEW in output.get("data", {}) for output in cell.outputs):
            assert mine.outputs == cell.outputs and mine.execution_count == cell.execution_count
    lesson = lambda nb: [c for c in nb.cells if c.cell_type == "code" and c.id not in skipped and c.outputs]
    assert len(lesson(copy)) == len(lesson(original)) > 0
    plots = lambda nb: sum("image/png" in o.get("data", {}) for c in lesson(nb) for o in c.outputs)
    assert plots(copy) >= plots(original)

    # the worked solution right after each check, folded, holding exactly the solution
    for (exercise_index, check_index), (solution, _) in zip(nbtools.exercise_indices(copy), solved):
        after = copy.cells[check_index + 1]
        assert is_solution_cell(after), f"no worked solution after {copy.cells[check_index].source!r}"
        assert after.source.startswith("<details><summary>Show the worked solution</summary>")
        assert nbtools.solution_from_markdown(after.source) == nbtools.solution_code(solution)
    assert sum(map(is_solution_cell, copy.cells)) == len(solved)

    # no instructor's widget state, no widget view left without it, no stale execution stamp
    assert "widgets" not in copy.metadata and "course" not in copy.metadata
    assert not any(nbtools.WIDGET_VIEW in o.get("data", {}) for c in code for o in c.outputs)
    assert copy.metadata[nbtools.COPY_STAMP] == {"notebook": path.name,
                                                 "content_sha256": nbtools.content_hash(copy)}

    # execution counts still read top to bottom and match the results they show
    counts = [cell.execution_count for cell in code if cell.execution_count is not None]
    assert counts == sorted(counts) and len(set(counts)) == len(counts)
    for cell in code:
        for output in cell.outputs:
            if output.output_type == "execute_result":
                assert output.execution_count == cell.execution_count


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_what_a_learner_reads_is_written_for_a_learner(path):
    """Text about the solutions being filled in belongs in a cell tagged instructor-only."""
    copy = nbtools.learner_copy(nbtools.read(path), path.name)
    for cell in copy.cells:
        if cell.cell_type == "markdown" and not is_solution_cell(cell):
            said = re.search(r"### (BEGIN|END) SOLUTION|solutions are filled in", cell.source)
            assert not said, (
                f"a learner's copy of {path.name} says {said.group(0)!r} in the markdown cell starting "
                f"{cell.source[:60]!r}: move that text to its own markdown cell tagged "
                f"{nbtools.INSTRUCTOR_ONLY!r}, and say it for learners in a cell tagged {nbtools.LEARNER_ONLY!r}")


def test_class_handouts_carry_no_widget_state_and_no_instructor_cells():
    path = next(p for p in NOTEBOOKS if "widgets" in nbtools.read(p).metadata)
    handout = make_student.handout(nbtools.read(path))
    nbformat.validate(handout)
    assert "widgets" not in handout.metadata and "course" not in handout.metadata
    assert all(not cell.outputs for cell in nbtools.code_cells(handout))
    assert not any(is_solution_cell(cell) for cell in handout.cells)


# Small notebooks made here ------------------------------------------------------------------------

def widget_state(png="iVBORw0KGgo="):
    def model(name, **state):
        return {"model_name": name, "model_module": "@jupyter-widgets/controls",
                "model_module_version": "2.0.0", "state": state}
    state = {
        "box": model("VBoxModel", children=["IPY_MODEL_slider", "IPY_MODEL_out"]),
        "slider": model("FloatSliderModel", value=0.5),
        "out": {"model_name": "OutputModel", "model_module": "@jupyter-widgets/output",
                "model_module_version": "1.0.0",
                "state": {"outputs": [{"output_type": "display_data", "metadata": {},
                                       "data": {"image/png": png, "text/plain": "<Figure>"}}]}},
    }
    return {nbtools.WIDGET_STATE: {"version_major": 2, "version_minor": 0, "state": state}}


def tagged(cell, tag):
    cell.metadata["tags"] = [tag]
    return cell


def tiny_notebook(solution="    return x * 2", title="A tiny lesson"):
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["widgets"] = widget_state()
    nb.metadata["course"] = {"mode": "full", "code_sha256": "0" * 64}
    lesson = v4.new_code_cell("print('lesson')", execution_count=1,
                              outputs=[v4.new_output("stream", name="stdout", text="lesson\n")])
    exercise = v4.new_code_cell(f"def double(x):\n    ### BEGIN SOLUTION\n{solution}\n    ### END SOLUTION",
                                execution_count=2)
    check = v4.new_code_cell("checks.check_double(double)", execution_count=3, outputs=[
        v4.new_output("execute_result", data={"text/plain": "[PASS] check_double"}, execution_count=3)])
    explorer = v4.new_code_cell("widgets.explore(double)", execution_count=4, outputs=[
        v4.new_output("execute_result", execution_count=4, data={
            nbtools.WIDGET_VIEW: {"model_id": "box", "version_major": 2, "version_minor": 0},
            "text/plain": "interactive(children=(FloatSlider(value=0.5), Output()))"})])
    plot = v4.new_code_cell("plt.plot([1, 2])", execution_count=5, outputs=[
        v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})])
    nb.cells = [
        v4.new_markdown_cell(f"# {title}"),
        lesson,
        tagged(v4.new_markdown_cell("The worked solutions are filled in here."), nbtools.INSTRUCTOR_ONLY),
        tagged(v4.new_markdown_cell("Your exercises are unsolved; the solution is folded under each check."),
               nbtools.LEARNER_ONLY),
        tagged(v4.new_code_cell("answer_key = {'double': 2}"), nbtools.INSTRUCTOR_ONLY),
        exercise,
        v4.new_markdown_cell("Now check it."),
        check,
        explorer,
        plot,
    ]
    nbformat.validate(nb)
    return nb


def test_tiny_learner_copy_stubs_clears_and_folds_the_solution():
    nb = tiny_notebook()
    copy = nbtools.learner_copy(nb, "00_tiny.ipynb")
    nbformat.validate(copy)
    sources = [cell.source for cell in copy.cells]
    exercise = next(cell for cell in copy.cells if cell.source.startswith("def double"))
    check = next(cell for cell in copy.cells if "checks.check_" in cell.source)
    assert exercise.source == "def double(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    assert check.outputs == [] and check.execution_count is None and exercise.execution_count is None
    solution = copy.cells[sources.index(check.source) + 1]
    assert solution.source == ("<details><summary>Show the worked solution</summary>\n\n"
                               "```python\ndef double(x):\n    return x * 2\n```\n\n</details>")
    assert solution.id == f"{check.id}-solution" and solution.metadata["tags"] == [nbtools.SOLUTION_TAG]
    assert copy.cells[1].outputs == nb.cells[1].outputs and copy.cells[1].execution_count == 1
    assert copy.cells[-1].outputs == nb.cells[-1].outputs
    assert nb.cells[5].source.count("BEGIN SOLUTION") == 1, "the course's notebook is left as it was"


def test_instructor_only_cells_are_left_out_and_learner_only_cells_kept():
    nb = tiny_notebook()
    for copy in (nbtools.learner_copy(nb), make_student.handout(nb), nbtools.for_learners(nb)):
        text = [cell.source for cell in copy.cells]
        assert "The worked solutions are filled in here." not in text
        assert "answer_key = {'double': 2}" not in text
        assert any(source.startswith("Your exercises are unsolved") for source in text)
        assert "widgets" not in copy.metadata and "course" not in copy.metadata
    assert any(nbtools.INSTRUCTOR_ONLY in nbtools.tags(cell) for cell in nb.cells), "source untouched"


def test_a_widget_explorer_keeps_its_stored_plot_without_the_widget_state():
    copy = nbtools.learner_copy(tiny_notebook())
    explorer = next(cell for cell in copy.cells if cell.source.startswith("widgets.explore"))
    assert [output.output_type for output in explorer.outputs] == ["display_data"]
    assert explorer.outputs[0].data["image/png"] == "iVBORw0KGgo="
    assert "widgets" not in copy.metadata
    # a widget with nothing stored keeps its plain-text form rather than a view that cannot be drawn
    bare = nbtools.static_outputs(tiny_notebook().cells[8].outputs, {})
    assert [list(output.data) for output in bare] == [["text/plain"]]


def test_a_solution_with_backticks_keeps_its_fence_intact():
    code = '    return "```" + x'
    copy = nbtools.learner_copy(tiny_notebook(solution=code))
    solution = next(cell for cell in copy.cells if is_solution_cell(cell))
    assert solution.source.count("````python") == 1
    assert nbtools.solution_from_markdown(solution.source) == 'def double(x):\n' + code


# make lab: the learner's folder ---------------------------------------------------------------------

def write(nb, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


@pytest.fixture
def course(tmp_path):
    sources = [write(tiny_notebook(title="Zero"), tmp_path / "course" / "00_zero.ipynb"),
               write(tiny_notebook(title="One"), tmp_path / "course" / "01_one.ipynb")]
    return sources, tmp_path / FOLDER


def test_first_run_creates_every_learner_copy(course):
    sources, folder = course
    lines = make_student.sync_learner_copies(folder, sources)
    assert lines == [f"{folder / s.name}: created, exercises unsolved" for s in sources]
    for source in sources:
        mine = nbtools.read(folder / source.name)
        assert nbformat.writes(mine) == nbformat.writes(nbtools.learner_copy(nbtools.read(source), source.name))


def test_an_existing_copy_is_never_overwritten_and_new_notebooks_are_added(course):
    sources, folder = course
    make_student.sync_learner_copies(folder, sources)
    mine = folder / sources[0].name
    work = nbtools.read(mine)
    work.cells[1].source = "print('my own work')"
    nbformat.write(work, mine)
    broken = folder / sources[1].name
    broken.write_text("{ half a notebook")
    new = write(tiny_notebook(title="Two"), sources[0].parent / "02_two.ipynb")

    lines = make_student.sync_learner_copies(folder, sources + [new])
    assert lines[0] == f"{mine}: kept, yours"
    assert lines[1].startswith(f"{broken}: kept, yours (it could not be read")
    assert lines[2] == f"{folder / new.name}: created, exercises unsolved"
    assert len(lines) == 3
    assert nbtools.read(mine).cells[1].source == "print('my own work')"
    assert broken.read_text() == "{ half a notebook"


def test_a_changed_course_notebook_is_reported_with_a_way_to_get_it(course):
    sources, folder = course
    make_student.sync_learner_copies(folder, sources)
    mine = folder / sources[0].name
    before = mine.read_bytes()
    changed = nbtools.read(sources[0])
    changed.cells[0].source = "# Zero, revised"
    nbformat.write(changed, sources[0])
    (folder / "00_zero_mine.ipynb").write_text("{}")

    lines = make_student.sync_learner_copies(folder, sources)
    assert lines[0] == (f"{mine}: kept, yours; the course's version has changed since: to get it, "
                        "rename yours (e.g. to 00_zero_mine2.ipynb) and run make lab again")
    assert lines[1] == f"{folder / sources[1].name}: kept, yours"
    assert mine.read_bytes() == before

    mine.rename(folder / "00_zero_mine2.ipynb")           # what the note says to do
    assert make_student.sync_learner_copies(folder, sources)[0] == f"{mine}: created, exercises unsolved"
    assert nbtools.read(mine).cells[0].source == "# Zero, revised"


def test_outputs_alone_changing_is_not_a_new_version(course):
    sources, folder = course
    make_student.sync_learner_copies(folder, sources)
    rerun = nbtools.read(sources[0])
    rerun.cells[1].outputs[0].text = "lesson, run again\n"
    nbformat.write(rerun, sources[0])
    assert make_student.sync_learner_copies(folder, sources)[0].endswith(": kept, yours")


def test_the_command_line_writes_learner_copies(course):
    sources, folder = course
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "make_student.py"), "--learner", str(folder),
                          str(sources[0])], capture_output=True, text=True, check=True)
    assert run.stdout.splitlines() == [f"{folder / sources[0].name}: created, exercises unsolved"]


# Where make lab, Binder and the README lead ---------------------------------------------------------

def makefile_target(name):
    text = (ROOT / "Makefile").read_text()
    return text.split(f"\n{name}:")[1].split("\n\n")[0]


def test_make_lab_makes_the_copies_and_opens_the_learner_folder():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(rf"^LEARNER_DIR \?= {FOLDER}$", makefile, re.M)
    lab = makefile_target("lab").splitlines()
    assert "tools/make_student.py --learner $(LEARNER_DIR)" in lab[1]
    assert lab[2].lstrip().startswith("cd $(LEARNER_DIR) &&") and "jupyter\" lab --ip=127.0.0.1" in lab[2]
    assert "cd notebooks &&" in makefile_target("lab-instructor")


def test_the_learner_folder_is_ignored_built_on_binder_and_linked():
    assert f"{FOLDER}/" in (ROOT / ".gitignore").read_text().splitlines()
    assert f"python tools/make_student.py --learner {FOLDER}" in (ROOT / "binder" / "postBuild").read_text()
    readme = (ROOT / "README.md").read_text()
    assert f"?urlpath=lab/tree/{FOLDER}`" in readme and "urlpath=lab/tree/notebooks" not in readme
    assert "Show the worked solution" in readme and "instructor-only" in readme and "learner-only" in readme
