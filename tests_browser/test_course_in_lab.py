"""The course in a real browser: the learner's copies opened in JupyterLab, as `make lab` serves them.

1. The server refuses a request without the token.
2. Every notebook opens untouched with every stored image loaded, no toast over it, and closes without being
   marked changed and without a "Save your work?" question.
3. Every notebook with an ipywidgets explorer (a code cell calling `widgets.explore_...`) runs top to bottom in
   quick mode (Run > Run All Cells after clearing the outputs, so that an execution count proves the cell ran)
   with no error and no stderr output; each explorer renders as live controls (not its text repr, not
   "Error displaying widget"), and each of its controls changes the figure below it when moved with the mouse and,
   separately, with the keyboard. A screenshot of each explorer is saved in build/browser/.
4. Every other notebook runs top to bottom in quick mode too, with no error and no stderr output.
5. After each run, the server's peak memory plus the kernel's stays below Binder's limit with a margin
   (LAB_MEMORY_LIMIT_MB); the numbers go to build/browser/memory.json, which `make test-browser STORE=1` records in
   BENCHMARKS.json (`tools/bench.py --lab-memory`).
"""
from __future__ import annotations

import hashlib
import json
import re
import time
from contextlib import contextmanager

import pytest

from tests_browser.conftest import SCREENSHOTS, note
from tools.bench import LAB_MEMORY_LIMIT_MB
from tools.nbtools import notebooks

RUN_TIMEOUT = 600          # s for Run All Cells in quick mode (15-100 s each when the machine is not busy)
REDRAW_TIMEOUT = 120       # s for an explorer to redraw after one of its controls moved
CELLS = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-viewport > .jp-Cell"
NOTEBOOKS = [path.name for path in notebooks()]


def explorer_cells(notebook: dict) -> list[int]:
    return [index for index, cell in enumerate(notebook["cells"])
            if cell["cell_type"] == "code" and "widgets.explore_" in "".join(cell["source"])]


WIDGET_NOTEBOOKS = [path.name for path in notebooks() if explorer_cells(json.loads(path.read_text(encoding="utf-8")))]
OTHER_NOTEBOOKS = [name for name in NOTEBOOKS if name not in WIDGET_NOTEBOOKS]
MEMORY_FILE = SCREENSHOTS / "memory.json"


def check_memory(lab, name: str) -> None:
    """The server's and the kernel's peak memory after a quick-mode run, kept in MEMORY_FILE; their sum must stay
    below LAB_MEMORY_LIMIT_MB (Binder counts the server and its kernels together)."""
    server_mb, kernel_mb = lab.peak_memory_mb()
    assert kernel_mb > 0, f"{name}: no kernel process found under the server"
    found = json.loads(MEMORY_FILE.read_text()) if MEMORY_FILE.exists() else {}
    found[name] = {"server_peak_mb": round(server_mb), "kernel_peak_mb": round(kernel_mb)}
    MEMORY_FILE.write_text(json.dumps(found, indent=1) + "\n")
    total = server_mb + kernel_mb
    note(f"{name}: server {server_mb:.0f} MB + kernel {kernel_mb:.0f} MB = {total:.0f} MB at their peaks "
         f"(limit {LAB_MEMORY_LIMIT_MB} MB)")
    assert total < LAB_MEMORY_LIMIT_MB, (f"{name}: the server ({server_mb:.0f} MB) and the kernel ({kernel_mb:.0f} MB) "
                                         f"together peak at {total:.0f} MB, over {LAB_MEMORY_LIMIT_MB} MB")


