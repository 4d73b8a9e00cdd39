"""The Debian molecule scenarios run behind the validation gate, as every other entry point does (issue 10).

Molecule writes its own ansible.cfg (ANSIBLE_CONFIG points at it), so the repository's ``vars_plugins_enabled``
does not reach a scenario unless its molecule.yml says it again. These tests build each scenario's configuration
and inventory with molecule's own code, as ``molecule converge`` writes them, and check that the gate is loaded
with the repository's setting and that the inventory it sees (the lab site) passes it.
"""

from __future__ import annotations

import configparser
import os
import sys
from pathlib import Path

import pytest
from ansible_collections.sitekit.core.plugins.plugin_utils.site.report import validate_sources
from sitekit_paths import REPO

SCENARIOS = ["ftp_archive", "glpi", "squid"]


def enabled_vars_plugins(path: Path) -> list[str]:
    cfg = configparser.ConfigParser()
    cfg.read(path)
    return [name.strip() for name in cfg.get("defaults", "vars_plugins_enabled", fallback="").split(",") if name.strip()]


@pytest.fixture(scope="module", params=SCENARIOS)
def molecule_config(request, tmp_path_factory):
    """Molecule's configuration of the scenario, with its ansible.cfg and inventory directory written."""
    ephemeral = tmp_path_factory.mktemp(f"molecule-{request.param}")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MOLECULE_EPHEMERAL_DIRECTORY", str(ephemeral))
        mp.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")  # ansible-config
        from molecule.config import Config

        config = Config(str(REPO / "molecule" / request.param / "molecule.yml"), args={},
                        command_args={"subcommand": "converge"})
        config.provisioner.manage_inventory()
        config.provisioner.write_config()
        return config


def test_the_scenario_loads_the_gate_as_the_repository_does(molecule_config):
    expected = enabled_vars_plugins(REPO / "ansible.cfg")
    assert "sitekit.core.site_gate" in expected
    assert enabled_vars_plugins(Path(molecule_config.provisioner.config_file)) == expected


def gate_sources(config) -> list[str]:
    """The ``-i`` sources of the scenario's ansible-playbook runs: molecule's directory, then its ansible_args'."""
    args = config.provisioner.ansible_args
    return [config.provisioner.inventory_directory] + [args[i + 1] for i, a in enumerate(args) if a in ("-i", "--inventory")]


def test_the_sources_of_a_run_pass_the_gate(molecule_config):
    """The lab site is checked whole; molecule's own source (containers and probes, which are no site hosts) is not
    a site. Linking the lab's files into molecule's directory made one source of both: the gate refused the probes."""
    sources = gate_sources(molecule_config)
    assert sources[1:] == [str(REPO / "inventories/lab")]
    outcome = validate_sources(sources, skip_undeclared=True)
    assert outcome.site_declared and not outcome.errors, outcome.message()
    alone = validate_sources(sources[:1], skip_undeclared=True)
    assert not alone.site_declared, "molecule's own source must declare nothing of the site"


def test_converged_containers_are_reached_as_the_site_probes_by_name_as_root(molecule_config):
    """The hosts a scenario converges get the lab's group_vars/debian (ssh as the admin account, become) at their
    docker address (tests/unit/test_molecule_transport.py); molecule's host vars keep the probes on its docker
    exec as root."""
    import yaml
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader
    from ansible.vars.manager import VariableManager

    loader = DataLoader()
    inventory = InventoryManager(loader=loader, sources=gate_sources(molecule_config))
    variables = VariableManager(loader=loader, inventory=inventory)
    scenario = Path(molecule_config.scenario.directory).name
    converged_groups = {play["hosts"] for play in yaml.safe_load((REPO / "molecule" / scenario / "converge.yml").read_text())}
    admin = yaml.safe_load((REPO / "inventories/lab/group_vars/debian/connection.yml").read_text())["ansible_user"]
    for platform in molecule_config.platforms.instances:
        host = inventory.get_host(platform["name"])
        hostvars = variables.get_vars(host=host)
        facts = (hostvars["ansible_connection"], hostvars["ansible_user"], hostvars["ansible_become"])
        if {g.name for g in host.get_groups()} & converged_groups:
            assert facts == ("ssh", admin, True), platform["name"]
            assert hostvars["ansible_host"] in {n["ipv4_address"] for n in platform["networks"] if "ipv4_address" in n}
        else:
            assert facts == ("community.docker.docker", "root", False), platform["name"]
            assert hostvars["ansible_host"] == "{{ inventory_hostname }}"


def prepare_plays(scenario: str) -> list[dict]:
    """The plays of a scenario's prepare.yml, imported playbooks inlined."""
    import yaml

    plays = []
    for play in yaml.safe_load((REPO / "molecule" / scenario / "prepare.yml").read_text()):
        target = play.get("ansible.builtin.import_playbook") or play.get("import_playbook")
        plays += yaml.safe_load((REPO / "molecule" / scenario / target).read_text()) if target else [play]
    return plays


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_prepare_installs_no_package_on_the_converged_hosts(scenario):
    """The first converge starts from a fresh Debian install with package lists fetched: the roles install their
    packages themselves, so the first-converge figures (bench/debian_roles.py) count the role's own work. Helper
    containers (an FTP origin) may get theirs; a converged host gets only what every server of the site is
    installed with (the SSH server Ansible reaches it by, as tools/lab/prepare.yml gives the lab's hosts)."""
    import yaml

    converged = {play["hosts"] for play in yaml.safe_load((REPO / "molecule" / scenario / "converge.yml").read_text())}
    installs = [
        f"{play['name']}: {task['name']}"
        for play in prepare_plays(scenario) if play["hosts"] in converged | {"molecule"}
        for task in play.get("tasks", [])
        for module in ("ansible.builtin.apt", "ansible.builtin.package", "apt", "package") if module in task
        and task[module].get("name") and task[module]["name"] != "openssh-server"
    ]
    assert installs == []
