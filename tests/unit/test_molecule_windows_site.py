"""The Windows molecule scenario's own site passes the validation gate (issue 10).

The gate (the vars plugin ``sitekit.core.site_gate``) validates the ``-i`` sources of every ansible
process with ``report.validate_sources``; these tests call that function on the scenario's inventory,
so a rule change that refuses the scenario fails here in seconds, not only in the simulator test
(tests/windows/test_molecule_create_destroy_sim.py). Molecule's own inventory file is built with
molecule's code, as ``molecule create`` writes it.
"""

from __future__ import annotations

import configparser
import os
import sys
from pathlib import Path

import pytest
import sites
import yaml
from ansible_collections.sitekit.core.plugins.plugin_utils.site.report import validate_sources
from sitekit_paths import REPO
from test_no_site_literals import rcr_facts_in

SCENARIO = REPO / "molecule/windows"
INVENTORY = SCENARIO / "inventory"
MOLECULE_YML = yaml.safe_load((SCENARIO / "molecule.yml").read_text())
# The one warning the scenario accepts, said in its README: one domain controller, not two.
ACCEPTED_WARNINGS = ["a single domain controller"]


def test_the_scenario_links_its_own_inventory():
    links = MOLECULE_YML["provisioner"]["inventory"]["links"]
    assert {key: (SCENARIO / target).resolve() for key, target in links.items()} == {
        "hosts": INVENTORY / "hosts.yml", "group_vars": INVENTORY / "group_vars", "host_vars": INVENTORY / "host_vars"}


def test_the_scenario_site_passes_the_gate():
    outcome = validate_sources([str(INVENTORY)], skip_undeclared=True)
    assert outcome.site_declared and outcome.hosts == 8
    assert not outcome.errors, outcome.message()
    assert [p.message for p in outcome.warnings if not any(w in p.message for w in ACCEPTED_WARNINGS)] == []


def test_the_scenario_site_holds_no_fact_of_the_customer():
    """Its own name, domain, OUs, addresses and mail, never rcr's. Host names follow the toolkit's naming
    (the platforms of molecule.yml, the CI cluster's node names) and the Cegid vendor's domains are the
    product's (seed 000): both are shared by every site."""
    hits = rcr_facts_in(INVENTORY)
    assert not hits, "\n".join(hits)


@pytest.fixture(scope="module")
def molecule_config(tmp_path_factory):
    """Molecule's configuration of the scenario, its inventory directory written as after create.yml."""
    ephemeral = tmp_path_factory.mktemp("molecule-windows")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MOLECULE_EPHEMERAL_DIRECTORY", str(ephemeral))
        mp.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")  # ansible-config
        from molecule.config import Config

        config = Config(str(SCENARIO / "molecule.yml"), args={}, command_args={"subcommand": "converge"})
        site = sites.site(str(INVENTORY.relative_to(REPO)))
        Path(config.driver.instance_config).write_text(yaml.safe_dump([  # what create.yml writes
            {"instance": p["name"], "address": str(site.host_ip(p["name"])), "port": 5986, "connection": "winrm",
             "winrm_transport": "ntlm", "winrm_server_cert_validation": "ignore", "user": "Administrateur"}
            for p in MOLECULE_YML["platforms"]]))
        config.provisioner.manage_inventory()
        config.provisioner.write_config()
        return config


def test_molecule_adds_no_host_and_no_connection(molecule_config):
    """The site's inventory is the one source of hosts and of how they are reached: platforms have no group, so
    molecule's file holds its molecule_* variables only (else every host is written twice, in all and its group)."""
    inventory = Path(molecule_config.provisioner.inventory_directory)
    written = yaml.safe_load((inventory / "ansible_inventory.yml").read_text())
    hosts = {name for group in written.values() for name in (group or {}).get("hosts") or {}}
    variables = {key for group in written.values() for key in (group or {}).get("vars") or {}}
    assert hosts == set() and variables and all(key.startswith("molecule_") for key in variables)
    assert (inventory / "hosts").resolve() == INVENTORY / "hosts.yml"


def test_the_inventory_molecule_writes_passes_the_gate(molecule_config):
    outcome = validate_sources([molecule_config.provisioner.inventory_directory], skip_undeclared=True)
    assert outcome.site_declared and outcome.hosts == 8
    assert not outcome.errors, outcome.message()


def test_molecule_runs_load_the_gate(molecule_config):
    cfg = configparser.ConfigParser()
    cfg.read(molecule_config.provisioner.config_file)
    enabled = [name.strip() for name in cfg.get("defaults", "vars_plugins_enabled", fallback="").split(",")]
    assert "sitekit.core.site_gate" in enabled
