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
