"""One JupyterLab server and one headless Chromium for the whole browser test (`make test-browser`).

The server is started as `make lab` starts it: `jupyter lab --ip=127.0.0.1` (with `--allow-root` as root) in a
learner folder made by `tools/make_student.py --learner`, with token authentication, reading the course's JupyterLab
settings that the Makefile's $(SETTINGS) rule installs into .venv. What differs is only what a test needs: a free
port instead of 8888, a token the test knows, no browser of its own, COURSE_QUICK=1 so the kernels run quick mode,
and empty user settings, workspaces and configuration (in a temporary folder), so that the settings of whoever
runs the test cannot change what it sees.

Chromium is Debian's (/usr/bin/chromium, or $CHROMIUM): Playwright cannot download its own browsers here.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "build" / "browser"
NOTES: list[str] = []          # what each check found, printed at the end of the run


def note(line: str) -> None:
    NOTES.append(line)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Lab:
    base: str
    token: str
    folder: Path
    pristine: dict[str, bytes] = field(default_factory=dict)
    pid: int = 0                                    # the server's process

    def url(self, path: str) -> str:
        separator = "&" if "?" in path else "?"
        return f"{self.base}/{path.lstrip('/')}{separator}token={self.token}"

    def api(self, path: str, method: str = "GET", token: bool = True):
        """(status, parsed JSON or None) of a REST request to the server."""
        url = self.url(path) if token else f"{self.base}/{path.lstrip('/')}"
        request = urllib.request.Request(url, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                body = answer.read()
                return answer.status, (json.loads(body) if body else None)
        except urllib.error.HTTPError as error:
            return error.code, None

    def shut_down_kernels(self) -> None:
        """Shut down every kernel, so that at most one notebook kernel runs at a time."""
        _, kernels = self.api("api/kernels")
        for kernel in kernels or []:
            self.api(f"api/kernels/{kernel['id']}", method="DELETE")
        deadline = time.monotonic() + 60
        while self.api("api/kernels")[1] and time.monotonic() < deadline:
            time.sleep(0.5)

    def peak_memory_mb(self) -> tuple[float, float]:
        """(the server's peak resident memory so far, the largest peak of its kernels now running), in MB, from
        Linux's VmHWM: what Binder's memory limit counts, the server and its kernels together."""
        import psutil

        def peak(pid: int) -> float:
            status = Path(f"/proc/{pid}/status").read_text()
            return int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)[1]) / 1024

        kernels = [child.pid for child in psutil.Process(self.pid).children(recursive=True)
                   if "ipykernel" in " ".join(child.cmdline())]
        return peak(self.pid), max((peak(pid) for pid in kernels), default=0.0)

    def restore(self, name: str) -> None:
        """Put the learner copy back as make_student wrote it (a run may have autosaved its outputs)."""
        (self.folder / name).write_bytes(self.pristine[name])


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    home = tmp_path_factory.mktemp("lab")
    folder = home / "my-course"
    subprocess.run([sys.executable, str(ROOT / "tools" / "make_student.py"), "--learner", str(folder)], cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL)
    for sub in ("user-settings", "workspaces", "config", "runtime"):
        (home / sub).mkdir()
    port, token = free_port(), secrets.token_hex(24)
    env = dict(os.environ, COURSE_QUICK="1", JUPYTERLAB_SETTINGS_DIR=str(home / "user-settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"), JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"))
    command = [str(Path(sys.executable).parent / "jupyter"), "lab", "--ip=127.0.0.1", f"--port={port}", "--no-browser",
               f"--IdentityProvider.token={token}"] + (["--allow-root"] if os.geteuid() == 0 else [])
    log = open(home / "server.log", "wb")
    server = subprocess.Popen(command, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    lab = Lab(f"http://127.0.0.1:{port}", token, folder,
              {path.name: path.read_bytes() for path in folder.glob("*.ipynb")}, server.pid)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if lab.api("api/status")[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError):
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"JupyterLab did not start within 120 s; its log: {home / 'server.log'}")
            time.sleep(0.5)
        yield lab
    finally:
        try:
            lab.shut_down_kernels()
        except (urllib.error.URLError, ConnectionError):
            pass                                   # the server never answered: nothing to shut down
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install it with  apt-get install -y chromium")
    with sync_playwright() as playwright:
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, lab):
    """A fresh browser page (its own context: no state carried over); every kernel is shut down afterwards."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
        lab.shut_down_kernels()


@pytest.fixture(scope="session", autouse=True)
def screenshot_folder():
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS


def pytest_terminal_summary(terminalreporter):
    if NOTES:
        terminalreporter.section("what the browser test saw")
        for line in NOTES:
            terminalreporter.write_line(line)
