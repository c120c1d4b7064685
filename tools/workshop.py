"""Write the workshop kit in docs/workshop/ from the notebooks, their checkers and BENCHMARKS.json.

Usage: python tools/workshop.py            # rewrite docs/workshop/ (make workshop)
       python tools/workshop.py --check    # exit 1 if docs/workshop/ differs from what it would write

Nothing in the kit is typed by hand except the few teaching constants below; everything else is read:
- the sections of a notebook are its "## N · ..." headings, each summed up by the first sentence under it;
- the exercises are its "### Your turn" headings with the checker that follows each; the reasoning ones
  (predict, diagnose, tune, name) are done in class, the others at home;
- where learners get stuck is what each checker says when it fails: the diagnoses written in its source;
- the figures worth the projector are the cells starting "# extra code –" (the notebook's own plots);
- the checkpoint to load instead of training comes from tools/build_checkpoints.py and data/MANIFEST.json;
- the times come from BENCHMARKS.json (quick mode in class, full mode at home), so the schedules stay
  true when a notebook is re-measured (tools/bench.py --store rewrites the kit).
"""
from __future__ import annotations

import argparse
import ast
import json
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tools import build_checkpoints  # noqa: E402
from tools.nbtools import notebooks, read  # noqa: E402

OUT = ROOT / "docs" / "workshop"
# Teaching constants: minutes of class time. They are assumptions, stated in the kit; change them here.
SECTION_MINUTES = 7          # to present one numbered section and run its cells
EXERCISE_MINUTES = 12        # one exercise in class: try, check, discuss the solution
DAY_START, DAY_END = 9 * 60, 17 * 60          # 9:00 to 17:00
BREAKS = ((10 * 60 + 30, 15, "coffee"), (12 * 60 + 30, 60, "lunch"), (15 * 60, 15, "coffee"))
MIN_BEFORE_BREAK = 20        # a notebook is not started in the last 20 minutes before a break
OPEN_LAB = "open lab: the exercises left for home, questions, or a notebook of the homework list"
# The paths, in teaching order; what does not fit in the days goes to the homework list.
ONE_DAY = ("00", "01", "02", "05")           # Keras, gradient descent, the MLP, the CNN
TWO_DAYS = ("00", "01", "02", "03", "04", "05", "06", "11")   # ... and initialization, regularization, RNN, Transformer
REASONING = re.compile(r"\b(Predict|Diagnose|Tune|Which)\b")
SECTION = re.compile(r"^## (\d+) · (.+)$")
TURN = re.compile(r"^### (Your turn \d+ · .+)$")
CHECK_CALL = re.compile(r"checks\.(check_\w+)\(")
PLOT = re.compile(r"^# extra code – (.+)$")


@dataclass
class Exercise:
    title: str
    checks: list[str] = field(default_factory=list)

    first: bool = False                      # the notebook's first exercise: its central computation

    @property
    def in_class(self) -> bool:
        return self.first or bool(REASONING.search(self.title))


@dataclass
class Notebook:
    name: str                                   # "05_cnn.ipynb"
    title: str
    sections: list[tuple[str, str]]             # (heading, its first sentence)
    exercises: list[Exercise]
    plots: list[str]
    quick_s: float | None
    full_s: float | None
    peak_mb: float | None

    @property
    def number(self) -> str:
        return self.name[:2]

    def class_minutes(self) -> int:
        """Sections presented, the in-class exercises done, and quick mode's Run All waited for."""
        exercises = sum(e.in_class for e in self.exercises) or 1
        run = math.ceil((self.quick_s or 60) / 60)
        return SECTION_MINUTES * len(self.sections) + EXERCISE_MINUTES * exercises + run