def read(lab, name: str) -> dict:
    path = lab.folder / name
    assert path.exists(), f"make_student.py made no learner copy of {name}"
    return json.loads(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- JupyterLab in the page

def kernel_state(lab, name: str) -> str | None:
    """The server's execution state of the notebook's kernel (idle, busy, starting, dead), None without one."""
    _, sessions = lab.api("api/sessions")
    for session in sessions or []:
        if session.get("path") == name and session.get("kernel"):
            return session["kernel"].get("execution_state")
    return None


def wait_kernel_idle(page, lab, name: str, timeout: float = 120) -> None:
    """Until the server says the kernel is idle and JupyterLab shows it so (status bar and toolbar)."""
    deadline = time.monotonic() + timeout
    while True:
        ui = page.evaluate("""() => {
            const items = [...document.querySelectorAll('.jp-StatusBar-Item')].map(item => item.innerText.trim());
            const indicator = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
            return items.some(text => / \\| Idle$/.test(text)) && indicator && indicator.dataset.status === 'idle';
        }""")
        state = kernel_state(lab, name)
        if ui and state == "idle":
            return
        assert state != "dead", f"{name}: the kernel died"
        assert time.monotonic() < deadline, f"{name}: the kernel was not idle within {timeout} s (server: {state})"
        time.sleep(0.5)


def open_notebook(page, lab, name: str, notebook: dict) -> None:
    """Open the learner copy in a fresh JupyterLab (no restored workspace) and wait until every cell is attached
    (JupyterLab attaches them a few dozen at a time) and its kernel is idle."""
    page.goto(lab.url(f"lab/tree/{name}?reset"))
    count = len(notebook["cells"])
    page.wait_for_function(f"n => document.querySelectorAll({CELLS!r}).length >= n", arg=count, timeout=120_000)
    assert page.locator(CELLS).count() == count, f"{name}: JupyterLab shows {page.locator(CELLS).count()} cells, " \
                                                  f"the file has {count}"
    wait_kernel_idle(page, lab, name)


def menu(page, top: str, item: str) -> None:
    """Click a menu bar entry, then one of its items (waiting until the item is enabled)."""
    deadline = time.monotonic() + 60
    while True:
        page.locator("li.lm-MenuBar-item", has_text=re.compile(f"^{top}$")).click()
        entry = page.locator(".lm-Menu-item", has=page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{item}$")))
        if "lm-mod-disabled" not in (entry.get_attribute("class") or ""):
            entry.click()
            return
        page.keyboard.press("Escape")
        assert time.monotonic() < deadline, f"menu {top} > {item} stayed disabled for 60 s"
        time.sleep(1)


def prompts(page) -> list[str]:
    return page.evaluate(f"""() => [...document.querySelectorAll({CELLS!r})].map(
        cell => (cell.querySelector('.jp-InputPrompt') || {{textContent: ''}}).textContent.trim())""")


def toasts(page) -> list[str]:
    """Texts of the toasts (notifications) shown over the notebook."""
    return page.evaluate("""() => {
        const selector = '.Toastify__toast, [class*="jp-toast"]';
        return [...document.querySelectorAll(selector)]
            .filter(toast => !(toast.parentElement && toast.parentElement.closest(selector)))   // the outermost only
            .filter(toast => toast.getBoundingClientRect().width > 0 && toast.getBoundingClientRect().height > 0)
            .map(toast => toast.textContent.trim().slice(0, 200));
    }""")


def run_all(page, lab, name: str, notebook: dict) -> float:
    """Clear every output, Run > Run All Cells, and wait until every non-empty code cell has an execution count and
    the kernel is idle (or the run stopped at an error). Returns the run's time in seconds."""
    code = [index for index, cell in enumerate(notebook["cells"])
            if cell["cell_type"] == "code" and "".join(cell["source"]).strip()]
    menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function(f"""() => [...document.querySelectorAll({CELLS!r})]
        .every(cell => !/^\\[\\d+\\]:$/.test((cell.querySelector('.jp-InputPrompt') || {{textContent: ''}}).textContent.trim()))""")
    start = time.monotonic()
    for attempt in range(2):
        menu(page, "Run", "Run All Cells")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(re.fullmatch(r"\[(\*|\d+)\]:", p) for p in prompts(page)):
            time.sleep(0.5)
        if any(re.fullmatch(r"\[(\*|\d+)\]:", p) for p in prompts(page)):
            break
    else:
        pytest.fail(f"{name}: Run > Run All Cells started nothing (twice)")
    stopped_since = None
    while True:
        shown = prompts(page)
        pending = [index for index in code if not re.fullmatch(r"\[\d+\]:", shown[index])]
        running = any(p == "[*]:" for p in shown)
        state = kernel_state(lab, name)
        assert state != "dead", f"{name}: the kernel died during Run All Cells"
        if not pending and state == "idle":
            wait_kernel_idle(page, lab, name)
            return time.monotonic() - start
        if pending and not running and state == "idle":      # the run stopped: an error, see the outputs
            stopped_since = stopped_since or time.monotonic()
            if time.monotonic() - stopped_since > 5:
                pytest.fail(f"{name}: Run All Cells stopped; cells never run: {pending[:10]} "
                            f"(error and stderr outputs: {output_problems(page)[:3]})")
        else:
            stopped_since = None
        assert time.monotonic() - start < RUN_TIMEOUT, \
            f"{name}: Run All Cells did not finish within {RUN_TIMEOUT} s; cells not run yet: {pending[:10]}"
        time.sleep(1)


@contextmanager
def ran_in_quick_mode(page, lab, name: str, notebook: dict):
    """Open the learner copy, Run All Cells and check that no output is an error or stderr; gives the run's seconds.
    Afterwards the page is closed, every kernel shut down and the learner copy put back as it was."""
    try:
        open_notebook(page, lab, name, notebook)
        seconds = run_all(page, lab, name, notebook)
        problems = output_problems(page)
        assert not problems, f"{name}: after Run All Cells: {problems}"
        yield seconds
    finally:
        if page.errors:
            note(f"{name}: errors in the page: {page.errors[:3]}")
        page.context.close()
        lab.shut_down_kernels()
        lab.restore(name)


def output_problems(page) -> list[str]:
    """Every error or stderr output (JupyterLab renders both as application/vnd.jupyter.stderr), every widget that
    failed to display and every widget shown as its text repr, as 'cell N: text'."""
    return page.evaluate(f"""() => {{
        const found = [];
        [...document.querySelectorAll({CELLS!r})].forEach((cell, index) => {{
            cell.querySelectorAll('.jp-OutputArea-output').forEach(output => {{
                const text = output.textContent.trim();     // innerText is empty for a cell out of view
                if (output.dataset.mimeType === 'application/vnd.jupyter.stderr')
                    found.push(`cell ${{index}}: ${{/Traceback|Error/.test(text) ? 'error' : 'stderr'}}: ${{text.slice(0, 300)}}`);
                else if (/Error displaying widget|interactive\\(children=/.test(text))
                    found.push(`cell ${{index}}: widget not displayed: ${{text.slice(0, 300)}}`);
            }});
        }});
        return found;
    }}""")


# ---------------------------------------------------------------- explorer controls

def active_cell(page) -> int:
    return page.evaluate(f"() => [...document.querySelectorAll({CELLS!r})].findIndex(c => c.classList.contains('jp-mod-active'))")


def kind(control) -> str:
    if control.locator(".noUi-handle").count():
        return "slider"
    if control.locator("button.widget-toggle-button").count():
        return "toggle buttons"
    if control.locator("select").count():
        return "dropdown"
    return "unknown: " + (control.get_attribute("class") or "")


def value(control) -> str:
    """What the control shows as its value."""
    return control.evaluate("""control => {
        const readout = control.querySelector('.widget-readout');
        if (control.querySelector('.noUi-handle')) return readout ? (readout.value || readout.innerText).trim() :
            control.querySelector('.noUi-handle').getAttribute('aria-valuenow');
        const pressed = control.querySelector('button.widget-toggle-button.mod-active');
        if (pressed) return pressed.innerText.trim();
        const select = control.querySelector('select');
        return select ? select.value : '';
    }""")


def picture(output) -> str:
    """A fingerprint of what the explorer's output area shows: its image, else its text."""
    shown = output.evaluate("out => { const img = out.querySelector('img'); return img ? img.src : out.textContent.trim(); }")
    return hashlib.sha256(shown.encode()).hexdigest()[:16] if shown else ""


def move_with_mouse(page, control, what: str) -> str:
    """Move the control with the mouse to another value; returns how."""
    if what == "slider":
        handle, track = control.locator(".noUi-handle"), control.locator(".noUi-target")
        handle.scroll_into_view_if_needed()
        h, t = handle.bounding_box(), track.bounding_box()
        x, y = h["x"] + h["width"] / 2, h["y"] + h["height"] / 2
        to = x + 0.3 * t["width"] if x < t["x"] + t["width"] / 2 else x - 0.3 * t["width"]
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(to, y, steps=8)
        page.mouse.up()
        return "dragging the handle"
    if what == "toggle buttons":
        other = control.locator("button.widget-toggle-button:not(.mod-active)").first
        label = other.inner_text().strip()
        other.click()
        return f"clicking {label!r}"
    if what == "dropdown":   # Chromium's native list cannot be clicked by Playwright; choose the option as a click does
        select = control.locator("select")
        other = select.evaluate("s => [...s.options].map(o => o.value).find(v => v !== s.value)")
        select.select_option(value=other)
        return f"choosing {other!r} from the list"
    raise AssertionError(f"no way to drive a control of kind {what}")


def move_with_keyboard(page, control, what: str) -> str:
    """Focus the control and move it with the keys a keyboard user would press; returns the keys."""
    if what == "slider":
        handle = control.locator(".noUi-handle")
        handle.focus()
        at_end = float(handle.get_attribute("aria-valuenow")) >= float(handle.get_attribute("aria-valuemax"))
        key = "ArrowLeft" if at_end else "ArrowRight"
        page.keyboard.press(key)
        return key
    if what == "toggle buttons":
        buttons = control.locator("button.widget-toggle-button")
        pressed = [index for index in range(buttons.count()) if "mod-active" in buttons.nth(index).get_attribute("class")]
        first = pressed[0] if pressed else 0
        buttons.nth(first).focus()
        tab = "Shift+Tab" if first == buttons.count() - 1 else "Tab"
        page.keyboard.press(tab)
        page.keyboard.press("Space")
        return f"{tab}, Space"
    if what == "dropdown":
        select = control.locator("select")
        select.focus()
        last = select.evaluate("s => s.selectedIndex === s.options.length - 1")
        key = "ArrowUp" if last else "ArrowDown"
        page.keyboard.press(key)
        return key
    raise AssertionError(f"no way to drive a control of kind {what}")


def redraw(page, lab, name: str, index: int, control, output, action) -> tuple[str | None, str]:
    """Do ``action`` on a control of the explorer in cell ``index`` and wait for the explorer's figure to change.
    Returns (the problem or None, how the control was moved)."""
    before, value_before, selected_before = picture(output), value(control), active_cell(page)
    how = action()
    time.sleep(1.5)
    if value(control) == value_before and picture(output) == before:
        selected = active_cell(page)
        moved = (f"; JupyterLab selected cell {selected} instead (the explorer is cell {index}): the keys went to the "
                 f"notebook, not the control") if selected not in (index, selected_before) else ""
        return f"its value stayed {value_before!r} and the figure did not change{moved}", how
    deadline = time.monotonic() + REDRAW_TIMEOUT
    while picture(output) in (before, ""):
        if time.monotonic() > deadline:
            return (f"its value went from {value_before!r} to {value(control)!r} but the figure did not change "
                    f"within {REDRAW_TIMEOUT} s"), how
        time.sleep(0.5)
    wait_kernel_idle(page, lab, name)
    return None, f"{how} ({value_before!r} -> {value(control)!r})"


# ---------------------------------------------------------------- the checks

def test_the_server_refuses_a_request_without_the_token(lab):
    assert lab.api("api/contents")[0] == 200, "with the token the request should succeed (the control)"
    status, _ = lab.api("api/contents", token=False)
    assert status == 403, f"GET /api/contents without the token answered {status}, not 403"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_a_notebook_opens_with_every_image_and_closes_unchanged_without_a_question(page, lab, name):
    notebook = read(lab, name)
    open_notebook(page, lab, name, notebook)
    expected = [sum(any(key.startswith("image/") for key in output.get("data", {})) for output in cell.get("outputs", []))
                for cell in notebook["cells"]]
    deadline, unseen = time.monotonic() + 15, list(range(len(expected)))
    while True:    # scroll each cell into view (JupyterLab renders what is near the viewport) and look at its images
        images = page.evaluate(f"""async indexes => {{
            const cells = [...document.querySelectorAll({CELLS!r})], found = [];
            for (const index of indexes) {{
                cells[index].scrollIntoView({{block: 'center'}});
                await new Promise(done => requestAnimationFrame(done));
                found.push([...cells[index].querySelectorAll('img')].map(img => img.complete && img.naturalWidth > 0));
            }}
            return found;
        }}""", unseen)
        problems = [f"cell {index}: {sum(shown)} of {len(shown)} images loaded, {expected[index]} stored"
                    for index, shown in zip(unseen, images) if not all(shown) or len(shown) < expected[index]]
        if not problems or time.monotonic() > deadline:
            break
        unseen = [int(problem.split(":")[0].split()[1]) for problem in problems]
        time.sleep(0.5)
    assert not problems, f"{name}: images missing or not loaded: {problems}"
    total = sum(expected)
    wait_kernel_idle(page, lab, name)
    time.sleep(1.5)                                    # what changes a notebook on opening does so by now
    assert not toasts(page), f"{name}: a toast covers the notebook: {toasts(page)}"
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=name)
    assert tab.count() == 1, f"{name}: no tab for the notebook"
    assert "jp-mod-dirty" not in tab.get_attribute("class"), f"{name}: marked changed (dirty) right after opening"
    tab.locator(".lm-TabBar-tabCloseIcon").click()
    time.sleep(1.5)                                    # a "Save your work?" dialog would be up by now
    dialogs = page.locator(".jp-Dialog")
    assert dialogs.count() == 0, f"{name}: closing it asked {dialogs.first.inner_text()!r}"
    assert page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=name).count() == 0, f"{name}: tab still open"
    note(f"{name}: opened with {total} stored images, all loaded; not changed on opening; closed without a question")


