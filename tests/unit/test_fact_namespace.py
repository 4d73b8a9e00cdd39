"""Facts are read from ``ansible_facts`` only, so they are not injected as top-level variables (issue 10).

With ``inject_facts_as_vars`` on, ansible-core cleans every host's cached facts on every variable lookup
(vars/manager.py: ``clean_facts``, which lists the connection plugins from disk each time): on the lab's
whole-site no-op that was ~10 % of the controller's CPU (bench/results/lab_converge.json, note of stop 25).
Off in ansible.cfg and in every molecule scenario's configuration; nothing may then read a fact as
``ansible_<fact>``: every ``ansible_*`` name the project writes is a connection or magic variable listed here.
"""

from __future__ import annotations

import configparser
import re

import yaml
from sitekit_paths import REPO

NOT_FACTS = {
    # connection and become variables
    "ansible_host", "ansible_port", "ansible_user", "ansible_password", "ansible_connection", "ansible_become",
    "ansible_become_password", "ansible_ssh_private_key_file", "ansible_ssh_common_args", "ansible_python_interpreter",
    "ansible_network_os", "ansible_winrm_transport", "ansible_winrm_server_cert_validation", "ansible_winrm_scheme",
    "ansible_winrm_message_encryption", "ansible_winrm_kinit_mode", "ansible_winrm_kerberos_hostname_override",
    "ansible_winrm_ca_trust_path",
    # magic variables, the facts namespace, templates' header, molecule's provisioner keyword
    "ansible_facts", "ansible_check_mode", "ansible_run_tags", "ansible_play_hosts", "ansible_play_batch",
    "ansible_playbook_python", "ansible_failed_result", "ansible_failed_task", "ansible_managed", "ansible_args",
}
NAME = re.compile(r"\bansible_[a-z0-9_]+")
SOURCES = ("roles", "playbooks", "collections/ansible_collections/sitekit/core/templates", "inventories", "molecule",
           "tools")


def _files():
    for top in SOURCES:
        for path in sorted((REPO / top).rglob("*")):
            if path.is_file() and path.suffix in {".yml", ".yaml", ".j2", ".cfg", ".ini"}:
                yield path


def test_nothing_reads_a_fact_as_a_top_level_variable():
    found = {}
    for path in _files():
        for name in set(NAME.findall(path.read_text(errors="replace"))) - NOT_FACTS:
            found.setdefault(name, str(path.relative_to(REPO)))
    assert found == {}


def test_the_check_sees_a_top_level_fact():
    assert set(NAME.findall("when: ansible_distribution_release == 'bookworm'")) - NOT_FACTS == {
        "ansible_distribution_release"}


def test_facts_are_not_injected_as_variables():
    cfg = configparser.ConfigParser()
    cfg.read(REPO / "ansible.cfg")
    assert cfg.getboolean("defaults", "inject_facts_as_vars") is False
    scenarios = sorted((REPO / "molecule").glob("*/molecule.yml"))
    assert len(scenarios) >= 3
    for scenario in scenarios:
        defaults = (yaml.safe_load(scenario.read_text()).get("ansible") or {}).get("cfg", {}).get("defaults", {})
        assert defaults.get("inject_facts_as_vars") is False, scenario.relative_to(REPO)


def test_debian_hosts_and_nodes_name_their_interpreter():
    """Not discovered: discovery tries python3.13, 3.12, ... and under the lab's mitogen each try is an SSH
    connection (the first task on a Debian host took 4.1-4.5 s, 2.0 s with the interpreter named; stop 25)."""
    for inventory in ("rcr", "lab"):
        for group in ("debian", "proxmox_nodes"):
            path = REPO / "inventories" / inventory / "group_vars" / group / "connection.yml"
            assert yaml.safe_load(path.read_text()).get("ansible_python_interpreter") == "/usr/bin/python3", path
