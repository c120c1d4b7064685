"""Execute notebooks top to bottom in a fresh kernel, measuring wall time and peak memory.

Usage:
    python tools/execute.py --inplace notebooks/01_logistic_regression.ipynb   # full mode, store outputs
    python tools/execute.py --quick --report out.json NB.ipynb                  # measure only

With --inplace the executed notebook replaces the original, stamped with the sha256 of its
code cells (metadata.course.code_sha256) so the tests can tell stale outputs from fresh ones.
Only full-mode runs may be stored. Each notebook runs in its own process so that the peak
resident memory (ru_maxrss of the kernel) is measured per notebook.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def execute(nb, directory: Path, quick: bool, timeout: int) -> tuple[float, dict[str, float]]:
    """Run the notebook object ``nb`` in a fresh kernel started in ``directory``; return (seconds, records)."""
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory() as tmp:
        record_file = Path(tmp) / "records.jsonl"
        os.environ["COURSE_QUICK"] = "1" if quick else "0"
        os.environ["COURSE_RECORD"] = str(record_file)
        os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        start = time.perf_counter()
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(directory)}})
        client.execute()
        wall = time.perf_counter() - start
        records = [json.loads(line) for line in record_file.read_text().splitlines()] if record_file.exists() else []
    return wall, {r["name"]: r["value"] for r in records}


def run_one(path: Path, quick: bool, inplace: bool, timeout: int) -> dict:
    """Execute one notebook in this process's child kernel; return the measurements."""
    import nbformat

    from tools.nbtools import code_hash

    nb = nbformat.read(path, as_version=4)
    wall, records = execute(nb, path.parent, quick, timeout)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the kernel, waited for at shutdown
    if inplace:
        nb.metadata["course"] = {"code_sha256": code_hash(nb), "mode": "quick" if quick else "full"}
        nbformat.write(nb, path)
    return {"notebook": path.name, "mode": "quick" if quick else "full", "wall_s": round(wall, 1),
            "peak_rss_mb": round(peak_mb), "records": records, "code_sha256": code_hash(nb)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--quick", action="store_true", help="quick mode (COURSE_QUICK=1)")
    parser.add_argument("--inplace", action="store_true", help="store the outputs in the notebook (full mode only)")
    parser.add_argument("--report", type=Path, help="append one JSON line of measurements per notebook here")
    parser.add_argument("--timeout", type=int, default=1200, help="seconds allowed per cell")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inplace and args.quick:
        sys.exit("Only full-mode runs are stored in the notebooks: drop --quick or --inplace.")
    if args.child:  # one notebook, in this process
        result = run_one(args.paths[0], args.quick, args.inplace, args.timeout)
        print(json.dumps(result))
        return
    failed = 0
    for path in args.paths:
        command = [sys.executable, __file__, "--child", str(path), "--timeout", str(args.timeout)]
        command += ["--quick"] * args.quick + ["--inplace"] * args.inplace
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            failed += 1
            print(f"FAILED {path}:\n{done.stderr[-3000:]}", file=sys.stderr)
            continue
        line = done.stdout.strip().splitlines()[-1]
        result = json.loads(line)
        print(f"{result['notebook']:32s} {result['mode']:5s} {result['wall_s']:7.1f} s "
              f"{result['peak_rss_mb']:6d} MB  {result['records']}")
        if args.report:
            with open(args.report, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
