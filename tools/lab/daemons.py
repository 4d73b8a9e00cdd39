"""The lab's background processes: the PVE API simulator and the simulated IOS devices.

Each runs in a session of its own (it outlives ``make lab``), with its pid in
``build/lab/run/<name>.pid``, its log in ``build/lab/run/<name>.log`` and what clients need
(port, user) in ``build/lab/run/<name>.json``. ``stop`` only signals a pid whose command line
is still the one started, so a recycled pid is never killed.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path

from context import REPO, RUN, VENV_BIN, secret, site
from progress import say

WAIT_LINE_SECONDS = 5  # while a daemon starts, a line this often


def _paths(name: str) -> dict[str, Path]:
    return {k: RUN / f"{name}.{k}" for k in ("pid", "log", "json", "digest")}


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(name: str, marker: str) -> bool:
    p = _paths(name)
    if not p["pid"].exists():
        return False
    pid = int(p["pid"].read_text())
    return marker in _cmdline(pid) and p["json"].exists()


def start(name: str, cmd: list[str], marker: str, env: dict | None = None, digest: str = "", wait_s: float = 120) -> str:
    """Start ``cmd`` unless it already runs with the same secrets; 'running' or 'started'."""
    p = _paths(name)
    if alive(name, marker) and p["digest"].exists() and p["digest"].read_text() == digest:
        return "running"
    stop(name, marker)
    RUN.mkdir(parents=True, exist_ok=True)
    p["json"].unlink(missing_ok=True)
    with p["log"].open("w") as log:
        proc = subprocess.Popen(cmd, cwd=REPO, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    p["pid"].write_text(str(proc.pid))
    p["digest"].write_text(digest)
    t0 = last = time.monotonic()
    while not p["json"].exists():
        if proc.poll() is not None:
            raise SystemExit(f"{name} stopped at start (exit {proc.returncode}); see {p['log']}:\n{p['log'].read_text()[-2000:]}")
        if time.monotonic() - t0 > wait_s:
            raise SystemExit(f"{name} did not answer within {wait_s:.0f} s; see {p['log']}")
        if time.monotonic() - last >= WAIT_LINE_SECONDS:
            say(f"  … waiting for {name} ({int(time.monotonic() - t0)} s)")
            last = time.monotonic()
        time.sleep(0.2)
    return "started"


def info(name: str) -> dict:
    return json.loads(_paths(name)["json"].read_text())


def stop(name: str, marker: str) -> bool:
    p = _paths(name)
    stopped = False
    if p["pid"].exists():
        pid = int(p["pid"].read_text())
        if marker in _cmdline(pid):
            os.kill(pid, signal.SIGTERM)
            for _ in range(50):
                if marker not in _cmdline(pid):
                    break
                time.sleep(0.1)
            else:
                os.kill(pid, signal.SIGKILL)
            stopped = True
    for path in p.values():
        path.unlink(missing_ok=True)
    return stopped


def _digest(*values: str) -> str:
    return hashlib.sha256("\0".join(values).encode()).hexdigest()[:16]


# ---- the two daemons of the lab ------------------------------------------------------------------
PVE_MARKER = "-m tests.pve_sim"
PEERS_MARKER = "tools/lab/peers.py"


def start_pve_sim() -> str:
    proxmox = site().vars["site_proxmox"]
    token = secret("pve_token", 36)  # the file the inventory's vault_proxmox_api_token_secret lookup reads
    templates = ",".join(f"{k}={v}" for k, v in (proxmox.get("templates") or {}).items())
    nodes = ",".join(site().groups["proxmox_nodes"])
    cmd = [str(VENV_BIN / "python"), "-m", "tests.pve_sim", "--version", str(proxmox["version"]), "--port", "0", "--tls",
           "--cluster-name", str(proxmox["cluster_name"]), "--nodes", nodes, "--templates", templates,
           "--credentials", str(_paths("pve-sim")["json"])]
    return start("pve-sim", cmd, PVE_MARKER, env={"PVE_SIM_TOKEN_SECRET": token},
                 digest=_digest(token, " ".join(cmd[1:-2])))  # not the interpreter's path: a venv reached by a symlink is the same


def start_peers() -> str:
    password = secret("network_admin")
    cmd = [str(VENV_BIN / "python"), str(REPO / PEERS_MARKER), str(_paths("ios-peers")["json"])]
    return start("ios-peers", cmd, PEERS_MARKER, digest=_digest(password))


def stop_all() -> list[str]:
    return [name for name, marker in (("pve-sim", PVE_MARKER), ("ios-peers", PEERS_MARKER)) if stop(name, marker)]
