"""Helpers shared by the testinfra tests of every Debian scenario.

Instances are reached by container name (``docker://<host>``), the name molecule gives
each platform. The run records of sitekit.core.run_summary (SITEKIT_RUN_LOG_DIR, set by
each scenario's molecule.yml) prove that the `check` step changed nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import testinfra

REPO = Path(__file__).resolve().parents[2]
LAB_SECRETS = REPO / "molecule" / ".cache" / "lab-secrets"
PROBE_SCRIPT = (Path(__file__).parent / "probe.py").read_text()


def instance(name: str):
    """testinfra host of the molecule instance (container) ``name``."""
    return testinfra.get_host(f"docker://{name}")


def container_ip(name: str, network: str | None = None) -> str:
    """IPv4 address of a container, on ``network`` or on its first network."""
    out = subprocess.run(
        ["docker", "inspect", "--format", "{{json .NetworkSettings.Networks}}", name],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    networks = json.loads(out)
    if network is not None:
        return networks[network]["IPAddress"]
    return next(n["IPAddress"] for n in networks.values() if n["IPAddress"])


def lab_secret(name: str) -> str:
    """A lab secret the converge generated (ansible.builtin.password lookup of the lab vault.yml)."""
    return (LAB_SECRETS / name).read_text().split()[0]


def run_records() -> list[dict]:
    folder = Path(os.environ["SITEKIT_RUN_LOG_DIR"])
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


def assert_check_changed_nothing(playbook: str = "converge.yml") -> None:
    """The last `--check --diff` run of the converge playbook reported changed=0 and no failure."""
    checks = [r for r in run_records() if r["check_mode"] and r["playbook"] == playbook]
    assert checks, (
        f"no check-mode run of {playbook} recorded in {os.environ['SITEKIT_RUN_LOG_DIR']}: run `molecule check` first"
    )
    last = checks[-1]
    assert last["failed"] == [], f"check mode failed: {last['failed']}"
    assert last["changed"] == [], f"check mode after converge reports changes: {last['changed']}"


def probe_host(name: str, via: str, addresses: list[str], prefix: int):
    """testinfra host of a probe container; ``addresses`` (the site addresses it connects from) are added with
    ``prefix`` (the span of the lab's VLANs, so every site address is on the link) to the interface that holds
    ``via``, its docker address."""
    host = instance(name)
    host.run_test(f"cat > /tmp/probe.py <<'PY'\n{PROBE_SCRIPT}\nPY")
    dev = host.check_output(f"ip -o -4 addr show | awk '$4 ~ /^{via}\\// {{print $2; exit}}'")
    for address in addresses:
        host.run(f"ip addr replace {address}/{prefix} dev {dev}")
    return host


def connect(probe, source: str, destination: str, port: int, timeout: float = 3.0) -> str:
    """open, refused or timeout: one TCP connection from ``source`` (an address of the probe) to ``destination``."""
    return probe.check_output(f"python3 /tmp/probe.py {source} {destination} {port} {timeout}")
