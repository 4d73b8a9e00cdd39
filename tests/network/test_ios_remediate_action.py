"""site.yml pushes through sitekit.core.ios_remediate's action plugin (run() inside Ansible's worker), not a module
process per device: the same arguments get the same answers as from the module, secrets never reach the result, and
the push code is imported when the strategy loads the action, before the workers fork.

The push itself, through both, against the IOS peer over SSH: tests/network/test_ios_remediate_scenarios.py.
"""

from __future__ import annotations

import json
import subprocess
import sys

import netlab
import pytest
from ansible_collections.sitekit.core.plugins.action import ios_remediate as action
from ansible_collections.sitekit.core.plugins.modules import ios_remediate as module
from sitekit_paths import REPO

DEVICE = {"host": "127.0.0.1", "port": 1, "username": "netadmin", "name": "sw-test", "host_key_checking": False}


def as_module(args: dict, check: bool = False) -> dict:
    """The module's main() in this process, as Ansible runs it (the name Ansible gives it included)."""
    return netlab.run_module(module, {**args, "_ansible_check_mode": check,
                                      "_ansible_module_name": "sitekit.core.ios_remediate"})


BAD = {
    "an unknown option": {**DEVICE, "intended": "hostname x"},
    "no host": {k: v for k, v in DEVICE.items() if k != "host"},
    "a port that is no number": {**DEVICE, "port": "twenty-two"},
    "both intended_config and src": {**DEVICE, "intended_config": "hostname x", "src": "/nonexistent"},
    "a list option given a mapping": {**DEVICE, "include": {"a": 1}},
}


@pytest.mark.parametrize("case", BAD)
def test_bad_arguments_are_refused_in_the_modules_words(case):
    refused = action.module_result(BAD[case], check_mode=False, diff=False)
    assert refused["failed"] and refused["msg"] == as_module(BAD[case])["msg"]


def test_good_arguments_reach_run_with_the_modules_defaults_check_mode_and_diff(monkeypatch):
    seen = {}

    def run(m):
        seen.update(params=m.params, check=m.check_mode, diff=m._diff)
        m.warn("kept for a later push")
        m.exit_json(changed=True, commands=["vlan 40"])

    monkeypatch.setattr(action, "run", run)
    result = action.module_result({**DEVICE, "port": "2222"}, check_mode=True, diff=True)
    invocation = result.pop("invocation")  # as AnsibleModule adds it: the arguments with their defaults
    assert invocation["module_args"]["port"] == 2222 and invocation["module_args"]["save"] is True
    assert result == {"changed": True, "commands": ["vlan 40"], "warnings": ["kept for a later push"]}
    assert seen["check"] is True and seen["diff"] is True
    assert seen["params"]["port"] == 2222 and seen["params"]["rollback_minutes"] == 5 and seen["params"]["save"] is True


def test_a_password_or_enable_secret_never_reaches_the_result(monkeypatch):
    password, secret = "Pl4ceholder-pass", "Pl4ceholder-enable"

    def run(m):  # a message that quotes what the device said back
        m.fail_json(msg=f"login as {m.params['username']} with {m.params['password']} refused",
                    commands=[f"enable secret {m.params['enable_secret']}"])

    monkeypatch.setattr(action, "run", run)
    result = action.module_result({**DEVICE, "password": password, "enable_secret": secret}, False, False)
    assert result["failed"] and "netadmin" in result["msg"]
    assert password not in json.dumps(result) and secret not in json.dumps(result)


def test_an_unreachable_device_fails_naming_it_as_the_module_does():
    args = {**DEVICE, "intended_config": "hostname sw-test\n", "timeout": 2}
    failed = action.module_result(args, check_mode=True, diff=False)
    assert failed["failed"] and failed["msg"] == as_module(args, check=True)["msg"] and failed["msg"].startswith("sw-test")


def test_the_push_code_is_imported_when_the_strategy_loads_the_action():
    """ansible-core's linear strategy calls action_loader.get(..., class_only=True) in the ansible-playbook process
    before it forks a device's worker: every worker then inherits netmiko and hier_config."""
    probe = (
        "import sys; from ansible.plugins.loader import init_plugin_loader, action_loader; init_plugin_loader();"
        "assert 'netmiko' not in sys.modules;"
        "action_loader.get('sitekit.core.ios_remediate', class_only=True);"
        "print(sorted(m for m in ('netmiko', 'hier_config', 'paramiko') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True,
                          env={"ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["['hier_config',", "'netmiko',", "'paramiko']"]
