"""Each Windows role has argument specs covering its defaults, commented defaults, a README with the
order of operations; playbooks/windows.yml passes --syntax-check against inventories/rcr."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from task_files import tasks_of
from windows_testlib import REPO, ROLES


@pytest.mark.parametrize("role", ROLES)
def test_argument_specs_declare_every_default(role):
    specs = yaml.safe_load((REPO / "roles" / role / "meta/argument_specs.yml").read_text())
    options = specs["argument_specs"]["main"]["options"]
    defaults = yaml.safe_load((REPO / "roles" / role / "defaults/main.yml").read_text())
    assert set(defaults) == set(options), "defaults and argument_specs differ"
    for name, spec in options.items():
        assert name.startswith(role + "_"), f"{name} is not prefixed with the role name"
        assert spec.get("description"), f"{name} has no description"
        assert spec.get("type"), f"{name} has no type"


@pytest.mark.parametrize("role", ROLES)
def test_defaults_are_commented_for_auditors(role):
    lines = (REPO / "roles" / role / "defaults/main.yml").read_text().splitlines()
    assert lines[1].startswith(f"# {role} "), "the file opens with what the role does"
    assert sum(line.lstrip().startswith("#") for line in lines) >= 3


@pytest.mark.parametrize("role", ROLES)
def test_readme_gives_the_order_of_operations(role):
    readme = (REPO / "roles" / role / "README.md").read_text()
    assert readme.startswith(f"# {role}\n")
    assert "## Order of operations" in readme and "\n1. " in readme


@pytest.mark.parametrize("role", ROLES)
def test_secrets_are_no_log(role):
    specs = yaml.safe_load((REPO / "roles" / role / "meta/argument_specs.yml").read_text())
    for name, spec in specs["argument_specs"]["main"]["options"].items():
        if any(word in name for word in ("password", "secret")):
            assert spec.get("no_log") is True, f"{name} must be no_log in argument_specs"
    for path in (REPO / "roles" / role / "tasks").glob("*.yml"):
        for task in tasks_of(yaml.safe_load(path.read_text())):
            module = next((k for k in task if "." in k and k not in ("ansible.builtin.assert",)), None)
            if module is None:
                continue
            args = task[module] if isinstance(task[module], dict) else {}
            plain = {k: v for k, v in args.items() if k != "sensitive_parameters"}
            if SECRET_VALUE.search(yaml.safe_dump(plain)):
                assert task.get("no_log") is True, f"{path.name}: {task.get('name')} passes a secret without no_log"


SECRET_VALUE = re.compile(r"\{\{[^}]*(password|vault_var)[^}]*\}\}")


def test_windows_playbook_syntax_check_against_rcr():
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"}
    bindir = Path(sys.executable).parent
    out = subprocess.run([str(bindir / "ansible-playbook"), "-i", "inventories/rcr", "--syntax-check", "playbooks/windows.yml"],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr


def test_windows_playbook_runs_the_roles_in_order():
    plays = yaml.safe_load((REPO / "playbooks/windows.yml").read_text())
    order = [r["role"] for play in plays for r in play.get("roles", [])]
    assert order == ["windows_base", "ad_domain", "windows_base", "windows_base", "windows_firewall", "file_server", "sqlserver_cegid",
                     "rds_deployment"]
    hosts = [play["hosts"] for play in plays]
    assert hosts[0] == "ad_domain_controllers" and hosts[-1] == "rds_connection_brokers[0]"
    assert hosts.index("windows_update_pilot:!ad_domain_controllers") < hosts.index("windows_update_general:!ad_domain_controllers"), \
        "the pilot ring converges first"
    sort_play = plays[hosts.index("windows")]
    assert sort_play["gather_facts"] is False and "ansible.builtin.group_by" in sort_play["tasks"][0]


def test_ring_sorting_play_groups_the_pilot_ring(tmp_path):
    """The playbook's own group_by task, run controller side on inventories/rcr (it contacts no host)."""
    plays = yaml.safe_load((REPO / "playbooks/windows.yml").read_text())
    sort_task = next(p for p in plays if p["hosts"] == "windows")["tasks"][0]
    out_file = tmp_path / "groups.json"
    play = [{"name": "Ring sorting", "hosts": "windows", "gather_facts": False, "tasks": [
        sort_task,
        {"name": "Write the groups", "run_once": True, "delegate_to": "localhost", "ansible.builtin.copy": {
            "dest": str(out_file), "mode": "0600",
            "content": "{{ {'pilot': groups['windows_update_pilot'] | default([]), 'general': groups['windows_update_general'] | default([])} | to_json }}"}},
    ]}]
    playbook = tmp_path / "sort.yml"
    playbook.write_text(yaml.safe_dump(play, sort_keys=False))
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1", "SITEKIT_RUN_LOG_DIR": str(tmp_path / "runs")}
    out = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "-i", "inventories/rcr", str(playbook),
                          "-e", "ansible_connection=local", "-e", "ansible_password=not-used", "-e", f"ansible_python_interpreter={sys.executable}"],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout[-4000:]
    rings = json.loads(out_file.read_text())
    assert sorted(rings["pilot"]) == ["dc02", "rdcb02", "rdgw02", "rdlic02", "rdsh02", "rdvh02", "rdweb02"]
    assert "sql01" in rings["general"] and len(rings["pilot"]) + len(rings["general"]) == 17
