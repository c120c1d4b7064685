"""Numbers quoted in the notebooks' prose match the full-mode records they come from.

A number in a markdown cell that a run produced is written with the name of its record right after it, in an
HTML comment that readers do not see: ``about 86 %<!-- record: he_test_accuracy -->``. A percentage is compared
with 100 × the record to within one point; a plain number to within 5 %. Other numbers in the prose are either
settings (epochs, image counts) or printed by code cells, never typed in.
"""
import json
import re

import pytest

from tools import nbtools

QUOTE = re.compile(r"(\d+(?:\.\d+)?)\s*(%?)\s*<!--\s*record:\s*(\w+)\s*-->")
NOTEBOOKS = nbtools.notebooks()
ROWS = json.loads((nbtools.ROOT / "BENCHMARKS.json").read_text())


def quotes(path):
    nb = nbtools.read(path)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for match in QUOTE.finditer(cell.source):
                yield float(match.group(1)), match.group(2) == "%", match.group(3)


def mismatch(quoted: float, percent: bool, value: float) -> str | None:
    expected = 100 * value if percent else value
    tolerance = 1.0 if percent else 0.05 * abs(expected)
    if abs(quoted - expected) > tolerance:
        return f"quoted {quoted:g}{' %' if percent else ''}, the record says {expected:.4g}"
    return None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_quoted_numbers_match_the_full_mode_record(path):
    rows = [row for row in ROWS if row["notebook"] == path.name and row["mode"] == "full"]
    records = rows[0]["records"] if rows else {}
    for quoted, percent, name in quotes(path):
        assert name in records, f"{path.name} quotes the record {name!r}, which its full-mode run does not record"
        problem = mismatch(quoted, percent, records[name])
        assert problem is None, f"{path.name}, {name}: {problem}: update the prose or re-run make bench"


def test_the_comparison_catches_a_stale_number():
    assert mismatch(86, True, 0.8604) is None and mismatch(88, True, 0.8604)
    assert mismatch(1.48, False, 1.50) is None and mismatch(1.48, False, 1.04)
    [(quoted, percent, name)] = QUOTE.findall("reaches about 92 %<!-- record: softmax_test_accuracy --> on MNIST")
    assert (quoted, percent, name) == ("92", "%", "softmax_test_accuracy")


def test_the_readme_table_quotes_the_benchmarks():
    readme = (nbtools.ROOT / "README.md").read_text()
    rows = re.findall(r"^\| (\d\d) \| \[\w+\]\(notebooks/(\S+?\.ipynb)\) \|.*\| (\d+) s \| (\d+) s \|$", readme, re.M)
    assert sorted(name for _, name, _, _ in rows) == sorted(p.name for p in NOTEBOOKS), "one README row per notebook"
    walls = {(row["notebook"], row["mode"]): row["wall_s"] for row in ROWS if row["mode"] in ("full", "quick")}
    records = {row["notebook"]: row["records"] for row in ROWS if row["mode"] == "full"}
    for line in readme.splitlines():
        row = re.match(r"^\| \d\d \| \[\w+\]\(notebooks/(\S+?\.ipynb)\)", line)
        for quoted, percent, name in (QUOTE.findall(line) if row else []):
            assert name in records[row.group(1)], f"README quotes {name!r}, which {row.group(1)} does not record"
            problem = mismatch(float(quoted), percent == "%", records[row.group(1)][name])
            assert problem is None, f"README, {row.group(1)}, {name}: {problem}"
    for _, name, full, quick in rows:
        for mode, quoted in (("full", full), ("quick", quick)):
            measured = walls[(name, mode)]
            assert abs(int(quoted) - measured) <= max(5, 0.25 * measured), (
                f"README says {quoted} s for {name} in {mode} mode; BENCHMARKS.json measured {measured:.0f} s")


SUITE_QUOTE = re.compile(r"([\d,]+)\s*(tests|minutes)<!--\s*suite:\s*(\w+)\s*-->")


def suite_mismatches(text: str, row: dict) -> list[str]:
    """What the README says about the test suite that its measured row does not: the test count exactly,
    each time to the nearest minute."""
    problems = []
    quoted = SUITE_QUOTE.findall(text)
    if {name for _, _, name in quoted} != {"tests", "pytest_s", "wall_s"}:
        problems.append("quote the suite's tests, pytest_s and wall_s, e.g. 1,234 tests<!-- suite: tests -->")
    for number, unit, name in quoted:
        value = int(number.replace(",", ""))
        if unit == "tests" and value != row[name]:
            problems.append(f"{value:,} tests, measured {row[name]:,}")
        if unit == "minutes" and abs(value - row[name] / 60) > 0.5 + 1e-9:
            problems.append(f"{value} minutes for {name}, measured {row[name] / 60:.1f}")
    return problems


def test_the_readme_quotes_the_measured_test_suite():
    suites = [row for row in ROWS if row["mode"] == "suite"]
    assert suites, "BENCHMARKS.json has no test-suite row: run make bench-suite"
    [row] = suites
    assert row["notebooks"] == len(NOTEBOOKS), "the suite was measured with another set of notebooks: make bench-suite"
    problems = suite_mismatches((nbtools.ROOT / "README.md").read_text(), row)
    assert not problems, f"README: {'; '.join(problems)}: update it from BENCHMARKS.json or run make bench-suite"


def test_the_suite_comparison_catches_stale_figures():
    row = {"tests": 1234, "pytest_s": 400.0, "wall_s": 600.0}
    good = "1,234 tests<!-- suite: tests --> in 7 minutes<!-- suite: pytest_s -->, 10 minutes<!-- suite: wall_s -->"
    assert suite_mismatches(good, row) == []
    assert suite_mismatches(good.replace("1,234", "880"), row) == ["880 tests, measured 1,234"]
    assert suite_mismatches(good.replace("7 minutes", "5 minutes"), row) == ["5 minutes for pytest_s, measured 6.7"]
    assert suite_mismatches("about 880 tests in about 5 minutes", row)
