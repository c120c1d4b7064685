"""The lessons hold on the full-mode numbers of BENCHMARKS.json, and those numbers are not stale.

The quick-mode side of the same claims is checked where the quick run happens: tests/test_student_copies.py.
"""
import json

import pytest

from tests import lesson_claims
from tools import nbtools

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
        if row["notebook"] == path.name:
            assert row.get("code_sha256") == current, (
                f"the {row['mode']}-mode row of {path.name} in BENCHMARKS.json was measured on older code: "
                f"run make bench NOTEBOOKS=notebooks/{path.name}")


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
