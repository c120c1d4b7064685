"""The environment files agree, and the README's commands are the ones CI and make run."""
import re
from pathlib import Path

import pytest

import course_utils

ROOT = Path(__file__).resolve().parent.parent


def pins(lines):
    found = {}
    for line in lines:
        line = line.split("#")[0].strip()
        line = line[2:].strip() if line.startswith("- ") else line   # a YAML list item
        if not line or line.startswith("-e ") or line in ("pip", "python=3.11"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\[\]-]+)==([0-9][^ ;]*)\s*(;.*)?", line)
        assert match, f"not pinned with ==: {line!r}"
        found[(match.group(1).lower(), (match.group(3) or "").strip())] = match.group(2)
    return found


def requirement_pins(path):
    return pins(path.read_text().splitlines())


def test_every_requirement_is_pinned_and_binder_agrees():
    main = requirement_pins(ROOT / "requirements.txt")
    assert ("keras", "") in main and any(name.startswith("tensorflow") for name, _ in main)
    assert requirement_pins(ROOT / "binder" / "requirements.txt") == main


def test_environment_yml_carries_the_same_pins():
    text = (ROOT / "environment.yml").read_text()
    assert "python=3.11" in text
    pip_section = text.split("- pip:")[1].splitlines()
    assert pins(pip_section) == requirement_pins(ROOT / "requirements.txt")


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make lab" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_lab_listens_on_localhost_with_a_token():
    makefile = (ROOT / "Makefile").read_text()
    lab = makefile.split("\nlab:")[1].split("\n\n")[0]
    assert "--ip=127.0.0.1" in lab and "token" not in lab.lower()   # the default: token authentication on


def test_every_public_name_is_used_by_a_notebook_or_a_test():
    texts = [p.read_text(encoding="utf-8") for p in (ROOT / "notebooks").glob("*.ipynb")]
    texts += [p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py")]
    corpus = "\n".join(texts)
    unused = [name for name in course_utils.__all__ if name not in corpus]
    assert not unused, f"public but never used: {unused}"


def test_the_suite_benchmark_reads_pytest_s_summary():
    from tools import bench

    counts, seconds = bench.pytest_summary("... lots ...\n===== 1291 passed, 3 skipped, 2 warnings in 402.51s (0:06:42) =====\n")
    assert counts == {"passed": 1291, "skipped": 3, "warning": 2} and seconds == 402.51
    with pytest.raises(ValueError, match="no pytest summary"):
        bench.pytest_summary("===== 2 failed in 3.0s =====")
    path, name = bench.README_TEST.split("::")
    assert f"def {name}(" in (ROOT / path).read_text(), "the measured run may fail only on the README's own test"


def test_binders_build_uses_runtime_txt_installs_the_pins_and_runs_postbuild():
    # What repo2docker would build from binder/, without Docker: --no-build writes the Dockerfile (stdout) and
    # the buildpack it chose (stderr). repo2docker is a test-only tool (requirements-test.txt).
    import subprocess
    import sys

    repo2docker = Path(sys.executable).parent / "repo2docker"
    assert repo2docker.exists(), "repo2docker is missing: make test installs requirements-test.txt"
    done = subprocess.run([str(repo2docker), "--no-build", "--debug", "--user-name", "jovyan", "--user-id", "1000",
                           str(ROOT)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    dockerfile, log = done.stdout, done.stderr
    python = (ROOT / "binder" / "runtime.txt").read_text().strip().removeprefix("python-")
    assert re.fullmatch(r"3\.\d+", python), f"binder/runtime.txt should say python-3.X, not {python!r}"
    from escapism import escape                                        # how repo2docker names the files it copies

    lock = escape(f"environment.py-{python}-linux-64.lock", escape_char="-").lower()
    assert f"python={python}" in log and lock in dockerfile            # runtime.txt's Python, its conda lock file
    install = dockerfile.find('pip install --no-cache-dir -r "binder/requirements.txt"')
    post_build = dockerfile.find("RUN ./binder/postBuild")
    assert 0 < install < post_build, "the image must install binder/requirements.txt, then run binder/postBuild"
    steps = [line for line in (ROOT / "binder" / "postBuild").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert "pip install --no-deps -e ." in steps                                     # course_utils importable
    assert "python tools/make_student.py --learner my-course" in steps               # the learner's copies
    assert any("overrides.json" in step for step in steps)                           # no news toast on Binder


def test_the_readme_binder_badge_opens_jupyterlab_on_the_learner_copies():
    readme = (ROOT / "README.md").read_text()
    badges = re.findall(r"\[!\[Binder\]\(https://mybinder\.org/badge_logo\.svg\)\]\((\S+?)\)", readme)
    assert len(badges) == 1, "the README needs one Binder badge ([![Binder](https://mybinder.org/badge_logo.svg)](...))"
    assert re.fullmatch(r"https://mybinder\.org/v2/gh/[^/]+/[^/]+/HEAD\?urlpath=lab/tree/my-course", badges[0])
