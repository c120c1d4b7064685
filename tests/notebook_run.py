"""Run a notebook once in a fresh kernel and compare what its checked cells print with the stored outputs.

This is the suite's notebook harness: each notebook is executed once per test run, as its unsolved student
copy (tests/test_student_copies.py), and that one run is checked four ways: no cell raises, every check
cell says "not attempted", the lessons hold on the numbers it records, and every cell tagged
``nbval-check-output`` prints what the stored full-mode run printed (the tag names are nbval's, so the
notebooks also work with ``pytest --nbval-lax`` by hand). Text that changes from run to run (timings,
addresses, TensorFlow's log lines) is replaced by the patterns of tests/output_sanitize.cfg before comparing,
and so is the one line a lesson cell prints when it falls back to the course's version of an unsolved exercise.
"""
from __future__ import annotations

import configparser
import json
import os
import re
from pathlib import Path
from typing import Callable

from nbclient import NotebookClient

CHECK_OUTPUT, IGNORE_OUTPUT = "nbval-check-output", "nbval-ignore-output"
SANITIZE_FILE = Path(__file__).with_name("output_sanitize.cfg")
FALLBACK_LINE = re.compile(r"(?m)^\w+ is not solved yet: the cells below use the course's reference version.*\n?")


def _patterns(path: Path = SANITIZE_FILE) -> list[tuple[re.Pattern, str]]:
    parser = configparser.ConfigParser()
    parser.read(path, encoding="utf-8")
    return [(re.compile(parser[section]["regex"]), parser[section]["replace"]) for section in parser.sections()]


PATTERNS = _patterns()


def sanitize(text: str) -> str:
    """``text`` with volatile parts replaced (tests/output_sanitize.cfg) and the fallback line removed."""
    text = FALLBACK_LINE.sub("", text)
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def comparable(cell) -> list[tuple[str, str]]:
    """What a cell showed, as (kind, sanitized text): each stream merged into one text (Jupyter splits streams
    differently from run to run), then the plain-text form of each result; images are not compared."""
    streams: dict[str, str] = {}
    results = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            streams[output.name] = streams.get(output.name, "") + output.text
        elif output.output_type in ("execute_result", "display_data"):
            text = output.get("data", {}).get("text/plain")
            if text is not None:
                results.append(("result", sanitize(text)))
        elif output.output_type == "error":
            results.append(("error", output.ename))
    merged = [(name, sanitize(text)) for name, text in sorted(streams.items())]
    return [(kind, text) for kind, text in merged if text.strip()] + results


def text_of(cell) -> str:
    """Everything a cell printed or returned as text, errors included (unsanitized)."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.get("data", {}).get("text/plain", ""))
        elif output.output_type == "error":
            parts.append(f"{output.ename}: {output.evalue}")
    return "".join(parts)


def execute(nb, directory: Path, records: Path, timeout: int = 300, quick: bool = True) -> dict[str, float]:
    """Run ``nb`` in place in a fresh kernel started in ``directory``, every cell even after an error, each
    cell limited to ``timeout`` seconds; return what the notebook recorded with ``cu.record``."""
    environment = {"COURSE_QUICK": "1" if quick else "0", "COURSE_RECORD": str(records), "MPLBACKEND": "agg"}
    saved = {key: os.environ.get(key) for key in environment}
    os.environ.update(environment)
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(directory)}}).execute()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    lines = records.read_text().splitlines() if records.exists() else []
    return {entry["name"]: entry["value"] for entry in map(json.loads, lines)}


def errors(nb) -> list[tuple[int, str]]:
    """(code cell number, text) of every code cell that raised."""
    cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    return [(index, text_of(cell)) for index, cell in enumerate(cells)
            if any(output.output_type == "error" for output in cell.get("outputs", []))]


def output_differences(stored, executed, skip: Callable[[str], bool] = lambda source: False) -> list[str]:
    """One line per cell tagged ``nbval-check-output`` whose output in ``executed`` differs from ``stored``,
    leaving out the cells whose stored source ``skip`` is true of (an exercise's check, unsolved in ``executed``).

    The two notebooks must have the same cells in the same order (a student copy keeps every cell).
    """
    if len(stored.cells) != len(executed.cells):
        return [f"the notebooks have {len(stored.cells)} and {len(executed.cells)} cells"]
    found = []
    number = 0
    for before, after in zip(stored.cells, executed.cells):
        if before.cell_type != "code":
            continue
        number += 1
        if CHECK_OUTPUT not in before.get("metadata", {}).get("tags", []) or skip(before.source):
            continue
        expected, got = comparable(before), comparable(after)
        if expected != got:
            found.append(f"code cell {number} ({before.source.strip().splitlines()[0][:60]!r}) printed "
                         f"{json.dumps(got, ensure_ascii=False)[:400]}, stored {json.dumps(expected, ensure_ascii=False)[:400]}")
    return found
