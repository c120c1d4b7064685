"""Shared fixtures. The repository root is put on sys.path so tests can import tools/."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import matplotlib
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
matplotlib.use("Agg")


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A private COURSE_DATA folder holding the manifest and copies of the given files."""

    def make(*rels: str) -> Path:
        shutil.copy(ROOT / "data" / "MANIFEST.json", tmp_path / "MANIFEST.json")
        for rel in rels:
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / "data" / rel, tmp_path / rel)
        monkeypatch.setenv("COURSE_DATA", str(tmp_path))
        return tmp_path

    return make


@pytest.fixture
def edit_manifest():
    """Rewrite MANIFEST.json in a data_copy folder through a function of the parsed dict."""

    def edit(folder: Path, change) -> None:
        path = folder / "MANIFEST.json"
        manifest = json.loads(path.read_text())
        change(manifest)
        path.write_text(json.dumps(manifest))

    return edit



def _quick_seconds() -> dict[str, float]:
    """Each notebook's measured quick-mode time (BENCHMARKS.json), to schedule the longest runs first."""
    try:
        rows = json.loads((ROOT / "BENCHMARKS.json").read_text())
    except (OSError, ValueError):
        return {}
    return {Path(row["notebook"]).stem: row["wall_s"] for row in rows if row.get("mode") == "quick"}


def pytest_collection_modifyitems(items: list) -> None:
    """Run the notebooks first, longest first, then everything else in the usual order.

    With ``--dist loadgroup`` each test is its own unit of work, handed to whichever worker is free, in this
    order; a notebook run (a minute) started last would leave the other worker idle at the end.
    """
    seconds = _quick_seconds()

    def key(item) -> tuple:
        if item.nodeid.startswith("tests/test_student_copies.py::"):
            stem = item.callspec.id if hasattr(item, "callspec") else ""
            return (0, -seconds.get(stem, 60.0))
        return (1, 0.0)

    items.sort(key=key)   # stable: the other tests keep their order
