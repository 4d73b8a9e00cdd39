"""`make lab-down` removes everything `lab.py up` started, and nothing else (issue 10); between the two, the
check pass of the whole site goes through on the fresh lab (``lab.py check``).

Runs the real ``tools/lab/lab.py up`` (containers, networks, the PVE API simulator, the simulated IOS
devices, the endpoints overlay and the SSH host keys), then ``lab.py down``. Beside the lab stand
things that only look like it and must survive: a container and a network named with the lab's
prefix but without its label, and a process whose command line carries a lab daemon's marker but
which the lab did not start. Skipped while a lab is up (it would be taken down).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest
from sitekit_paths import REPO

sys.path.insert(0, str(REPO / "tools" / "lab"))
import context  # noqa: E402
import daemons  # noqa: E402
import transport  # noqa: E402

pytestmark = pytest.mark.integration
LAB = [sys.executable, str(REPO / "tools" / "lab" / "lab.py")]


def docker(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], capture_output=True, text=True)


def labelled() -> dict[str, list[str]]:
    return {kind: sorted(docker(kind, "ls", *(["-a"] if kind == "container" else []), "--filter", f"label={context.LABEL}",
                                "--format", "{{.Name}}" if kind == "network" else "{{.Names}}").stdout.split())
            for kind in ("container", "network")}


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return not open(f"/proc/{pid}/stat").read().split(") ", 1)[1].startswith("Z")


@pytest.fixture
def bystanders():
    if context.ENDPOINTS.exists() or any(labelled().values()):
        pytest.skip("a lab is up: make lab-down first (this test would take it down)")
    tag = uuid.uuid4().hex[:8]
    names = {"container": f"{context.PREFIX}-bystander-{tag}", "network": f"{context.PREFIX}-bystander-{tag}"}
    docker("network", "create", names["network"])
    docker("run", "-d", "--name", names["container"], "--network", "none", context.IMAGE, "sleep", "infinity")
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(900)", daemons.PEERS_MARKER],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield names, process
    finally:
        process.kill()
        process.wait()
        docker("rm", "-f", names["container"])
        docker("network", "rm", names["network"])
        if context.ENDPOINTS.exists() or any(labelled().values()):
            subprocess.run([*LAB, "down"], cwd=REPO, capture_output=True)


def test_lab_down_removes_what_up_started_and_nothing_else(bystanders):
    (names, process) = bystanders
    up = subprocess.run([*LAB, "up"], cwd=REPO, capture_output=True, text=True, timeout=1800)
    assert up.returncode == 0, (up.stdout + up.stderr)[-4000:]
    started = labelled()
    assert len(started["container"]) == len(context.container_hosts()) and started["network"], started
    pids = [int(p.read_text()) for p in sorted(context.RUN.glob("*.pid"))]
    assert len(pids) == 2 and all(alive(p) for p in pids), pids
    assert context.ENDPOINTS.exists() and transport.KNOWN_HOSTS.exists()
    devices = json.loads((context.RUN / "ios-peers.json").read_text())["devices"]
    # On the fresh lab, the operator's first site.yml --check goes through (make lab's check pass, which no other
    # test runs: a task that needed a package only the converge installs stopped it on every node, stop 43).
    check = subprocess.run([*LAB, "check"], cwd=REPO, capture_output=True, text=True, timeout=1800)
    assert check.returncode == 0, (check.stdout + check.stderr)[-4000:]
    assert "check pass: went through" in check.stdout

    down = subprocess.run([*LAB, "down"], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert down.returncode == 0, (down.stdout + down.stderr)[-4000:]

    assert labelled() == {"container": [], "network": []}
    assert not any(alive(p) for p in pids), "a lab daemon outlived make lab-down"
    leftovers = sorted(p.name for p in context.RUN.glob("*") if p.suffix in (".pid", ".json", ".digest") or p.name in
                       (context.ENDPOINTS.name, transport.KNOWN_HOSTS.name))
    assert leftovers == [], leftovers
    listening = subprocess.run(["ss", "-Hltn"], capture_output=True, text=True).stdout
    assert not [port for port in devices.values() if f"127.0.0.1:{port} " in listening], "a device port still listens"
    # What only looks like the lab survives.
    assert docker("container", "inspect", names["container"]).returncode == 0
    assert docker("network", "inspect", names["network"]).returncode == 0
    assert process.poll() is None, "make lab-down killed a process the lab did not start"
