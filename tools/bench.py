"""Benchmark every notebook in quick and full mode; write BENCHMARKS.md.

Usage: python tools/bench.py [--modes quick,full] [notebooks/NN_*.ipynb ...]
       python tools/bench.py --suite       # `make test` in a fresh clone: test count and time (make bench-suite)
       python tools/bench.py --lab-memory build/browser/memory.json   # what `make test-browser STORE=1` measured

Results are kept in BENCHMARKS.json (one entry per notebook and mode, replaced when re-measured)
and rendered to BENCHMARKS.md, so a single notebook can be re-measured without redoing the rest.

Each run executes a copy of the notebook in a fresh kernel (the stored notebook is not touched;
with --store the full-mode run is stored in the notebook, as `make execute` does, so one run serves
both) and reports wall time including kernel start, the kernel's peak resident memory, the
headline numbers the notebook passed to course_utils.record(), and the sha256 of the notebook's code
cells, so the tests can refuse a row measured on code that has changed since. The budgets come from
the issues.

With --suite it clones the committed repository into a temporary folder and runs `make test` there, as CI does
(a new .venv, packages from pip's cache), and stores one row of mode "suite": the time of the whole command,
the time pytest reports, and the number of tests. The README quotes that row (tests/test_prose_numbers.py).

With --lab-memory it stores rows of mode "lab" from the browser test's measurements: per notebook, the peak memory
of the JupyterLab server and of the notebook's quick-mode kernel, as Binder counts them (together, against 2 GB).
"""
from __future__ import annotations

import argparse
import json
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))   # tools.nbtools, when run as a script
BUDGETS = {  # notebook prefix -> (full-mode seconds, quick-mode seconds, peak MB)
    "00": (300, 60, 1536), "01": (300, 60, 1536),
    "05": (900, 60, 2048), "06": (900, 60, 2048), "07": (900, 60, 2048),   # issues: full ≤ 15 min (aim for 10),
    "08": (900, 60, 2048), "09": (900, 60, 2048), "10": (900, 60, 2048),  # quick ≤ 60 s, 2 GB
    "11": (900, 60, 2048),
}
DEFAULT_BUDGET = (600, 60, 2048)
LAB_MEMORY_LIMIT_MB = 1843   # Binder: 2 GB (2,048 MB) for the server and its kernels together, less a 10 % margin
COURSE_FULL_BUDGET_S = 90 * 60   # all the notebooks one after another in full mode (issue: ≤ 90 min, aim for 60)
SUITE_BUDGET_S = 15 * 60   # `make test` from a fresh clone, packages in pip's cache (aim for 10 minutes)
# The one test allowed to fail in the measured run: it compares the README with the previous measurement,
# which this run is about to replace (the README is then updated from the new row).
README_TEST = "tests/test_prose_numbers.py::test_the_readme_quotes_the_measured_test_suite"
PYTEST_SUMMARY = re.compile(r"=+ (?P<counts>[^=]*?\d+ passed[^=]*?) in (?P<seconds>[\d.]+)s")


def pytest_summary(output: str) -> tuple[dict[str, int], float]:
    """The counts ({"passed": 1291, "warnings": 0, ...}) and the seconds of pytest's last summary line."""
    match = None
    for match in PYTEST_SUMMARY.finditer(output):
        pass
    if match is None:
        raise ValueError("no pytest summary line ('N passed ... in S s') in the output")
    counts = {word.rstrip("s") if word != "passed" else word: int(number)
              for number, word in re.findall(r"(\d+) (\w+)", match["counts"])}
    return counts, float(match["seconds"])


