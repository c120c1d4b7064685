"""JupyterLab's settings for the course: no news toast over the notebooks, no update check (the course runs offline).

`make lab` and binder/postBuild install jupyter-settings/overrides.json where JupyterLab reads it,
<prefix>/share/jupyter/lab/settings/overrides.json. The test starts a real JupyterLab server on that file and
reads the settings it serves, against the defaults JupyterLab ships (the control).
"""
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

OVERRIDES = ROOT / "jupyter-settings" / "overrides.json"
PLUGIN = "@jupyterlab/apputils-extension:notification"


def shipped_schema() -> dict:
    from jupyterlab.commands import get_app_dir

    path = Path(get_app_dir()) / "schemas" / "@jupyterlab" / "apputils-extension" / "notification.json"
    return json.loads(path.read_text())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def served_settings(tmp_path_factory):
    """The notification settings a JupyterLab server started on the course's overrides serves, and the status of
    a contents request without the token."""
    folder = tmp_path_factory.mktemp("lab")
    (folder / "settings").mkdir()
    (folder / "settings" / "overrides.json").write_text(OVERRIDES.read_text())
    port, token = free_port(), "course-test-token"
    server = subprocess.Popen([sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
                               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}",
                               f"--LabApp.app_settings_dir={folder / 'settings'}", "--allow-root"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/lab/api/settings/{PLUGIN}?token={token}", timeout=5) as answer:
                    settings = json.load(answer)
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("JupyterLab did not start within 60 s") from None
                time.sleep(0.5)
        try:
            urllib.request.urlopen(f"{base}/api/contents", timeout=5)
            status = 200
        except urllib.error.HTTPError as error:
            status = error.code
        yield settings, status
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_jupyterlab_ships_the_news_question_and_update_check_on():   # the control: what a learner would get
    properties = shipped_schema()["properties"]
    assert properties["fetchNews"]["default"] == "none" and properties["checkForUpdates"]["default"] is True


def test_the_course_settings_turn_news_and_update_checks_off(served_settings):
    settings, _ = served_settings
    properties = settings["schema"]["properties"]
    assert properties["fetchNews"]["default"] == "false" and properties["checkForUpdates"]["default"] is False


def test_the_server_refuses_a_request_without_the_token(served_settings):
    _, status = served_settings
    assert status == 403


def test_make_lab_and_binder_install_the_settings_where_jupyterlab_reads_them():
    from jupyterlab.commands import get_app_dir

    assert Path(get_app_dir()) == Path(sys.prefix) / "share" / "jupyter" / "lab"
    makefile = (ROOT / "Makefile").read_text()
    assert "SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json" in makefile
    for target in ("lab", "lab-instructor", "test", "test-browser"):
        assert "$(SETTINGS)" in makefile.split(f"\n{target}:")[1].split("\n")[0], f"make {target} must install them"
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert "sys.prefix" in post_build and "share/jupyter/lab/settings" in post_build
    assert "cp jupyter-settings/overrides.json" in post_build
