"""`make validate` end to end: playbooks/validate.yml through ansible-playbook, no host contacted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import describe_rules
from sitekit_paths import REPO

BIN = Path(sys.executable).parent
ENV = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "PATH": f"{BIN}:{os.environ['PATH']}",
       "ANSIBLE_FORCE_COLOR": "0", "ANSIBLE_NOCOLOR": "1"}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=REPO, env=ENV, capture_output=True, text=True, timeout=120)


def test_rcr_validates_and_lists_what_it_checked():
    out = run("ansible-playbook", "-i", "inventories/rcr", "playbooks/validate.yml")
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"33 hosts, {len(describe_rules())} rules checked, 0 errors" in out.stdout
    assert "secrets: every secret (any password-like key" in out.stdout


# A broken inventory through validate.yml: test_validation_cli.py::test_play_prints_each_problem_once_and_fails.


def test_inventory_graph_puts_every_host_in_a_tier():
    out = run("ansible-inventory", "-i", "inventories/rcr", "--list")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)

    def members(group):
        node = data.get(group, {})
        found = set(node.get("hosts", []))
        for child in node.get("children", []):
            found |= members(child)
        return found

    tiers = {t: members(t) for t in ("proxmox_nodes", "windows", "debian", "network")}
    everyone = set(data["_meta"]["hostvars"])
    assert set().union(*tiers.values()) == everyone
    assert len(everyone) == 33