def first_sentence(text: str) -> str:
    """The first sentence of a markdown paragraph, links and emphasis removed, at most 220 characters."""
    text = re.sub(r"<!--.*?-->", "", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    text = " ".join(text.replace("**", "").split())
    sentences = re.findall(r".+?[.!?:](?=\s|$)", text) or [text]
    sentence = sentences[0]
    if len(sentence.split()) < 6 and len(sentences) > 1:      # a heading-like fragment: add the next sentence
        sentence = f"{sentence} {sentences[1].strip()}"
    sentence = sentence[:-1] + "." if sentence.endswith(":") else sentence
    return sentence if len(sentence) <= 220 else sentence[:217].rsplit(" ", 1)[0] + " …"


def parse_notebook(path: Path, rows: dict) -> Notebook:
    nb = read(path)
    title, sections, exercises, plots = "", [], [], []
    pending_heading = None
    for cell in nb.cells:
        if cell.cell_type == "code":
            plot = PLOT.match(cell.source.splitlines()[0]) if cell.source else None
            if plot:
                plots.append(plot.group(1))
            if exercises:
                exercises[-1].checks += [c for c in CHECK_CALL.findall(cell.source) if c not in exercises[-1].checks]
            continue
        lines = cell.source.splitlines()
        for index, line in enumerate(lines):
            if line.startswith("# ") and not title:
                title = line[2:].strip()
            section, turn = SECTION.match(line), TURN.match(line)
            if section:
                pending_heading = f"{section.group(1)} · {section.group(2)}"
                sections.append((pending_heading, ""))
            if turn:
                exercises.append(Exercise(turn.group(1), first=not exercises))
            if pending_heading and not line.startswith("#") and line.strip():
                sections[-1] = (pending_heading, first_sentence(" ".join(lines[index:]).split("\n\n")[0]))
                pending_heading = None
    quick, full = rows.get((path.name, "quick"), {}), rows.get((path.name, "full"), {})
    return Notebook(path.name, title, sections, exercises, plots, quick.get("wall_s"), full.get("wall_s"),
                    max(quick.get("peak_rss_mb", 0), full.get("peak_rss_mb", 0)) or None)


def _render(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "…" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _render(node.left), _render(node.right)
        return None if left is None or right is None else left + right
    return None


def _messages(function: ast.FunctionDef, hints: dict[str, list[ast.AST]]) -> list[str]:
    """What one function of a checker module says of a wrong answer: its _Fail messages, the hints it passes,
    the (test, message) pairs it lists and the explanations it looks up in a module-level dict."""
    messages: list[str] = []
    for node in ast.walk(function):
        candidates: list[ast.AST] = []
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):   # _REASONS[answer]
            candidates += hints.get(node.value.id, [])
        elif isinstance(node, ast.Tuple) and node.elts and isinstance(node.elts[0], ast.Lambda):
            candidates += node.elts[1:]                                          # (wrong formula, what it is)
        elif isinstance(node, ast.Call):
            called = getattr(node.func, "id", getattr(node.func, "attr", ""))
            candidates += list(node.args) if called == "_Fail" else []
            candidates += [k.value for k in node.keywords if k.arg in ("hint", "why")]
            if called == "_check_labels" and len(node.args) > 5 and isinstance(node.args[5], ast.Name):
                candidates += hints.get(node.args[5].id, [])                     # what to look for, per answer
        for candidate in candidates:
            text = _render(candidate)
            if text is None:
                continue
            # the explanation after the case's numbers: "(…, …) -> …: you counted the weights ..."
            head, _, tail = text.partition(": ")
            if tail and len(re.findall(r"[a-zA-Z]{3,}", head)) < 2:
                text = tail
            text = text.strip()
            if len(re.findall(r"[a-zA-Z]{3,}", text.replace("…", ""))) >= 4 and text not in messages:
                messages.append(text)
    return messages


def diagnoses() -> dict[str, list[str]]:
    """checker name -> the mistakes it names when it fails, read from its source and from the module's own
    helpers that it calls (e.g. one step check shared by two checkers)."""
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "course_utils" / "checks").glob("*.py")):
        module = ast.parse(path.read_text(encoding="utf-8"))
        hints = {node.targets[0].id: list(node.value.values) for node in module.body
                 if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
                 and isinstance(node.value, ast.Dict)}
        functions = {f.name: f for f in module.body if isinstance(f, ast.FunctionDef)}
        for name, function in functions.items():
            if not name.startswith("check_"):
                continue
            messages = _messages(function, hints)
            helpers = {n.func.id for n in ast.walk(function) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                       and n.func.id.startswith("_") and n.func.id in functions}
            for helper in sorted(helpers):
                messages += [m for m in _messages(functions[helper], hints) if m not in messages]
            found[name] = sorted(messages, key=lambda m: m.count("…"))   # the most specific first
    return found


def checkpoints() -> dict[str, list[str]]:
    """notebook stem -> one line per shipped checkpoint: the switch to set and the training it saves."""
    manifest = json.loads((ROOT / "data" / "MANIFEST.json").read_text(encoding="utf-8")).get("checkpoints", {})
    lines: dict[str, list[str]] = {}
    for name, spec in build_checkpoints.CHECKPOINTS.items():
        seconds = manifest.get(name, {}).get("training_seconds")
        took = f", which took {minutes(seconds)} to train on a 2-core CPU" if seconds else ""
        lines.setdefault(spec["notebook"], []).append(
            f"`{spec['switch']} = True` loads `{name}`: {spec['describes']}{took}.")
    return lines