def measure_suite() -> dict:
    """Run `make test` in a fresh clone of the committed repository; return the suite's row. Every test must
    pass except README_TEST, whose figures this measurement renews."""
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        start = time.perf_counter()
        done = subprocess.run(["make", "test"], cwd=clone, capture_output=True, text=True)
        wall = time.perf_counter() - start
    output = done.stdout + done.stderr
    failed = re.findall(r"^FAILED (\S+)", output, re.M)
    if done.returncode != 0 and not (failed and all(test == README_TEST for test in failed)):
        sys.exit(f"make test failed in the fresh clone:\n{done.stdout[-4000:]}\n{done.stderr[-1000:]}")   # pytest's report is on stdout
    counts, pytest_s = pytest_summary(output)
    print(output[output.find("slowest"):][:3000] if "slowest" in output else output[-3000:])   # where the time goes
    return {"notebook": "make test", "mode": "suite", "wall_s": round(wall, 1), "pytest_s": round(pytest_s, 1),
            "tests": sum(counts.get(kind, 0) for kind in ("passed", "skipped", "failed")), "counts": counts,
            "notebooks": len(sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))),
            "commit": commit.stdout.strip(), "date": date.today().isoformat()}


def render(results: list[dict], out: Path) -> str:
    """BENCHMARKS.md from the rows: one per notebook and mode, then the test suite's."""
    rows = ["| notebook | mode | wall time (s) | budget (s) | peak RSS (MB) | budget (MB) | recorded numbers | measured |",
            "|---|---|---:|---:|---:|---:|---|---|"]
    over = 0
    for result in results:
        if result["mode"] in ("suite", "lab"):
            continue
        name = result["notebook"]
        full_s, quick_s, peak = BUDGETS.get(name[:2], DEFAULT_BUDGET)
        budget_s = quick_s if result["mode"] == "quick" else full_s
        flag = ""
        if result["wall_s"] > budget_s or result["peak_rss_mb"] > peak:
            over += 1
            flag = " **over budget**"
        numbers = ", ".join(f"{k} = {v:.4g}" for k, v in result["records"].items()) or "–"
        rows.append(f"| {name} | {result['mode']} | {result['wall_s']:.0f}{flag} | {budget_s} | "
                    f"{result['peak_rss_mb']} | {peak} | {numbers} | {result['date']} |")
    cpu = f"{platform.machine()}, {__import__('os').cpu_count()} cores"
    text = (f"# Benchmarks\n\nMade by `make bench` (tools/bench.py) on {cpu}, "
            f"Python {platform.python_version()}. Wall time includes starting the kernel; peak RSS is the "
            "kernel's maximum resident memory. Re-run `make bench` to refresh this table.\n\n"
            + "\n".join(rows) + "\n")
    full = [r["wall_s"] for r in results if r["mode"] == "full"]
    if full:
        flag = " **over budget**" if sum(full) > COURSE_FULL_BUDGET_S else ""
        text += (f"\nThe whole course in full mode, one notebook after another: {sum(full) / 60:.1f} min{flag} "
                 f"for {len(full)} notebooks (budget {COURSE_FULL_BUDGET_S // 60} min).\n")
    for suite in (r for r in results if r["mode"] == "suite"):
        flag = " **over budget**" if suite["wall_s"] > SUITE_BUDGET_S else ""
        text += (f"\n## The test suite\n\nMade by `make bench-suite` (`tools/bench.py --suite`): `make test` in a fresh "
                 f"clone of commit {suite['commit'][:10]}, packages from pip's cache, on {cpu}.\n\n"
                 "| tests | notebooks | pytest (s) | whole command (s) | budget (s) | measured |\n"
                 "|---:|---:|---:|---:|---:|---|\n"
                 f"| {suite['tests']:,} | {suite['notebooks']} | {suite['pytest_s']:.0f} | {suite['wall_s']:.0f}{flag} | "
                 f"{SUITE_BUDGET_S} | {suite['date']} |\n")
    lab = [r for r in results if r["mode"] == "lab"]
    if lab:
        text += ("\n## In JupyterLab, as on Binder\n\nMade by `make test-browser STORE=1`: each notebook run in quick mode "
                 "in JupyterLab from a headless browser; the server's and the kernel's peak resident memory "
                 f"(VmHWM). Binder allows 2,048 MB for both together; the limit here keeps a 10 % margin.\n\n"
                 "| notebook | server (MB) | kernel (MB) | together (MB) | limit (MB) | measured |\n"
                 "|---|---:|---:|---:|---:|---|\n")
        for row in lab:
            total = row["server_peak_mb"] + row["kernel_peak_mb"]
            flag = " **over budget**" if total >= LAB_MEMORY_LIMIT_MB else ""
            text += (f"| {row['notebook']} | {row['server_peak_mb']} | {row['kernel_peak_mb']} | {total}{flag} | "
                     f"{LAB_MEMORY_LIMIT_MB} | {row['date']} |\n")
    out.write_text(text)
    if out.resolve() == (ROOT / "BENCHMARKS.md").resolve():   # the workshop kit's schedules quote these times
        from tools import workshop
        workshop.main([])
    return text


