"""docs/SYLLABUS.md maps every concept to a notebook section that exists."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SYLLABUS = ROOT / "docs" / "SYLLABUS.md"
NOTEBOOKS = ROOT / "notebooks"
NOT_WRITTEN = "not written yet"
SHOWN_VALUES = ("yes", "partly", "no")
COLUMNS = ("concept (seed)", "notebook", "section", "shown in code or plot", "notes")
HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
NOTE_HEADING = re.compile(r"`(#{1,6} [^`]+)`")


def split_row(line: str) -> list[str]:
    """The cells of one markdown table row (a pipe escaped as \\| stays in its cell)."""
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", body)]


def syllabus_rows() -> list[dict]:
    """The rows of the concept table, as dicts keyed by column name, with their line numbers."""
    lines = SYLLABUS.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if line.lstrip().startswith("|") and tuple(split_row(line)) == COLUMNS:
            break
    else:
        raise AssertionError(f"{SYLLABUS.relative_to(ROOT)} has no table with the columns {' | '.join(COLUMNS)}")
    rows = []
    for offset, line in enumerate(lines[number + 2:], start=number + 3):
        if not line.lstrip().startswith("|"):
            break
        cells = split_row(line)
        assert len(cells) == len(COLUMNS), f"docs/SYLLABUS.md line {offset}: {len(cells)} cells, expected {len(COLUMNS)}"
        rows.append(dict(zip(COLUMNS, cells), line=offset))
    return rows


def notebook_headings(path: Path) -> set[str]:
    """Every markdown heading of a notebook, with its #'s, e.g. '## 3 · Glorot and He: ...'."""
    headings = set()
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        fence = None
        for line in source.splitlines():
            marker = FENCE.match(line)
            if marker:
                if fence is None:
                    fence = marker.group(1)[0]
                elif marker.group(1)[0] == fence:
                    fence = None
                continue
            match = HEADING.match(line) if fence is None else None
            if match:
                headings.add(f"{match.group(1)} {match.group(2)}")
    return headings


def heading_texts(headings: set[str]) -> set[str]:
    return {heading.lstrip("#").strip() for heading in headings}


def notebook_name(cell: str) -> str:
    return cell.strip("`").strip()


ROWS = syllabus_rows()
EXISTING = {path.name: path for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))}


def where(row: dict) -> str:
    return f"docs/SYLLABUS.md line {row['line']} ({row['concept (seed)'][:60]})"


def test_table_is_well_formed():
    assert ROWS, "docs/SYLLABUS.md lists no concepts"
    concepts = [row["concept (seed)"] for row in ROWS]
    duplicates = sorted({c for c in concepts if concepts.count(c) > 1})
    assert not duplicates, f"concepts listed twice in docs/SYLLABUS.md: {duplicates}"
    for row in ROWS:
        notebook = notebook_name(row["notebook"])
        assert (re.fullmatch(r"\d\d_\w+\.ipynb", notebook) or re.fullmatch(r"\d\d", notebook)
                or notebook == "later"), (f"{where(row)}: notebook {notebook!r} is neither a notebook file "
                                          "name, a two-digit number nor 'later'")
        assert row["shown in code or plot"] in SHOWN_VALUES, (
            f"{where(row)}: 'shown in code or plot' is {row['shown in code or plot']!r}, "
            f"expected one of {', '.join(SHOWN_VALUES)}")


@pytest.mark.parametrize("row", [r for r in ROWS if notebook_name(r["notebook"]) in EXISTING],
                         ids=lambda r: f"line{r['line']}")
def test_section_is_a_heading_of_its_notebook(row):
    notebook = notebook_name(row["notebook"])
    headings = notebook_headings(EXISTING[notebook])
    section = row["section"]
    assert section in heading_texts(headings), (
        f"{where(row)}: notebook {notebook} has no markdown heading {section!r}; its headings are: "
        + "; ".join(sorted(heading_texts(headings))))
    for quoted in NOTE_HEADING.findall(row["notes"]):
        assert quoted in headings, (f"{where(row)}: the notes name the heading {quoted!r}, which "
                                    f"notebook {notebook} does not have")
    assert row["shown in code or plot"] == "yes", (
        f"{where(row)}: says {row['shown in code or plot']!r}; a written notebook teaches every part of its concepts "
        "in code or a plot: add the code, or move the row to 'later' with the reason in its notes")


@pytest.mark.parametrize("row", [r for r in ROWS if notebook_name(r["notebook"]) not in EXISTING],
                         ids=lambda r: f"line{r['line']}")
def test_rows_for_unwritten_notebooks_say_so(row):
    notebook = notebook_name(row["notebook"])
    assert row["section"] == NOT_WRITTEN, (
        f"{where(row)}: notebook {notebook} does not exist in notebooks/, so the section must be "
        f"{NOT_WRITTEN!r}, not {row['section']!r}")
    if notebook == "later":
        reason = row["notes"].removeprefix("Later:").strip()
        assert row["notes"].startswith("Later:") and len(reason.split()) >= 8, (
            f"{where(row)}: a 'later' row's notes start with 'Later:' and say why the course leaves it out, "
            f"got {row['notes']!r}")
    written = [name for name in EXISTING if name[:2] == notebook[:2]]
    assert not written, (f"{where(row)}: notebook {written[0]} exists now: put its file name in the notebook "
                         f"column and the heading that teaches the concept in the section column")


@pytest.mark.parametrize("name", list(EXISTING))
def test_every_notebook_has_a_row(name):
    assert any(notebook_name(row["notebook"]) == name for row in ROWS), (
        f"notebooks/{name} has no row in docs/SYLLABUS.md: map the concepts it teaches to its sections")


def test_heading_parser_skips_fenced_code(tmp_path):
    notebook = tmp_path / "99_demo.ipynb"
    cells = [{"cell_type": "markdown", "source": ["## 1 · Real\n", "```python\n", "# not a heading\n", "```\n",
                                                   "### Also real  \n"]},
             {"cell_type": "code", "source": "# a comment", "outputs": []}]
    notebook.write_text(json.dumps({"cells": cells}))
    assert notebook_headings(notebook) == {"## 1 · Real", "### Also real"}