def minutes(seconds: float | None) -> str:
    if seconds is None:
        return "not measured"
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


def clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def plan_days(chosen: list[Notebook], days: int) -> tuple[list[list[tuple[int, int, str]]], list[Notebook]]:
    """Fill the days in order: (start, end, what) per slot. A notebook may run across a break but does not start
    in the last MIN_BEFORE_BREAK minutes before one; the first that no longer fits, and all after it, go home."""
    plans, queue = [], list(chosen)
    for _ in range(days):
        slots, now = [], DAY_START
        while queue:
            start, left, parts = now, queue[0].class_minutes(), []
            for at, length, what in BREAKS:
                if start <= at < start + left:
                    if at - start < MIN_BEFORE_BREAK:          # start after the break instead
                        start = at + length
                        continue
                    parts += [(start, at, queue[0].name), (at, at + length, what)]
                    left -= at - start
                    start = at + length
            if start + left > DAY_END:
                break
            slots += parts + [(start, start + left, queue.pop(0).name)]
            now = start + left
        slots += [(at, at + length, what) for at, length, what in BREAKS if not any(s[2] == what and s[0] == at
                                                                                      for s in slots)]
        last_break = max(at + length for at, length, _ in BREAKS)
        if DAY_END - max(now, last_break) >= MIN_BEFORE_BREAK:      # time left: the learners' own
            slots.append((max(now, last_break), DAY_END, OPEN_LAB))
        plans.append(sorted(slots))
    return plans, queue


def schedule_table(plans: list[list[tuple[int, int, str]]], by_name: dict[str, Notebook]) -> list[str]:
    out = []
    for day, slots in enumerate(plans, start=1):
        if len(plans) > 1:
            out += [f"**Day {day}**", ""]
        out += ["| time | what | exercises in class |", "|---|---|---|"]
        for start, end, what in slots:
            notebook = by_name.get(what)
            if notebook is None:
                out.append(f"| {clock(start)}–{clock(end)} | {what} | |")
                continue
            continued = any(s[2] == what and s[1] <= start for s in slots)
            in_class = "" if continued else "; ".join(e.title.removeprefix("Your turn ") for e in notebook.exercises
                                                      if e.in_class)
            out.append(f"| {clock(start)}–{clock(end)} | [{notebook.title}]({notebook.name[:-6]}.md)"
                       f"{' (continued)' if continued else ''} | {in_class} |")
        out.append("")
    return out