def lab_rows(path: Path) -> list[dict]:
    """Rows of mode "lab" from the browser test's memory.json ({notebook: {server_peak_mb, kernel_peak_mb}})."""
    from tools.nbtools import code_hash, read

    found = json.loads(path.read_text())
    if not found:
        sys.exit(f"{path} holds no measurements: run make test-browser first.")
    return [{"notebook": name, "mode": "lab", "server_peak_mb": peaks["server_peak_mb"],
             "kernel_peak_mb": peaks["kernel_peak_mb"], "code_sha256": code_hash(read(ROOT / "notebooks" / name)),
             "date": date.today().isoformat()} for name, peaks in sorted(found.items())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--modes", default="quick,full")
    parser.add_argument("--store", action="store_true", help="store the full-mode run's outputs in the notebook")
    parser.add_argument("--suite", action="store_true", help="measure `make test` in a fresh clone instead")
    parser.add_argument("--lab-memory", type=Path, help="store the browser test's memory.json as rows of mode 'lab'")
    args = parser.parse_args()
    store = args.out.with_suffix(".json")
    previous = json.loads(store.read_text()) if store.exists() else []
    if args.lab_memory:
        rows = lab_rows(args.lab_memory)
        named = {row["notebook"] for row in rows}
        results = [r for r in previous if not (r["mode"] == "lab" and r["notebook"] in named)] + rows
        results.sort(key=lambda r: (r["mode"] == "suite", r["mode"] == "lab", r["notebook"], r["mode"] != "full"))
        store.write_text(json.dumps(results, indent=1) + "\n")
        print(render(results, args.out))
        return
    if args.suite:
        row = measure_suite()
        results = [r for r in previous if r["mode"] != "suite"] + [row]
        store.write_text(json.dumps(results, indent=1) + "\n")
        print(render(results, args.out))
        if row["wall_s"] > SUITE_BUDGET_S:
            sys.exit(f"make test took {row['wall_s']:.0f} s, over its budget of {SUITE_BUDGET_S} s.")
        return
    paths = args.paths or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.jsonl"
        for path in paths:
            for mode in args.modes.split(","):
                command = [sys.executable, str(ROOT / "tools" / "execute.py"), "--report", str(report)]
                if mode == "full" and args.store:
                    subprocess.run(command + ["--inplace", str(path)], check=False)
                    continue
                # A throw-away copy next to the original, so relative paths behave the same.
                copy = path.parent / f".bench_{path.name}"
                shutil.copy(path, copy)
                try:
                    subprocess.run(command + [str(copy)] + (["--quick"] if mode == "quick" else []), check=False)
                finally:
                    copy.unlink(missing_ok=True)
        if report.exists():
            results = [json.loads(line) for line in report.read_text().splitlines()]
    measured = len(results)
    fresh = {(r["notebook"].removeprefix(".bench_"), r["mode"]) for r in results}
    for result in results:
        result["notebook"] = result["notebook"].removeprefix(".bench_")
        result["date"] = date.today().isoformat()
    results = sorted([r for r in previous if (r["notebook"], r["mode"]) not in fresh] + results,
                     key=lambda r: (r["mode"] == "suite", r["mode"] == "lab", r["notebook"], r["mode"] != "full"))
    store.write_text(json.dumps(results, indent=1) + "\n")
    text = render(results, args.out)
    print(text)
    over = text.split("## The test suite")[0].count("**over budget**")
    expected = len(paths) * len(args.modes.split(","))
    if measured != expected:
        sys.exit(f"{expected - measured} run(s) failed, see above.")
    if over:
        sys.exit(f"{over} run(s) over budget.")


if __name__ == "__main__":
    main()
