"""proxmox_node refuses one subscription key given to two nodes (a key is registered to one server): the role's own
task, taken from tasks/repositories.yml, run on localhost with a local connection (nothing contacted)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import yaml
from pve_harness import REPO

pytestmark = pytest.mark.integration
TASK = "Refuse one subscription key declared for two nodes (a key is bound to one server)"


def run(tmp_path, keys: dict) -> subprocess.CompletedProcess:
    tasks = yaml.safe_load((REPO / "roles/proxmox_node/tasks/repositories.yml").read_text())
    task = next(t for t in tasks if t["name"] == TASK)
    play = [{"name": "subscription keys", "hosts": "localhost", "gather_facts": False,
             "vars": {"vault_proxmox_subscription_keys": keys}, "tasks": [task]}]
    (tmp_path / "play.yml").write_text(yaml.safe_dump(play, sort_keys=False))
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"}
    return subprocess.run([str(REPO / ".venv/bin/ansible-playbook"), "-i", "localhost,", "-c", "local", "-e",
                           f"ansible_python_interpreter={sys.executable}", str(tmp_path / "play.yml")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def test_one_key_for_two_nodes_is_refused_naming_them(tmp_path):
    out = run(tmp_path, {"pve1": "pve2c-aaaa", "pve2": "pve2c-aaaa", "pve3": "pve2c-bbbb"})
    assert out.returncode != 0
    assert "gives one key to pve1 pve2 : a subscription key is registered to one server" in out.stdout, out.stdout[-2000:]
    assert "pve2c-aaaa" not in out.stdout


def test_one_key_per_node_passes(tmp_path):
    out = run(tmp_path, {"pve1": "pve2c-aaaa", "pve2": "pve2c-bbbb", "pve3": "pve2c-cccc"})
    assert out.returncode == 0, out.stdout[-2000:]
