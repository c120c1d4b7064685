import json
import math

import pytest

import course_utils as cu


def test_record_writes_nothing_without_the_benchmark(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_RECORD", raising=False)
    monkeypatch.chdir(tmp_path)
    assert cu.record("test_accuracy", 0.9) == 0.9
    assert list(tmp_path.iterdir()) == []


def test_record_appends_json_lines_when_asked(monkeypatch, tmp_path):
    target = tmp_path / "records.jsonl"
    monkeypatch.setenv("COURSE_RECORD", str(target))
    cu.record("a", 1)
    cu.record("b", 0.25)
    assert [json.loads(line) for line in target.read_text().splitlines()] == [
        {"name": "a", "value": 1.0}, {"name": "b", "value": 0.25}]


@pytest.mark.parametrize("name, value", [("", 1.0), ("x", math.nan), ("x", "high"), ("x", None), ("x", True)])
def test_record_refuses_bad_input(name, value):
    with pytest.raises(ValueError):
        cu.record(name, value)
