"""How Ansible reaches the lab's containers: SSH with the lab's key, and mitogen for lab runs.

The containers are reached over SSH on the lab's administration network (containers.py), with a
key generated for this lab under its secrets directory (never committed) and host keys collected
when the containers are prepared (build/lab/run/known_hosts): host key checking stays on.

Lab runs (make lab) use mitogen's strategy (52 ms per task over SSH against 224 for ansible-core's ssh with
ControlPersist and pipelining, bench/results/lab_connection.json), as ``mitogen_linear_unpinned``
(strategy_plugins/): mitogen's ``mitogen_linear`` without its CPU pinning, which on 2 cores puts every task,
and the later linear plays, on one core. The network
devices' play carries ``strategy: linear`` (playbooks/network.yml): its tasks, delegated to localhost,
would be forked side by side from one mitogen context, and mitogen 0.3 can leave such a child waiting for
ever on an import its parent had in flight, the IOS push hang (docs/design.md, Decisions, issue 10;
tests/integration/test_mitogen_fork_import.py). ``strategies.py`` lists the strategy each play of
site.yml runs under; tests/unit/test_lab_harness.py holds the rule. ``SITEKIT_LAB_STRATEGY=linear``
runs the whole lab under ansible-core's linear. mitogen is enabled through the environment only:
ansible.cfg and production runs never use it.
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
# mitogen, but for the network devices' play (strategy: linear); SITEKIT_LAB_STRATEGY=linear runs the lab without it.
STRATEGY = os.environ.get("SITEKIT_LAB_STRATEGY", "mitogen_linear_unpinned")
LAB_STRATEGIES = Path(__file__).resolve().parent / "strategy_plugins"


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
    return {"ANSIBLE_STRATEGY_PLUGINS": os.pathsep.join((str(LAB_STRATEGIES), str(plugins))), "ANSIBLE_STRATEGY": STRATEGY}
