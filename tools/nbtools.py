"""Notebook plumbing shared by the maintainer tools and the tests (not used by learners)."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
NAME_PATTERN = re.compile(r"^\d\d_[a-z0-9]+(_[a-z0-9]+)*\.ipynb$")
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = ["# YOUR CODE HERE", "raise NotImplementedError()"]


def notebooks() -> list[Path]:
    """The course notebooks, in order."""
    return sorted(p for p in NOTEBOOK_DIR.glob("*.ipynb") if p.name[:2].isdigit())


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def code_cells(nb: nbformat.NotebookNode) -> list:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def code_hash(nb: nbformat.NotebookNode) -> str:
    """sha256 of the code cells' sources: stored at execution time to prove outputs are fresh."""
    sources = [cell.source for cell in code_cells(nb)]
    return hashlib.sha256(json.dumps(sources, ensure_ascii=False).encode("utf-8")).hexdigest()


def strip_solutions(source: str) -> str:
    """Replace every BEGIN/END SOLUTION block with nbgrader's stub, keeping the indentation."""
    lines, out, inside = source.split("\n"), [], False
    for line in lines:
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise ValueError("nested '### BEGIN SOLUTION'")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.extend(indent + stub for stub in STUB)
        elif stripped == END:
            if not inside:
                raise ValueError("'### END SOLUTION' without a BEGIN")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError("'### BEGIN SOLUTION' without an END")
    return "\n".join(out)