@pytest.mark.parametrize("name", WIDGET_NOTEBOOKS)
def test_the_explorers_run_and_answer_the_mouse_and_the_keyboard(page, lab, name):
    notebook = read(lab, name)
    indexes = explorer_cells(notebook)
    assert indexes, f"{name}: the learner copy lost its explorer cells"
    with ran_in_quick_mode(page, lab, name, notebook) as seconds:
        found, failures = [], []
        for index in indexes:
            cell = page.locator(CELLS).nth(index)
            cell.scroll_into_view_if_needed()
            explorer = cell.locator(".widget-interact")
            try:
                explorer.wait_for(timeout=30_000)
            except Exception:
                pytest.fail(f"{name}: the explorer in cell {index} did not render as a widget; the cell shows "
                            f"{cell.locator('.jp-OutputArea').inner_text()[:300]!r}")
            controls = explorer.locator(":scope > :not(.widget-output)")
            output = explorer.locator(":scope > .widget-output")
            assert controls.count() >= 1, f"{name}: the explorer in cell {index} has no controls"
            assert output.locator("img").count() == 1, f"{name}: the explorer in cell {index} shows no figure"
            for k in range(controls.count()):
                control = controls.nth(k)
                labels = control.locator(".widget-label")
                label = (labels.first.inner_text().strip() if labels.count() else "") or f"control {k + 1}"
                what = kind(control)
                for device, action in (("mouse", move_with_mouse), ("keyboard", move_with_keyboard)):
                    problem, how = redraw(page, lab, name, index, control, output, lambda: action(page, control, what))
                    where = f"cell {index}, {label!r} ({what}), {device}: {how}"
                    (failures.append(f"{where}: {problem}") if problem else found.append(where))
            cell.evaluate("c => c.scrollIntoView({block: 'start'})")
            page.screenshot(path=str(SCREENSHOTS / f"{name.removesuffix('.ipynb')}.png"))
        assert not toasts(page), f"{name}: a toast covers the notebook: {toasts(page)}"
        assert not output_problems(page), f"{name}: after moving the controls: {output_problems(page)}"
        check_memory(lab, name)
        note(f"{name}: Run All Cells in {seconds:.0f} s, no error or stderr output; "
             f"{len(indexes)} explorer(s) rendered; redrew on " + "; ".join(found))
        assert not failures, f"{name}: controls that did not redraw the explorer: " + " | ".join(failures)


@pytest.mark.parametrize("name", OTHER_NOTEBOOKS)
def test_a_notebook_without_explorers_runs_in_quick_mode_within_binder_memory(page, lab, name):
    with ran_in_quick_mode(page, lab, name, read(lab, name)) as seconds:
        note(f"{name}: Run All Cells in {seconds:.0f} s, no error or stderr output")
        check_memory(lab, name)
