"""make test-hub: the course on a real JupyterHub, on 127.0.0.1, with two learners.

JupyterHub runs with DummyAuthenticator and SimpleLocalProcessSpawner, so no Unix accounts are needed, and the
configurable-http-proxy that `make test-hub` installs from npm. Like deploy/jupyterhub/values.yaml, every learner's
server starts with their own copies of the notebooks (tools/make_student.py --learner) and in quick mode. Through
the hub's REST API an admin token creates two learners and starts their servers; a quick-mode notebook is executed
in each learner's kernel through their server's API, and each learner's contents API shows only their own files.

SimpleLocalProcessSpawner runs every learner's server as the same operating-system user: the isolation checked
here is JupyterHub's (a learner's token opens only their own server), not the operating system's. On Kubernetes
(deploy/jupyterhub/) each learner's server is its own container with its own volume.
"""
from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PROXY = ROOT / "build" / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
LEARNERS = ("ada", "grace")
NOTEBOOK = "my-course/00_getting_started.ipynb"
START_SECONDS = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CONFIG = '''
import subprocess
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.JupyterHub.db_url = "sqlite:///{folder}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{folder}/cookie_secret"
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{folder}/home/{{username}}"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = {root_flag}
c.Spawner.default_url = "/lab/tree/my-course"
c.Spawner.environment = {{"COURSE_QUICK": "1"}}
c.Spawner.start_timeout = {start}
c.Spawner.http_timeout = {start}
c.JupyterHub.services = [{{"name": "course-admin", "api_token": "{token}"}}]
c.JupyterHub.load_roles = [{{"name": "course-admin", "services": ["course-admin"],
                            "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users"]}}]


def give_copies(spawner):
    # deploy/jupyterhub/values.yaml's postStart hook: the learner's own copies of the notebooks in their home
    subprocess.run([{python!r}, {make_student!r}, "--learner", spawner.home_dir + "/my-course"], check=True)


c.Spawner.pre_spawn_hook = give_copies
'''


class Hub:
    def __init__(self, url: str, token: str, log: Path):
        self.url, self.token, self.log = url, token, log

    def api(self, method: str, path: str, token: str | None = None, **kwargs) -> requests.Response:
        headers = {"Authorization": f"token {token or self.token}"}
        return requests.request(method, self.url + path, headers=headers, timeout=60, allow_redirects=False,
                                **kwargs)

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    if not PROXY.exists():
        pytest.skip(f"{PROXY.relative_to(ROOT)} is missing: run the tests with `make test-hub`, which installs it")
    folder = tmp_path_factory.mktemp("hub")
    token, port = secrets.token_hex(32), free_port()
    root_flag = ["--allow-root"] if os.geteuid() == 0 else []
    (folder / "jupyterhub_config.py").write_text(CONFIG.format(
        port=port, hub_port=free_port(), proxy_api_port=free_port(), proxy=str(PROXY), folder=folder,
        singleuser=str(BIN / "jupyterhub-singleuser"), root_flag=root_flag, start=START_SECONDS, token=token,
        python=sys.executable, make_student=str(ROOT / "tools" / "make_student.py")))
    log = folder / "hub.log"
    with open(log, "w") as out:
        process = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(folder / "jupyterhub_config.py")],
                                   cwd=folder, stdout=out, stderr=subprocess.STDOUT)
    hub = Hub(f"http://127.0.0.1:{port}", token, log)
    deadline = time.monotonic() + 60
    while True:
        try:
            if hub.api("GET", "/hub/api/").status_code == 200:
                break
        except requests.ConnectionError:
            pass
        assert process.poll() is None, f"JupyterHub exited with {process.returncode}:\n{hub.tail()}"
        assert time.monotonic() < deadline, f"JupyterHub did not answer within 60 s:\n{hub.tail()}"
        time.sleep(0.5)
    yield hub
    process.terminate()       # JupyterHub stops the learners' servers on its way out
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def learners(hub) -> dict[str, str]:
    """Both learners created and their servers started through the REST API; name -> the learner's own token."""
    created = hub.api("POST", "/hub/api/users", json={"usernames": list(LEARNERS)})
    assert created.status_code == 201, f"creating the learners: {created.status_code} {created.text}"
    tokens = {}
    for name in LEARNERS:
        started = hub.api("POST", f"/hub/api/users/{name}/server")
        assert started.status_code in (201, 202), f"starting {name}'s server: {started.status_code} {started.text}"
        reply = hub.api("POST", f"/hub/api/users/{name}/tokens", json={"note": "make test-hub"})
        assert reply.status_code == 201, f"a token for {name}: {reply.status_code} {reply.text}"
        tokens[name] = reply.json()["token"]
    deadline = time.monotonic() + START_SECONDS
    for name in LEARNERS:
        while not hub.api("GET", f"/hub/api/users/{name}").json()["servers"].get("", {}).get("ready"):
            assert time.monotonic() < deadline, f"{name}'s server is not ready after {START_SECONDS} s:\n{hub.tail()}"
            time.sleep(1)
    return tokens


