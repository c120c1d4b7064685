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

