import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

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
