"""Write student copies of the notebooks: solutions replaced by stubs, outputs cleared.

Usage: python tools/make_student.py --out build/student notebooks/*.ipynb
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tools.nbtools import notebooks, read, student_copy  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("build/student"))
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for path in args.paths or notebooks():
        nbformat.write(student_copy(read(path)), args.out / path.name)
        print(f"{args.out / path.name}")


if __name__ == "__main__":
    main()
