"""The notebook harness itself (tests/notebook_run.py), on tiny notebooks without TensorFlow: a raising cell is
reported, a changed output of a cell tagged ``nbval-check-output`` is reported, volatile text (timings, TensorFlow
log lines, the fallback line of an unsolved exercise) is not, untagged and ``nbval-ignore-output`` cells are not
compared, and a hanging cell stops at the timeout."""
import pytest
from nbclient.exceptions import CellTimeoutError
from nbformat.v4 import new_code_cell, new_notebook, new_output

from tests import notebook_run

FALLBACK = "sigmoid is not solved yet: the cells below use the course's reference version (solve it above and re-run)."


def notebook(*cells):
    nb = new_notebook(cells=list(cells))
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def cell(source, stored_text="", tag=notebook_run.CHECK_OUTPUT):
    made = new_code_cell(source, execution_count=1, metadata={"tags": [tag]} if tag else {})
    made.outputs = [new_output("stream", name="stdout", text=stored_text)] if stored_text else []
    return made


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    """One tiny notebook with every case, stored and executed once (a kernel start is the slow part)."""
    stored = notebook(
        cell("x = 1", tag=None),
        cell("raise ValueError('broken cell')", tag=None),
        cell("print(2 + 2)", "4\n"),
        cell("print(2 + 3)", "4\n"),
        cell("print('epoch took 3.2 s'); print('W0000 00:00 a TensorFlow log line')", "epoch took 12.5 s\nI0000 x\n"),
        cell(f"print({FALLBACK!r}); print(7)", "7\n"),
        cell("print(2 + 3)", "4\n", tag=None),
        cell("print(2 + 3)", "4\n", tag=notebook_run.IGNORE_OUTPUT),
        cell("import sys; print('a', end=''); sys.stdout.flush(); print('b')", "ab\n"),
        cell("6 * 7", tag=notebook_run.CHECK_OUTPUT),
    )
    stored.cells[-1].outputs = [new_output("execute_result", data={"text/plain": "42"}, execution_count=1)]
    executed = notebook(*[new_code_cell(c.source, metadata=c.metadata) for c in stored.cells])
    folder = tmp_path_factory.mktemp("probe")
    records = notebook_run.execute(executed, folder, folder / "records.jsonl", timeout=30)
    return stored, executed, records


def test_a_raising_cell_is_reported(probe):
    _, executed, _ = probe
    assert [(number, text.split(":")[0]) for number, text in notebook_run.errors(executed)] == [(1, "ValueError")]


def test_only_the_changed_checked_output_is_reported(probe):
    stored, executed, _ = probe
    [difference] = notebook_run.output_differences(stored, executed)
    assert difference.startswith("code cell 4 ('print(2 + 3)')") and '"5' in difference
    assert notebook_run.output_differences(stored, executed, skip=lambda source: source == "print(2 + 3)") == []


def test_a_notebook_with_other_cells_is_reported(probe):
    stored, executed, _ = probe
    shorter = notebook(*stored.cells[:-1])
    assert notebook_run.output_differences(shorter, executed) == ["the notebooks have 9 and 10 cells"]


def test_volatile_text_is_sanitized():
    assert notebook_run.sanitize("took 3.2 s, 40ms/step at 0x7f3a") == "took TIME, TIME at ADDRESS"
    assert notebook_run.sanitize(f"{FALLBACK}\n7\n") == "7\n"


def test_the_run_sets_quick_mode_and_collects_records(tmp_path):
    nb = notebook(cell("import json, os\nprint(os.environ['COURSE_QUICK'])\n"
                       "_ = open(os.environ['COURSE_RECORD'], 'a').write(json.dumps({'name': 'n', 'value': 0.5}) + '\\n')",
                       tag=None))
    records = notebook_run.execute(nb, tmp_path, tmp_path / "records.jsonl", timeout=30)
    assert records == {"n": 0.5} and notebook_run.text_of(nb.cells[0]) == "1\n"


def test_a_hanging_cell_stops_at_the_timeout(tmp_path):
    with pytest.raises(CellTimeoutError):
        notebook_run.execute(notebook(cell("import time; time.sleep(30)", tag=None)), tmp_path,
                             tmp_path / "records.jsonl", timeout=2)


def test_the_suite_runs_notebooks_with_a_cell_timeout():
    import inspect

    assert inspect.signature(notebook_run.execute).parameters["timeout"].default == 300
