"""The notebook test harness itself: a raising cell fails, a changed output of a cell tagged
``nbval-check-output`` fails, a hanging cell times out, volatile text (timings, TensorFlow log lines)
is sanitized. Uses tiny notebooks, no TensorFlow."""
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parent.parent


def run_nbval(tmp_path, cells):
    nb = new_notebook(cells=cells)
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "99_probe.ipynb"
    nbformat.write(nb, path)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
                           "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"),
                           "--nbval-cell-timeout=10", str(path)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    return done.returncode, done.stdout


def checked(source, stored_text, tag="nbval-check-output"):
    cell = new_code_cell(source, execution_count=1, metadata={"tags": [tag]} if tag else {})
    cell.outputs = [new_output("stream", name="stdout", text=stored_text)]
    return cell


@pytest.mark.parametrize("cells, should_pass", [
    ([new_code_cell("x = 1")], True),
    ([new_code_cell("raise ValueError('broken cell')")], False),
    ([checked("print(2 + 2)", "4\n")], True),
    ([checked("print(2 + 3)", "4\n")], False),
    ([checked("print('epoch took 3.2 s')", "epoch took 12.5 s\n")], True),
    ([checked("print(2 + 3)", "4\n", tag=None)], True),   # untagged cells are run, not compared (lax mode)
    ([checked("print(2 + 3)", "4\n", tag="nbval-ignore-output")], True),
    ([checked("import time; time.sleep(30)", "", tag=None)], False),   # the per-cell timeout below
], ids=["runs", "raising-cell-fails", "checked-output-matches", "checked-output-differs-fails",
        "timings-sanitized", "untagged-not-compared", "ignore-tag-not-compared", "hanging-cell-times-out"])
def test_nbval_harness(tmp_path, cells, should_pass):
    returncode, output = run_nbval(tmp_path, cells)
    assert (returncode == 0) == should_pass, output[-2000:]


def test_the_makefile_sets_a_cell_timeout():
    test_target = (ROOT / "Makefile").read_text().split("\ntest:")[1].split("\n\n")[0]
    assert "--nbval-cell-timeout=" in test_target, "a hanging cell must fail in minutes: set --nbval-cell-timeout"
