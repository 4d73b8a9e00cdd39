"""AWX job inventories and dynamic sources are read: ansible.cfg enables the script and auto plugins.

An AWX job hands ansible-playbook a script inventory; NetBox or community.proxmox sources are
``auto`` (plugin configuration files). The script below serves the rcr inventory as AWX would
(``ansible-inventory --list --export``): validation must see the same 33 hosts and no error.
"""

from __future__ import annotations

import configparser
import json
import os
import stat
import subprocess
import sys

import pytest
from sitekit_paths import REPO

NEEDED = {"script", "auto", "yaml", "ini", "host_list", "constructed"}
BEFORE = "ansible.builtin.yaml,ansible.builtin.ini,ansible.builtin.host_list"  # the setting issue 16 found


def enabled_plugins() -> set[str]:
    cfg = configparser.ConfigParser()
    cfg.read(REPO / "ansible.cfg")
    return {p.strip().split(".")[-1] for p in cfg["inventory"]["enable_plugins"].split(",")}


@pytest.fixture(scope="module")
def awx_script(tmp_path_factory):
    """An executable script inventory holding what AWX would export of inventories/rcr."""
    env = dict(os.environ, ANSIBLE_CONFIG=str(REPO / "ansible.cfg"))
    export = subprocess.run([str(REPO / ".venv/bin/ansible-inventory"), "-i", "inventories/rcr", "--list", "--export"],
                            cwd=REPO, env=env, capture_output=True, text=True, check=True).stdout
    root = tmp_path_factory.mktemp("awx")
    (root / "inventory.json").write_text(export)
    script = root / "awx_inventory.py"
    script.write_text(f"#!{sys.executable}\nimport json, pathlib, sys\n"
                      f"data = json.loads(pathlib.Path({str(root / 'inventory.json')!r}).read_text())\n"
                      "print(json.dumps(data if '--list' in sys.argv else {}))\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    assert len(json.loads(export)["_meta"]["hostvars"]) == 33
    return script


def validate(inventory, **env) -> subprocess.CompletedProcess:
    return subprocess.run([str(REPO / ".venv/bin/ansible-playbook"), "-i", str(inventory), "playbooks/validate.yml"],
                          cwd=REPO, env=dict(os.environ, ANSIBLE_CONFIG=str(REPO / "ansible.cfg"), **env),
                          capture_output=True, text=True, timeout=300)


def test_ansible_cfg_enables_what_awx_and_dynamic_sources_need():
    assert enabled_plugins() >= NEEDED


def test_a_script_inventory_validates_like_the_directory(awx_script):
    run = validate(awx_script)
    assert run.returncode == 0, run.stdout[-3000:]
    assert f"{awx_script}: 33 hosts" in run.stdout and ", 0 errors," in run.stdout


def test_without_the_script_plugin_the_inventory_is_not_read(awx_script):
    run = validate(awx_script, ANSIBLE_INVENTORY_ENABLED=BEFORE)
    assert run.returncode != 0
    assert "no site model in" in run.stdout and "no site_* variable, no host fact" in run.stdout
