import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course_utils.__main__ import doctor

ROOT = Path(__file__).resolve().parent.parent


def run_doctor(env_extra):
    env = {**os.environ, **env_extra}
    return subprocess.run([sys.executable, "-m", "course_utils", "doctor"], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)


def test_doctor_passes_on_the_shipped_data():
    done = run_doctor({"COURSE_QUICK": "1"})
    assert done.returncode == 0, done.stdout + done.stderr
    count = len(json.loads((ROOT / "data" / "MANIFEST.json").read_text())["files"])
    assert "quick mode" in done.stdout and f"{count} of {count} files verified" in done.stdout


def test_doctor_fails_and_names_a_damaged_file(tmp_path):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    target = tmp_path / "data" / "udhr" / "udhr_20langs.tsv"
    target.write_bytes(target.read_bytes()[:-10])
    done = run_doctor({"COURSE_DATA": str(tmp_path / "data")})
    assert done.returncode != 0
    assert "PROBLEM data/udhr/udhr_20langs.tsv is truncated" in done.stdout


def _one_file_copy(data_copy, edit_manifest, rel="udhr/udhr_20langs.tsv"):
    """A private data folder whose manifest lists a single small file."""
    folder = data_copy(rel)
    edit_manifest(folder, lambda m: m.update(files={rel: m["files"][rel]}))
    return folder


def test_doctor_reports_a_truncated_manifest_without_a_traceback(tmp_path):
    (tmp_path / "MANIFEST.json").write_text((ROOT / "data" / "MANIFEST.json").read_text()[:5000])
    done = run_doctor({"COURSE_DATA": str(tmp_path), "COURSE_QUICK": "1"})
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    problem = [line for line in done.stdout.splitlines() if "MANIFEST.json" in line]
    assert len(problem) == 1 and problem[0].startswith("PROBLEM ")
    assert "is damaged, perhaps truncated" in problem[0] and "git checkout -- data/MANIFEST.json" in problem[0]
    assert "problem(s) found" in done.stdout


@pytest.mark.parametrize("content, says", [("", "is empty"), ('{"files": {"a.txt": {"sha', "is damaged, perhaps truncated"),
                                           ('{"about": "no files"}', "is damaged (no 'files' table)")])
def test_doctor_names_a_damaged_manifest(tmp_path, monkeypatch, capsys, content, says):
    (tmp_path / "MANIFEST.json").write_text(content)
    monkeypatch.setenv("COURSE_DATA", str(tmp_path))
    assert doctor() >= 1
    out = capsys.readouterr().out
    assert f"PROBLEM {tmp_path / 'MANIFEST.json'} {says}" in out
    assert "git checkout -- data/MANIFEST.json" in out and "problem(s) found" in out


def test_doctor_on_a_changed_manifest_digit_names_file_and_manifest(data_copy, edit_manifest, capsys):
    rel = "udhr/udhr_20langs.tsv"
    folder = _one_file_copy(data_copy, edit_manifest, rel)

    def change_digit(manifest):
        digest = manifest["files"][rel]["sha256"]
        manifest["files"][rel]["sha256"] = digest[:-1] + ("0" if digest[-1] != "0" else "1")

    edit_manifest(folder, change_digit)
    assert doctor() >= 1
    out = capsys.readouterr().out
    assert (f"PROBLEM data/{rel} is altered, or its sha256 in data/MANIFEST.json was changed" in out
            and f"git checkout -- data/{rel} data/MANIFEST.json" in out)
    assert "data: 0 of 1 files verified" in out


def test_doctor_on_an_intact_private_copy(data_copy, edit_manifest, capsys):
    _one_file_copy(data_copy, edit_manifest)
    doctor()
    out = capsys.readouterr().out
    assert "data: 1 of 1 files verified" in out and "PROBLEM data/" not in out
