"""The workshop kit (docs/workshop/, tools/workshop.py): up to date, and schedules that keep their promises."""
from __future__ import annotations

import functools
import json

import pytest

from tools import workshop
from tools.nbtools import notebooks, read


@pytest.fixture(scope="module")
def kit() -> dict[str, str]:
    return workshop.kit()


def test_the_committed_kit_is_what_the_notebooks_and_benchmarks_give(kit):
    for name, text in kit.items():
        path = workshop.OUT / name
        assert path.exists() and path.read_text(encoding="utf-8") == text, (
            f"docs/workshop/{name} is out of date with the notebooks or BENCHMARKS.json: run `make workshop`")
    assert sorted(p.name for p in workshop.OUT.glob("*.md")) == sorted(kit), "docs/workshop/ holds a file the kit lacks"


def test_the_readme_links_the_kit():
    assert "docs/workshop/README.md" in (workshop.ROOT / "README.md").read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def parsed() -> tuple[workshop.Notebook, ...]:
    """Every notebook as the kit reads it, parsed once for the module's tests."""
    rows = {(r["notebook"], r["mode"]): r
            for r in json.loads((workshop.ROOT / "BENCHMARKS.json").read_text(encoding="utf-8"))}
    return tuple(workshop.parse_notebook(path, rows) for path in notebooks())


def test_every_exercise_is_in_its_notes_in_class_or_at_home(kit):
    for notebook in parsed():
        source = "\n".join(cell.source for cell in read(workshop.ROOT / "notebooks" / notebook.name).cells)
        assert len(notebook.exercises) == source.count("### Your turn") >= 1
        notes = kit[notebook.name[:-6] + ".md"]
        for exercise in notebook.exercises:
            assert exercise.checks, f"{notebook.name}: {exercise.title} has no checker cell"
            row = next(line for line in notes.splitlines() if line.startswith(f"| {exercise.title} |"))
            assert ("| in class |" in row) != ("| at home |" in row)
        reasoning = [e for e in notebook.exercises if workshop.REASONING.search(e.title)]
        assert reasoning and all(e.in_class for e in reasoning), f"{notebook.name}: no reasoning exercise in class"


def test_the_checkers_diagnoses_are_read_from_their_source():
    found = workshop.diagnoses()
    assert "you counted the weights but not the biases" in found["check_dense_param_count"]
    assert any("kernel is flipped" in m for m in found["check_conv2d"])
    used = {c for notebook in parsed() for e in notebook.exercises for c in e.checks}
    assert used <= set(found), f"checkers the notebooks call but tools/workshop.py cannot find: {used - set(found)}"
    silent = sorted(c for c in used if not found[c])
    assert not silent, f"the instructor notes find no mistake named by {silent}: where do their messages live?"
    assert any("ReLU zeroes half the inputs" in m for m in found["check_he_std"])          # a (formula, message) list
    assert any("labels are swapped" in m for m in found["check_discriminator_step"])      # a shared helper's message
    assert any("position t reads position t + 1" in m for m in found["check_name_the_masks"])   # a hint dictionary


def test_the_schedules_fit_their_days_and_keep_their_titles():
    by_number = {n.number: n for n in parsed()}
    for path, days, last in ((workshop.ONE_DAY, 1, "05"), (workshop.TWO_DAYS, 2, "11")):
        plans, home = workshop.plan_days([by_number[n] for n in path], days)
        assert not home, f"{[n.name for n in home]} no longer fit the {days}-day workshop: shorten or re-plan it"
        assert any(slot[2].startswith(last) for slot in plans[-1]), f"the {days}-day title promises notebook {last}"
        for slots in plans:
            assert all(workshop.DAY_START <= start < end <= workshop.DAY_END for start, end, _ in slots)
            assert all(a[1] <= b[0] for a, b in zip(slots, slots[1:])), "two slots overlap"
            taught = sum(end - start for start, end, what in slots if what.endswith(".ipynb"))
            breaks = sum(length for _, length, _ in workshop.BREAKS)
            assert taught <= workshop.DAY_END - workshop.DAY_START - breaks


def fake(name: str, sections: int) -> workshop.Notebook:
    return workshop.Notebook(name, name, [("1 · x", "y")] * sections, [], [], 60.0, 600.0, 1000.0)


def test_a_notebook_longer_than_a_day_goes_home_with_everything_after_it():
    plans, home = workshop.plan_days([fake("98_a.ipynb", 10), fake("99_b.ipynb", 100), fake("97_c.ipynb", 1)], 1)
    assert [n.name for n in home] == ["99_b.ipynb", "97_c.ipynb"]
    assert [s[2] for s in plans[0] if s[2].endswith(".ipynb")] == ["98_a.ipynb"]


def test_a_notebook_does_not_start_just_before_a_break():
    # 10 sections: 70 + 12 (one exercise's minimum) + 1 = 83 minutes: 09:00-10:23, then 7 minutes to the coffee
    plans, _ = workshop.plan_days([fake("98_a.ipynb", 10), fake("99_b.ipynb", 3)], 1)
    starts = {what: start for start, _, what in reversed(plans[0])}
    assert starts["99_b.ipynb"] == 10 * 60 + 45          # after the coffee, not at 10:23
