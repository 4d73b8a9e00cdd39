"""The Debian molecule scenarios reach the hosts they converge as the lab does: SSH + mitogen (issue 10).

docker exec costs 254-557 ms a task, mitogen over SSH 52 (bench/results/lab_connection.json): a first converge
and its no-op re-run of a Debian role were mostly transport. Each converged container is reached over SSH as
the site's administration account with sudo (the lab's group_vars/debian), with a key and host keys of the run
kept in molecule's ephemeral directory (never in the repository), and every converge play runs under the lab's
strategy. The inventory is the one molecule writes (its own code), read with ansible-core's variable manager.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import yaml
from sitekit_paths import REPO

SCENARIOS = ["ftp_archive", "glpi", "squid"]
STRATEGY = "mitogen_linear_unpinned"


@pytest.fixture(scope="module", params=SCENARIOS)
def scenario(request, tmp_path_factory):
    """(name, ephemeral dir, host -> effective variables) of a scenario, its inventory written by molecule."""
    ephemeral = tmp_path_factory.mktemp(f"molecule-{request.param}")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MOLECULE_EPHEMERAL_DIRECTORY", str(ephemeral))
        mp.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
        from molecule.config import Config

        config = Config(str(REPO / "molecule" / request.param / "molecule.yml"), args={},
                        command_args={"subcommand": "converge"})
        config.provisioner.manage_inventory()
        from ansible.inventory.manager import InventoryManager
        from ansible.parsing.dataloader import DataLoader
        from ansible.vars.manager import VariableManager

        loader = DataLoader()
        # molecule's source alone, then the lab's group_vars/debian as the lab source gives them
        inventory = InventoryManager(loader=loader, sources=[config.provisioner.inventory_directory])
        manager = VariableManager(loader=loader, inventory=inventory)
        raw = {h.name: manager.get_vars(host=h) for h in inventory.get_hosts()}
        groups = {g: [h.name for h in inventory.groups[g].get_hosts()] for g in inventory.groups}
    return request.param, ephemeral, raw, groups


def lab_debian_connection() -> dict:
    return yaml.safe_load((REPO / "inventories/lab/group_vars/debian/connection.yml").read_text())


def test_converged_hosts_are_reached_over_ssh_with_the_runs_key(scenario):
    name, ephemeral, hostvars, groups = scenario
    assert groups["molecule"], name
    lab = lab_debian_connection()
    for host in groups["molecule"]:
        if host not in hostvars or "ansible_ssh_private_key_file" not in hostvars[host]:
            continue
        v = hostvars[host]
        assert v["ansible_connection"] == "ssh", (name, host, v["ansible_connection"])
        # as on the site: the lab's admin account and sudo, not molecule's root
        assert "ansible_user" not in v and "ansible_become" not in v, (name, host)
        assert lab["ansible_connection"] == "ssh" and lab["ansible_become"] is True
        assert Path(v["ansible_ssh_private_key_file"]).parent == ephemeral / "ssh"
        assert f"UserKnownHostsFile={ephemeral / 'ssh' / 'known_hosts'}" in v["ansible_ssh_common_args"]
    converged = [h for h in groups["molecule"] if "ansible_ssh_private_key_file" in hostvars.get(h, {})]
    assert converged, f"{name}: no converged host is reached over SSH"


def test_every_converge_play_runs_under_the_labs_strategy(scenario):
    name = scenario[0]
    plays = yaml.safe_load((REPO / "molecule" / name / "converge.yml").read_text())
    assert [p.get("strategy") for p in plays] == [STRATEGY] * len(plays), name
    cfg = yaml.safe_load((REPO / "molecule" / name / "molecule.yml").read_text())["ansible"]["cfg"]["defaults"]
    assert cfg["strategy_plugins"] == "${MOLECULE_PROJECT_DIRECTORY}/tools/lab/strategy_plugins"
    assert (REPO / "tools/lab/strategy_plugins" / f"{STRATEGY}.py").is_file()
    # molecule's create/destroy (async docker tasks on localhost) stay on ansible-core's linear
    assert "strategy" not in cfg


def test_prepare_reaches_the_containers_over_docker_until_ssh_is_there():
    plays = yaml.safe_load((REPO / "molecule/_shared/prepare.yml").read_text())
    on_containers = [p for p in plays if p["hosts"] == "molecule"]
    assert on_containers and on_containers[0]["vars"]["ansible_connection"] == "community.docker.docker"
    task_modules = [next(k for k in t if "." in k) for t in on_containers[0]["tasks"]]
    for module in ("ansible.builtin.apt", "ansible.builtin.user", "ansible.posix.authorized_key"):
        assert module in task_modules
    # the key is generated before, the host keys recorded after
    names = [p["name"] for p in plays]
    assert names.index(on_containers[0]["name"]) > 0
    assert any("host keys" in n for n in names[names.index(on_containers[0]["name"]):])
