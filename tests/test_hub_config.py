"""deploy/jupyterhub/values.yaml (Zero to JupyterHub) gives each learner what BENCHMARKS.json says the course needs."""
from __future__ import annotations

import json
import re

import pytest
import yaml

from tools import nbtools

ROOT = nbtools.ROOT
VALUES = ROOT / "deploy" / "jupyterhub" / "values.yaml"
ROWS = json.loads((ROOT / "BENCHMARKS.json").read_text(encoding="utf-8"))
MARGIN = 1.1          # at least 10 % above the largest measured peak
UNITS = {"K": 1024, "M": 1024 ** 2, "G": 1024 ** 3, "T": 1024 ** 4}   # JupyterHub's ByteSpecification


def megabytes(spec) -> float:
    """'2.5G' -> 2560.0 (JupyterHub counts K, M, G, T in powers of 1024); a plain number is bytes."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([KMGT]?)", str(spec))
    assert match, f"{spec!r} is not a JupyterHub byte size such as 2G or 2560M"
    return float(match.group(1)) * UNITS.get(match.group(2), 1) / 1024 ** 2


@pytest.fixture(scope="module")
def singleuser() -> dict:
    return yaml.safe_load(VALUES.read_text(encoding="utf-8"))["singleuser"]


def workshop_peak_mb() -> tuple[float, str]:
    """The largest server-plus-kernel peak of a quick-mode run in JupyterLab (the browser test's lab rows)."""
    lab = [(r["server_peak_mb"] + r["kernel_peak_mb"], r["notebook"]) for r in ROWS if r["mode"] == "lab"]
    assert len(lab) == len(nbtools.notebooks()), "BENCHMARKS.json lacks a lab row: run make test-browser STORE=1"
    return max(lab)


def full_peak_mb() -> tuple[float, str]:
    """The largest full-mode kernel peak, plus the largest JupyterLab server peak measured."""
    server = max(r["server_peak_mb"] for r in ROWS if r["mode"] == "lab")
    full = [(r["peak_rss_mb"], r["notebook"]) for r in ROWS if r["mode"] == "full"]
    assert len(full) == len(nbtools.notebooks())
    peak, name = max(full)
    return peak + server, name


def test_the_guarantee_holds_a_workshop_run_with_margin(singleuser):
    peak, name = workshop_peak_mb()
    guarantee = megabytes(singleuser["memory"]["guarantee"])
    assert guarantee >= MARGIN * peak, (f"values.yaml guarantees {guarantee:.0f} MB, but {name} peaks at {peak:.0f} MB "
                                        "in JupyterLab in quick mode: raise singleuser.memory.guarantee")


def test_the_limit_holds_every_full_mode_run_with_margin(singleuser):
    peak, name = full_peak_mb()
    limit = megabytes(singleuser["memory"]["limit"])
    assert limit >= MARGIN * peak, (f"values.yaml limits a learner to {limit:.0f} MB, but {name} in full mode and the "
                                    f"server peak at {peak:.0f} MB: raise singleuser.memory.limit")
    assert limit >= megabytes(singleuser["memory"]["guarantee"])


def test_cpu_idle_culling_and_the_notebooks(singleuser):
    assert singleuser["cpu"]["limit"] >= 2, "the benchmarks' times were measured on 2 cores"
    assert 0 < singleuser["cpu"]["guarantee"] <= singleuser["cpu"]["limit"]
    cull = yaml.safe_load(VALUES.read_text(encoding="utf-8"))["cull"]
    longest = max(r["wall_s"] for r in ROWS if r["mode"] == "full")
    assert cull["enabled"] and cull["timeout"] > 2 * longest, "culling must not stop a learner's full-mode run"
    command = singleuser["lifecycleHooks"]["postStart"]["exec"]["command"]
    assert command[1:] == ["/srv/course/tools/make_student.py", "--learner", "/home/jovyan/my-course"]
    assert (ROOT / "tools" / "make_student.py").exists() and singleuser["defaultUrl"] == "/lab/tree/my-course"
    assert singleuser["extraEnv"]["COURSE_DATA"] == "/srv/course/data"


def test_the_readme_quotes_the_measured_peaks():
    text = (ROOT / "deploy" / "jupyterhub" / "README.md").read_text(encoding="utf-8")
    for peak, name in (workshop_peak_mb(), full_peak_mb()):
        quoted = f"at most {peak / 1000:.1f} GB ({name.removesuffix('.ipynb')})"
        assert quoted in text, f"deploy/jupyterhub/README.md should say {quoted!r}, measured in BENCHMARKS.json"


@pytest.mark.parametrize("spec, mb", [("2G", 2048), ("2.5G", 2560), ("512M", 512), (str(1024 ** 2), 1)])
def test_byte_sizes_are_read_as_jupyterhub_reads_them(spec, mb):
    assert megabytes(spec) == mb


def test_a_size_jupyterhub_would_refuse_is_refused():
    with pytest.raises(AssertionError, match="not a JupyterHub byte size"):
        megabytes("2 GB")
