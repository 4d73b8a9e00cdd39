"""The Debian molecule scenarios can run at the same time (tests/integration/test_molecule.py starts them
together): no two claim the same container name, docker network, subnet or address. Docker would refuse a
second container or network of the same name, and two bridges on overlapping subnets would send one
scenario's probes into the other's containers. The secrets they share (molecule/.cache/lab-secrets) are
written by ansible.builtin.password under its own lock file, made for concurrent writers.
"""

from __future__ import annotations

import ipaddress
import itertools

import pytest
import yaml
from sitekit_paths import REPO


def docker_scenarios() -> dict[str, dict]:
    """Each scenario whose containers Docker makes on this machine, by name: its molecule.yml."""
    configs = {p.parent.name: yaml.safe_load(p.read_text()) for p in sorted((REPO / "molecule").glob("*/molecule.yml"))
               if not p.parent.name.startswith("_")}
    return {name: config for name, config in configs.items() if config["driver"]["name"] == "docker"}


def claims(config: dict) -> dict[str, set]:
    """What a scenario's `create` takes on the Docker engine: container names, networks, subnets, addresses."""
    platforms = config["platforms"]
    networks = [n for p in platforms for n in p.get("docker_networks", [])]
    return {
        "containers": {p["name"] for p in platforms},
        "networks": {n["name"] for n in networks} | {n["name"] for p in platforms for n in p.get("networks", [])},
        "subnets": {ipaddress.ip_network(c["subnet"]) for n in networks for c in n.get("ipam_config", [])},
        "addresses": {ipaddress.ip_address(n["ipv4_address"]) for p in platforms for n in p.get("networks", [])
                      if "ipv4_address" in n},
    }


SCENARIOS = docker_scenarios()


def test_the_debian_scenarios_are_found():
    assert {"ftp_archive", "glpi", "squid"} <= set(SCENARIOS)
    assert all(claims(c)["networks"] and claims(c)["subnets"] for c in SCENARIOS.values())


def clashes(mine: dict[str, set], theirs: dict[str, set]) -> list[str]:
    found = [f"the {kind} {sorted(map(str, mine[kind] & theirs[kind]))}"
             for kind in ("containers", "networks", "addresses") if mine[kind] & theirs[kind]]
    overlapping = sorted((str(a), str(b)) for a in mine["subnets"] for b in theirs["subnets"] if a.overlaps(b))
    return found + ([f"overlapping subnets {overlapping}"] if overlapping else [])


@pytest.mark.parametrize(("one", "other"), list(itertools.combinations(sorted(SCENARIOS), 2)))
def test_two_scenarios_claim_nothing_in_common(one, other):
    found = clashes(claims(SCENARIOS[one]), claims(SCENARIOS[other]))
    assert not found, f"{one} and {other} both claim " + "; ".join(found)


def test_the_check_sees_each_kind_of_clash():
    """A scenario against itself clashes on every kind; a subnet inside another's is seen as overlapping."""
    name = sorted(SCENARIOS)[0]
    mine = claims(SCENARIOS[name])
    assert len(clashes(mine, mine)) == 4
    inner = {**{k: set() for k in mine}, "subnets": {next(iter(mine["subnets"])).subnets(new_prefix=30).__next__()}}
    assert clashes(mine, inner) and clashes(mine, inner)[0].startswith("overlapping subnets")
