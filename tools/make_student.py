"""Copies of the notebooks for learners.

  python tools/make_student.py --learner my-course
      the learner's own copies (what `make lab` and Binder open): exercises unsolved, every lesson
      output kept, the worked solution folded under each check. A copy that exists is never
      overwritten; notebooks new in the course are added; one line per notebook says what happened.
  python tools/make_student.py --out build/student [notebooks/NN_name.ipynb ...]
      handouts for a class (`make student`): solutions replaced by stubs, no solutions, outputs cleared.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tools.nbtools import (COPY_STAMP, content_hash, for_learners, learner_copy,  # noqa: E402
                           notebooks, read, student_copy)

LEARNER_FOLDER = "my-course"


def handout(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A class handout: the student copy (no solutions, no outputs) without instructor-only cells or widget state."""
    return for_learners(student_copy(nb))


def free_name(folder: Path, path: Path) -> str:
    """A name to rename the learner's copy to, e.g. 02_mlp_mine.ipynb, that is not taken yet."""
    for number in range(1, 1000):
        name = f"{path.stem}_mine{number if number > 1 else ''}{path.suffix}"
        if not (folder / name).exists():
            return name
    return f"{path.stem}_mine{path.suffix}"


def sync_learner_copies(folder: Path, sources: list[Path] | None = None) -> list[str]:
    """Give ``folder`` a learner copy of every course notebook it lacks; never touch one that exists.

    Returns one line per notebook: created, or kept, with a note when the course's notebook has
    changed since the learner's copy was made (and how to get the new one without losing theirs).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for source in sources or notebooks():
        target = folder / source.name
        fresh = learner_copy(read(source), source.name)
        if not target.exists():
            try:
                with open(target, "x", encoding="utf-8") as handle:   # "x": never overwrite
                    nbformat.write(fresh, handle)
                lines.append(f"{target}: created, exercises unsolved")
                continue
            except FileExistsError:
                pass
        try:
            stamp = nbformat.read(target, as_version=4).metadata.get(COPY_STAMP, {})
        except Exception:   # a notebook the learner broke is still theirs to keep
            lines.append(f"{target}: kept, yours (it could not be read, so it was not compared with the course's)")
            continue
        if stamp.get("content_sha256") in (None, content_hash(fresh)):
            lines.append(f"{target}: kept, yours")
        else:
            lines.append(f"{target}: kept, yours; the course's version has changed since: to get it, rename "
                         f"yours (e.g. to {free_name(folder, source)}) and run make lab again")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--out", type=Path, default=Path("build/student"),
                       help="folder for class handouts (default build/student)")
    where.add_argument("--learner", type=Path, metavar="FOLDER",
                       help=f"folder for the learner's own copies (e.g. {LEARNER_FOLDER})")
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args()
    if args.learner:
        print("\n".join(sync_learner_copies(args.learner, args.paths or None)))
        return
    args.out.mkdir(parents=True, exist_ok=True)
    for path in args.paths or notebooks():
        nbformat.write(handout(read(path)), args.out / path.name)
        print(f"{args.out / path.name}")


if __name__ == "__main__":
    main()