def kit() -> dict[str, str]:
    """File name in docs/workshop/ -> its text."""
    rows = {(r["notebook"], r["mode"]): r for r in json.loads((ROOT / "BENCHMARKS.json").read_text(encoding="utf-8"))}
    parsed = [parse_notebook(path, rows) for path in notebooks()]
    by_name = {n.name: n for n in parsed}
    found, shipped = diagnoses(), checkpoints()
    files = {}
    for notebook in parsed:
        lines = [f"# Instructor notes · {notebook.title}", "",
                 f"[The notebook](../../notebooks/{notebook.name}) · quick mode {minutes(notebook.quick_s)}, "
                 f"full mode {minutes(notebook.full_s)}, peak memory {notebook.peak_mb or 0:.0f} MB "
                 "(BENCHMARKS.md) · "
                 f"about {notebook.class_minutes()} minutes in class.", "",
                 "## The sections, one line each", ""]
        lines += [f"- **{heading}**: {sentence}" for heading, sentence in notebook.sections]
        lines += ["", "## Exercises", "", "| exercise | where | the check | where learners get stuck (what the check "
                  "says when it fails) |", "|---|---|---|---|"]
        for exercise in notebook.exercises:
            stuck = [m for c in exercise.checks for m in found.get(c, [])]
            said = "; ".join(f"“{m}”" for m in stuck[:4]) if stuck else "(the check names no particular mistake)"
            lines.append(f"| {exercise.title} | {'in class' if exercise.in_class else 'at home'} | "
                         f"{', '.join(f'`{c}`' for c in exercise.checks)} | {said.replace('|', '∣')} |")
        lines += ["", "## On the projector", "",
                  "The notebook's own figures (the cells starting `# extra code –`), in order:", ""]
        lines += [f"- {plot}" for plot in notebook.plots] or ["- (no figures)"]
        lines += ["", "## Load instead of training", ""]
        lines += [f"- {line}" for line in shipped.get(notebook.name[:-6], [])] or [
            f"- Nothing to load: quick mode runs the whole notebook in {minutes(notebook.quick_s)}."]
        files[notebook.name[:-6] + ".md"] = "\n".join(lines) + "\n"

    by_number = {n.number: n for n in parsed}
    one, one_home = plan_days([by_number[n] for n in ONE_DAY], 1)
    two, two_home = plan_days([by_number[n] for n in TWO_DAYS], 2)
    rest = [n for n in parsed if n.number not in TWO_DAYS] + two_home
    lines = ["# Workshop kit", "",
             "Schedules and instructor notes for teaching the course in a classroom, generated by "
             "`make workshop` (tools/workshop.py) from the notebooks, their checkers and the measured times in "
             "[BENCHMARKS.md](../../BENCHMARKS.md). Do not edit these files: change the notebooks or the teaching "
             "constants in tools/workshop.py and run `make workshop`.", "",
             "## Before the workshop", "",
             "**Learners** (a week before): install the course as the README says and run `make doctor` "
             "(or `python -m course_utils doctor`). It prints the versions, the device and quick mode, checks every "
             "data file's sha256, and ends with `OK: ready to start the course.` or the problems found, each on a "
             "line that says what is wrong; ask them to send you its last line. "
             "Learners without a working laptop use Binder (the badge in the README) in the browser.", "",
             "**Instructor**:", "",
             "- [ ] `make student`: copies without the solutions, outputs cleared, in `build/student/`; hand these "
             "out (a learner who runs `make lab` gets the same copies in `my-course/`).",
             "- [ ] Open the Binder link an hour before the start: the first launch builds the image "
             "(minutes); later launches start from it.",
             "- [ ] Teach in quick mode (`COURSE_QUICK=1`): every time below assumes it. Full mode is for home.",
             "- [ ] Where a notebook ships a checkpoint (see its notes), quick mode loads it already; keep it so.",
             "- [ ] Run each notebook of the day once on the projector machine the day before.", "",
             "## How the schedules are made", "",
             f"Each notebook gets {SECTION_MINUTES} minutes per numbered section, {EXERCISE_MINUTES} minutes per "
             "exercise done in class, and its measured quick-mode run time. The exercises done in class are the "
             "first of each notebook (its central computation) and the reasoning ones (predict, diagnose, tune, "
             "name: they need discussion); the others are for home, with the worked solution one click away. "
             "Days run from "
             f"{clock(DAY_START)} to {clock(DAY_END)} with "
             + ", ".join(f"{what} at {clock(at)} ({length} min)" for at, length, what in BREAKS)
             + ". A notebook that does not fit in the day goes to the homework list.", "",
             "## One day: from Keras to a CNN", ""]
    lines += schedule_table(one, by_name)
    if one_home:
        lines += ["Did not fit in the day, so for home: " + ", ".join(n.name for n in one_home) + ".", ""]
    lines += ["## Two days: from Keras to the Transformer", ""]
    lines += schedule_table(two, by_name)
    if two_home:
        lines += ["Did not fit in the two days, so for home: " + ", ".join(n.name for n in two_home) + ".", ""]
    lines += ["## After the workshop", "",
              "At home, in full mode (times measured on a 2-core CPU):", "",
              "| notebook | full mode | quick mode |", "|---|---:|---:|"]
    lines += [f"| [{n.name}]({n.name[:-6]}.md) | {minutes(n.full_s)} | {minutes(n.quick_s)} |"
              for n in sorted(rest, key=lambda n: n.name)]
    lines += ["", "## Instructor notes", ""]
    lines += [f"- [{n.title}]({n.name[:-6]}.md)" for n in parsed]
    files["README.md"] = "\n".join(lines) + "\n"
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare docs/workshop/ with what would be written")
    args = parser.parse_args(argv)
    files = kit()
    stale = [name for name, text in files.items()
             if not (OUT / name).exists() or (OUT / name).read_text(encoding="utf-8") != text]
    extra = [p.name for p in OUT.glob("*.md") if p.name not in files] if OUT.exists() else []
    if args.check:
        if stale or extra:
            print(f"docs/workshop/ is out of date ({', '.join(stale + extra)}): run `make workshop`.")
            return 1
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (OUT / name).write_text(text, encoding="utf-8")
    for name in extra:
        (OUT / name).unlink()
    print(f"docs/workshop/: {len(files)} files, {len(stale)} rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
