"""``python -m course_utils doctor``: check the installation and every data file. Introduced in 00."""
from __future__ import annotations

import argparse
import platform
import sys


def doctor() -> int:
    """Print versions, device, quick mode and the state of every data file; return the number of problems."""
    from . import config, data

    problems = 0
    print(f"Python {platform.python_version()} on {platform.system()} {platform.machine()}")
    try:
        cfg = config.setup(verbose=False)
        print(cfg.line())
    except Exception as error:  # report, don't crash: this is the tool people run when things are broken
        print(f"PROBLEM setup(): {type(error).__name__}: {error}")
        return 1
    for module in ("numpy", "matplotlib", "ipywidgets", "gensim", "jupyterlab", "nbclient"):
        try:
            version = __import__(module).__version__
            print(f"  {module} {version}")
        except Exception as error:
            problems += 1
            print(f"PROBLEM {module}: {type(error).__name__}: {error}")
    try:
        files = data.manifest()["files"]
    except (FileNotFoundError, data.DataFileError) as error:  # missing, empty, truncated or malformed
        print(f"PROBLEM {error}")
        return _summary(problems + 1)
    bad_files = 0
    for rel in files:
        try:
            data.verify(rel)
        except (OSError, ValueError) as error:
            bad_files += 1
            print(f"PROBLEM {error}")
    problems += bad_files
    total = sum(entry["bytes"] for entry in files.values())
    print(f"data: {len(files) - bad_files} of {len(files)} files verified "
          f"({total / 1e6:.1f} MB) in {data.data_dir()}")
    return _summary(problems)


def _summary(problems: int) -> int:
    print("OK: ready to start the course." if problems == 0 else f"{problems} problem(s) found, see above.")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_utils", description="Course utilities.")
    parser.add_argument("command", choices=["doctor"], help="doctor: check versions, device and data files")
    parser.parse_args(argv)
    return 1 if doctor() else 0


if __name__ == "__main__":
    sys.exit(main())
