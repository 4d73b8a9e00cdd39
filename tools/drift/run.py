"""Run site.yml in check + diff mode on an inventory, with the sitekit_drift callback collecting results."""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CALLBACKS = Path(__file__).resolve().parent / "callback_plugins"
LAB = REPO / "inventories" / "lab"
LAB_ENDPOINTS = REPO / "build" / "lab" / "run" / "endpoints.yml"
# The lab has no Windows machine: its Windows hosts exist only as VMs on the PVE simulator.
LAB_LIMIT = "localhost:all:!windows"
LAB_NOT_CHECKED = "no machine in the lab (Windows hosts exist only as Proxmox VMs there)"


class NotRunnable(Exception):
    """Drift cannot run (no lab, check mode not guaranteed): exit 2 with this message."""


def is_lab(inventory: Path) -> bool:
    return inventory.resolve() == LAB.resolve()


def callbacks_enabled() -> str:
    """The project's callbacks (ansible.cfg) and sitekit_drift: the journal still records the check run."""
    config = configparser.ConfigParser(interpolation=None)
    config.read(os.environ.get("ANSIBLE_CONFIG") or REPO / "ansible.cfg")
    enabled = [c.strip() for c in config.get("defaults", "callbacks_enabled", fallback="").split(",") if c.strip()]
    return ", ".join([*enabled, "sitekit_drift"])


def command(inventory: Path, limit: str | None, tags: str | None) -> list[str]:
    sources = ["-i", str(inventory)]
    if is_lab(inventory):
        if not LAB_ENDPOINTS.exists():
            raise NotRunnable(f"the lab is not up ({LAB_ENDPOINTS} is missing): run make lab first")
        sources += ["-i", str(LAB_ENDPOINTS.relative_to(REPO))]
        limit = limit or LAB_LIMIT
    cmd = [str(Path(sys.executable).parent / "ansible-playbook"), *sources, "playbooks/site.yml", "--check", "--diff"]
    return cmd + (["--limit", limit] if limit else []) + (["--tags", tags] if tags else [])


def run(cmd: list[str], results: Path, log: Path) -> int:
    """ansible-playbook with the drift callback; its output goes to ``log``; the return code."""
    assert "--check" in cmd, "drift never runs without --check"
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_CALLBACK_PLUGINS": str(CALLBACKS),
           "ANSIBLE_CALLBACKS_ENABLED": callbacks_enabled(), "SITEKIT_DRIFT_FILE": str(results),
           "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0"}
    results.unlink(missing_ok=True)
    with log.open("w") as out:
        return subprocess.run(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL).returncode