def run_notebook(hub: Hub, name: str, token: str) -> list[str]:
    """Execute every code cell of the learner's copy of NOTEBOOK in a kernel of their server; the text printed."""
    import websocket

    base = f"/user/{name}/api"
    notebook = hub.api("GET", f"{base}/contents/{NOTEBOOK}", token=token)
    assert notebook.status_code == 200, f"{name}: {NOTEBOOK} is not in their home ({notebook.status_code})"
    cells = [cell["source"] for cell in notebook.json()["content"]["cells"] if cell["cell_type"] == "code"]
    session = hub.api("POST", f"{base}/sessions", token=token,
                      json={"path": NOTEBOOK, "type": "notebook", "kernel": {"name": "python3"}})
    assert session.status_code == 201, f"{name}: no kernel ({session.status_code} {session.text})"
    kernel = session.json()["kernel"]["id"]
    channel = websocket.create_connection(f"{hub.url.replace('http', 'ws')}{base}/kernels/{kernel}/channels",
                                          header=[f"Authorization: token {token}"], timeout=300)
    printed = []
    try:
        for number, source in enumerate(cells):
            msg_id = uuid.uuid4().hex
            channel.send(json.dumps({
                "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": name, "session": kernel,
                           "version": "5.3", "date": ""},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": source, "silent": False, "store_history": True, "user_expressions": {},
                            "allow_stdin": False, "stop_on_error": True}}))
            while True:
                message = json.loads(channel.recv())
                if message.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = message["msg_type"]
                if kind == "stream":
                    printed.append(message["content"]["text"])
                assert kind != "error", (f"{name}: code cell {number} failed in the hub: "
                                         f"{message['content']['ename']}: {message['content']['evalue']}")
                if kind == "execute_reply":
                    break
    finally:
        channel.close()
        hub.api("DELETE", f"{base}/sessions/{session.json()['id']}", token=token)
    return printed


@pytest.mark.parametrize("name", LEARNERS)
def test_a_learner_runs_a_notebook_in_quick_mode_on_the_hub(hub, learners, name):
    printed = "".join(run_notebook(hub, name, learners[name]))
    assert "quick mode" in printed.splitlines()[0], f"{name}'s kernel is not in quick mode: {printed[:200]!r}"


def test_each_learner_sees_only_their_own_files(hub, learners):
    mine = {name: f"only-{name}.txt" for name in LEARNERS}
    for name, token in learners.items():
        saved = hub.api("PUT", f"/user/{name}/api/contents/{mine[name]}", token=token,
                        json={"type": "file", "format": "text", "content": f"{name}'s notes"})
        assert saved.status_code == 201, f"{name} cannot save a file: {saved.status_code}"
    for name, token in learners.items():
        listing = hub.api("GET", f"/user/{name}/api/contents", token=token)
        assert listing.status_code == 200
        files = {item["name"] for item in listing.json()["content"]}
        assert "my-course" in files and mine[name] in files
        assert not files & {f for other, f in mine.items() if other != name}, f"{name} sees another learner's file"
        for other in LEARNERS:
            if other != name:
                refused = hub.api("GET", f"/user/{other}/api/contents", token=token)
                assert refused.status_code in (302, 403, 404), (
                    f"{name}'s token opened {other}'s files (HTTP {refused.status_code})")