def exercises(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """Pairs (solution cell source, checker cell source): a solution cell is followed by its check."""
    cells = code_cells(nb)
    pairs = []
    for index, cell in enumerate(cells):
        if BEGIN in cell.source:
            if index + 1 >= len(cells) or "checks.check_" not in cells[index + 1].source:
                raise ValueError(f"the exercise cell starting {cell.source[:40]!r} is not followed by a checks.check_* cell")
            pairs.append((cell.source, cells[index + 1].source))
    return pairs


def student_copy(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without solutions, outputs or execution stamps."""
    copy = nbformat.from_dict(json.loads(json.dumps(nb)))
    for cell in copy.cells:
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source)
            cell.outputs = []
            cell.execution_count = None
    copy.metadata.pop("course", None)
    return copy


# Learner copies -----------------------------------------------------------------------------------
#
# A learner copy is what a learner opens (`make lab`, Binder): every exercise unsolved, every lesson
# output and plot as stored, and the worked solution folded under each exercise's check.
# Cell tags choose the audience of a cell: `instructor-only` cells stay in notebooks/ and are left out
# of every copy for learners (learner copies and student handouts); `learner-only` cells are kept.

INSTRUCTOR_ONLY = "instructor-only"
LEARNER_ONLY = "learner-only"
SOLUTION_TAG = "worked-solution"
SOLUTION_SUMMARY = "Show the worked solution"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
COPY_STAMP = "learner_copy"


def tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def exercise_indices(nb: nbformat.NotebookNode) -> list[tuple[int, int]]:
    """Pairs (exercise cell index, check cell index) in ``nb.cells``; the same pairing as exercises()."""
    code = [index for index, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    pairs = []
    for position, index in enumerate(code):
        if BEGIN in nb.cells[index].source:
            following = code[position + 1] if position + 1 < len(code) else None
            if following is None or "checks.check_" not in nb.cells[following].source:
                raise ValueError(f"the exercise cell starting {nb.cells[index].source[:40]!r} "
                                 "is not followed by a checks.check_* cell")
            pairs.append((index, following))
    return pairs


def solution_code(source: str) -> str:
    """The exercise cell as solved: its source without the BEGIN/END SOLUTION lines."""
    strip_solutions(source)   # refuses broken markers
    kept = [line for line in source.split("\n") if line.strip() not in (BEGIN, END)]
    return "\n".join(kept).strip("\n")


def solution_markdown(code: str) -> str:
    """A collapsed <details> block with ``code`` in a python fence (renders folded in JupyterLab, GitHub, nbviewer)."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return (f"<details><summary>{SOLUTION_SUMMARY}</summary>\n\n"
            f"{fence}python\n{code}\n{fence}\n\n</details>")


def solution_from_markdown(source: str) -> str | None:
    """The code inside a cell made by solution_markdown(), or None for any other markdown."""
    match = re.fullmatch(rf"<details><summary>{re.escape(SOLUTION_SUMMARY)}</summary>\n\n"
                         r"(`{3,})python\n(.*)\n\1\n\n</details>", source, re.S)
    return match.group(2) if match else None


def for_learners(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without `instructor-only` cells, the instructor's widget state and the execution stamp."""
    copy = nbformat.from_dict(json.loads(json.dumps(nb)))
    copy.cells = [cell for cell in copy.cells if INSTRUCTOR_ONLY not in tags(cell)]
    copy.metadata.pop("widgets", None)
    copy.metadata.pop("course", None)
    return copy


def _widget_outputs(model_id: str, state: dict, seen: set | None = None) -> list:
    """The outputs stored in the Output widgets under ``model_id``, in display order."""
    seen = set() if seen is None else seen
    if model_id in seen or model_id not in state:
        return []
    seen.add(model_id)
    model = state[model_id].get("state", {})
    outputs = [dict(output) for output in model.get("outputs", [])]
    for child in model.get("children", []):
        if isinstance(child, str) and child.startswith("IPY_MODEL_"):
            outputs.extend(_widget_outputs(child[len("IPY_MODEL_"):], state, seen))
    return outputs


def static_outputs(outputs: list, widget_state: dict) -> list:
    """``outputs`` with every widget view replaced by what its Output widgets showed when stored.

    Without the widget state in the metadata a widget view cannot be drawn, so the explorer's stored
    plot is kept as a plain output; a view with nothing stored keeps its other representations.
    """
    result = []
    for output in outputs:
        data = output.get("data", {})
        if WIDGET_VIEW not in data:
            result.append(output)
            continue
        inner = _widget_outputs(data[WIDGET_VIEW].get("model_id", ""), widget_state)
        inner = [nbformat.from_dict(o) for o in inner if o.get("output_type") != "error"]
        for o in inner:
            if o.output_type == "execute_result":   # shown inside a widget, not as the cell's result
                o.output_type = "display_data"
                o.pop("execution_count", None)
        if inner:
            result.extend(inner)
        else:
            rest = {key: value for key, value in data.items() if key != WIDGET_VIEW}
            if rest:
                result.append(nbformat.from_dict({**output, "data": rest}))
    return result


def content_hash(nb: nbformat.NotebookNode) -> str:
    """sha256 of what a learner reads and runs (cell types and sources), not of outputs or metadata."""
    cells = [[cell.cell_type, cell.source] for cell in nb.cells]
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode("utf-8")).hexdigest()


def _clear(cell) -> None:
    cell.outputs = []
    cell.execution_count = None
    cell.metadata.pop("execution", None)


def learner_copy(nb: nbformat.NotebookNode, name: str = "") -> nbformat.NotebookNode:
    """The learner's copy: exercises stubbed and their check outputs cleared, the worked solution
    folded in a markdown cell after each check, every other cell's stored outputs kept, no widget
    state, `instructor-only` cells left out. ``name`` (the course notebook's file name) is stamped
    in ``metadata.learner_copy`` together with content_hash(), so a later run can tell whether the
    course's notebook has changed since the copy was made."""
    widget_state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    copy = for_learners(nb)
    pairs = exercise_indices(copy)
    solutions = {check: solution_code(copy.cells[exercise].source) for exercise, check in pairs}
    exercise_cells = {index for index, _ in pairs}
    for index, cell in enumerate(copy.cells):
        if cell.cell_type != "code":
            continue
        if index in exercise_cells:
            cell.source = strip_solutions(cell.source)
            _clear(cell)
        elif index in solutions:
            _clear(cell)
        else:
            cell.outputs = static_outputs(cell.outputs, widget_state)
    for _, check in reversed(pairs):
        solution = nbformat.v4.new_markdown_cell(solution_markdown(solutions[check]))
        solution.metadata["tags"] = [SOLUTION_TAG]
        check_id = copy.cells[check].get("id")
        if check_id:
            solution["id"] = f"{check_id}-solution"[-64:]
        else:                       # nbformat 4.4 and older: cells have no id
            solution.pop("id", None)
        copy.cells.insert(check + 1, solution)
    copy.metadata[COPY_STAMP] = {"notebook": name, "content_sha256": content_hash(copy)}
    return copy
