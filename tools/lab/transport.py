"""How Ansible reaches the lab's containers: SSH with the lab's key, and mitogen for lab runs.

The containers are reached over SSH on the lab's administration network (containers.py), with a
key generated for this lab under its secrets directory (never committed) and host keys collected
when the containers are prepared (build/lab/run/known_hosts): host key checking stays on.

Lab runs (make lab) use ssh with ControlPersist and pipelining under ansible-core's ``linear``;
``SITEKIT_LAB_STRATEGY=mitogen_linear`` opts into mitogen's strategy, enabled here through the
environment only (ansible.cfg and production runs never use it). bench/lab_connection.py measured
mitogen as the cheapest transport per task, but one lab run hung in the IOS push's forked task
(docs/design.md, Decisions, issue 10), so it is not the default.
mitogen takes over the ``ssh`` and ``local`` connections only; network_cli and the API plays'
modules run as ansible-core runs them (connections it does not know are passed through).
"""

from __future__ import annotations

import os
import subprocess
import time
from importlib.util import find_spec
from pathlib import Path

from context import RUN, SECRETS
from progress import say

KEY = SECRETS / "admin_ed25519"
KNOWN_HOSTS = RUN / "known_hosts"
# ansible-core's linear strategy over ssh (ControlPersist, pipelining) by default: mitogen measured fastest
# (bench/results/lab_connection.json) but hung a quiet-machine lab run in the IOS push's forked task, so it
# is opt-in (SITEKIT_LAB_STRATEGY=mitogen_linear) until that is understood.
STRATEGY = os.environ.get("SITEKIT_LAB_STRATEGY", "linear")
# mitogen runs the builtin modules of every task delegated to localhost in one interpreter, one task at a
# time: the devices' tasks (delegated to the controller) fork instead, so they run side by side.
DEVICE_VARS = {"mitogen_task_isolation": "fork"}


def ensure_key() -> Path:
    """The lab's administration key pair (created once; kept with the lab's other secrets)."""
    if not KEY.exists():
        SECRETS.mkdir(parents=True, exist_ok=True)
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "sitekit-lab-admin", "-f", str(KEY)],
                       check=True, capture_output=True)
    return KEY


def host_vars(address: str) -> dict:
    """The connection variables of one container (endpoints.yml)."""
    return {"ansible_host": address, "ansible_ssh_private_key_file": str(KEY),
            "ansible_ssh_common_args": f"-o UserKnownHostsFile={KNOWN_HOSTS} -o IdentitiesOnly=yes"}


def scan_host_keys(addresses: list[str], wait_s: float = 120) -> None:
    """Record each container's SSH host key (ed25519) once its sshd answers (other entries are kept)."""
    keys: dict[str, str] = {}
    t0 = last = time.monotonic()
    while True:
        for address in sorted(set(addresses) - set(keys)):
            found = subprocess.run(["ssh-keyscan", "-T", "3", "-t", "ed25519", address], capture_output=True, text=True)
            if found.returncode == 0 and found.stdout.strip():
                keys[address] = found.stdout.strip()
        missing = sorted(set(addresses) - set(keys))
        if not missing:
            break
        if time.monotonic() - t0 > wait_s:
            raise SystemExit(f"no SSH server answers on {', '.join(missing)} after {wait_s:.0f} s")
        if time.monotonic() - last >= 5:
            say(f"  … waiting for SSH on {', '.join(missing)} ({int(time.monotonic() - t0)} s)")
            last = time.monotonic()
        time.sleep(1)
    RUN.mkdir(parents=True, exist_ok=True)
    kept = [line for line in (KNOWN_HOSTS.read_text().splitlines() if KNOWN_HOSTS.exists() else [])
            if line.split(" ", 1)[0] not in keys]
    KNOWN_HOSTS.write_text("".join(f"{line}\n" for line in [*kept, *(keys[a] for a in sorted(keys))]))


def strategy_env() -> dict:
    """The environment that makes ansible-playbook use the lab's strategy (empty for ansible-core's linear)."""
    if STRATEGY == "linear":
        return {}
    spec = find_spec("ansible_mitogen")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("mitogen is not installed in the venv (requirements-dev.txt): run make setup")
    plugins = Path(next(iter(spec.submodule_search_locations))) / "plugins" / "strategy"
    return {"ANSIBLE_STRATEGY_PLUGINS": str(plugins), "ANSIBLE_STRATEGY": STRATEGY}
