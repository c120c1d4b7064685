"""Benchmark every notebook in quick and full mode; write BENCHMARKS.md.

Usage: python tools/bench.py [--modes quick,full] [notebooks/NN_*.ipynb ...]

Results are kept in BENCHMARKS.json (one entry per notebook and mode, replaced when re-measured)
and rendered to BENCHMARKS.md, so a single notebook can be re-measured without redoing the rest.

Each run executes a copy of the notebook in a fresh kernel (the stored notebook is not touched;
with --store the full-mode run is stored in the notebook, as `make execute` does, so one run serves
both) and reports wall time including kernel start, the kernel's peak resident memory, the
headline numbers the notebook passed to course_utils.record(), and the sha256 of the notebook's code
cells, so the tests can refuse a row measured on code that has changed since. The budgets come from
the issues.
"""
from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGETS = {  # notebook prefix -> (full-mode seconds, quick-mode seconds, peak MB)
    "00": (300, 60, 1536), "01": (300, 60, 1536),
    "05": (900, 60, 2048), "06": (900, 60, 2048), "07": (900, 60, 2048),   # issues: full ≤ 15 min (aim for 10),
    "10": (900, 60, 2048),                                                  # quick ≤ 60 s, 2 GB
}
DEFAULT_BUDGET = (600, 60, 2048)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--modes", default="quick,full")
    parser.add_argument("--store", action="store_true", help="store the full-mode run's outputs in the notebook")
    args = parser.parse_args()
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
    store = args.out.with_suffix(".json")
    measured = len(results)
    previous = json.loads(store.read_text()) if store.exists() else []
    fresh = {(r["notebook"].removeprefix(".bench_"), r["mode"]) for r in results}
    for result in results:
        result["notebook"] = result["notebook"].removeprefix(".bench_")
        result["date"] = date.today().isoformat()
    results = sorted([r for r in previous if (r["notebook"], r["mode"]) not in fresh] + results,
                     key=lambda r: (r["notebook"], r["mode"] != "full"))
    store.write_text(json.dumps(results, indent=1) + "\n")
    rows = ["| notebook | mode | wall time (s) | budget (s) | peak RSS (MB) | budget (MB) | recorded numbers | measured |",
            "|---|---|---:|---:|---:|---:|---|---|"]
    over = 0
    for result in results:
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
    args.out.write_text(text)
    print(text)
    expected = len(paths) * len(args.modes.split(","))
    if measured != expected:
        sys.exit(f"{expected - measured} run(s) failed, see above.")
    if over:
        sys.exit(f"{over} run(s) over budget.")


if __name__ == "__main__":
    main()
