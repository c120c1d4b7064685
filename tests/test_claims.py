"""The lessons hold on the full-mode numbers of BENCHMARKS.json, and those numbers are not stale; every notebook
fits Binder's memory beside the JupyterLab server.

The quick-mode side of the same claims is checked where the quick run happens: tests/test_student_copies.py.
"""
import json

import pytest

from tests import lesson_claims
from tools import bench, nbtools

NOTEBOOKS = nbtools.notebooks()
ROWS = json.loads((nbtools.ROOT / "BENCHMARKS.json").read_text())


def full_row(path):
    rows = [row for row in ROWS if row["notebook"] == path.name and row["mode"] == "full"]
    assert rows, f"BENCHMARKS.json has no full-mode row for {path.name}: run make bench NOTEBOOKS={path}"
    return rows[0]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_benchmark_rows_measured_the_current_code(path):
    current = nbtools.code_hash(nbtools.read(path))
    for row in ROWS:
        if row["notebook"] == path.name and row["mode"] != "lab":    # lab rows: see test_fits_binders_memory
            assert row.get("code_sha256") == current, (
                f"the {row['mode']}-mode row of {path.name} in BENCHMARKS.json was measured on older code: "
                f"run make bench NOTEBOOKS=notebooks/{path.name}")


def test_the_whole_course_runs_within_its_budget_in_full_mode():
    rows = [full_row(path) for path in NOTEBOOKS]
    total = sum(row["wall_s"] for row in rows)
    slowest = sorted(rows, key=lambda row: -row["wall_s"])[:3]
    assert total <= bench.COURSE_FULL_BUDGET_S, (
        f"the {len(rows)} notebooks take {total / 60:.1f} min in full mode together, over the course's "
        f"{bench.COURSE_FULL_BUDGET_S // 60} min; the slowest: "
        + ", ".join(f"{row['notebook']} {row['wall_s']:.0f} s" for row in slowest))
    heavy = [f"{row['notebook']} {row['peak_rss_mb']} MB" for row in ROWS
             if row["mode"] in ("full", "quick") and row["peak_rss_mb"] > 2048]
    assert not heavy, f"over 2 GB of memory: {heavy}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_lessons_hold_in_full_mode(path):
    broken = lesson_claims.check(path.stem, full_row(path)["records"])
    assert not broken, "a lesson does not hold on the full-mode record:\n" + "\n".join(broken)


def test_a_broken_claim_is_reported_with_its_numbers(monkeypatch):
    monkeypatch.setitem(lesson_claims.CLAIMS, "99_probe", [("the MLP beats softmax regression",
                                                            "mlp_accuracy > softmax_accuracy")])
    [message] = lesson_claims.check("99_probe", {"mlp_accuracy": 0.80, "softmax_accuracy": 0.92})
    assert "is false" in message and "mlp_accuracy = 0.8" in message and "softmax_accuracy = 0.92" in message
    assert lesson_claims.check("99_probe", {"mlp_accuracy": 0.98, "softmax_accuracy": 0.92}) == []
    [missing] = lesson_claims.check("99_probe", {"mlp_accuracy": 0.98})
    assert "did not record 'softmax_accuracy'" in missing
    assert lesson_claims.check("99_unknown", {}) == ["99_unknown states no lesson claims: add them to tests/lesson_claims.py"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_fits_binders_memory_with_the_server(path):
    # Binder counts the JupyterLab server and its kernels together. The browser test measured both in JupyterLab
    # (a "lab" row); the kernel's side is also taken from the current quick-mode row, so a notebook whose quick
    # run grew since is caught without re-running the browser.
    lab = [row for row in ROWS if row["notebook"] == path.name and row["mode"] == "lab"]
    quick = [row for row in ROWS if row["notebook"] == path.name and row["mode"] == "quick"]
    assert lab, f"BENCHMARKS.json has no JupyterLab memory row for {path.name}: run make test-browser STORE=1"
    assert quick, f"BENCHMARKS.json has no quick-mode row for {path.name}: run make bench NOTEBOOKS={path}"
    kernel = max(lab[0]["kernel_peak_mb"], quick[0]["peak_rss_mb"])
    total = lab[0]["server_peak_mb"] + kernel
    assert total < bench.LAB_MEMORY_LIMIT_MB, (
        f"{path.name}: the JupyterLab server ({lab[0]['server_peak_mb']} MB) and its quick-mode kernel ({kernel} MB) "
        f"peak at {total} MB together, over {bench.LAB_MEMORY_LIMIT_MB} MB (Binder: 2,048 MB, less a 10 % margin)")
