"""Property-based tests: no input makes validation raise, and no rule fails ("could not be checked").

Hypothesis feeds the rules arbitrary shapes in place of any value of the reference site (scalars,
lists, mappings, deep nesting, vault values, templates), and feeds the loader arbitrary YAML
documents and arbitrary bytes written into the inventory's files. A failing example is printed by
Hypothesis with the value and path it replaced.
"""

from __future__ import annotations

import copy
import os
import shutil

import pytest
import sites
import yaml
from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader import load_site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Host, Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import validate
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sitekit_paths import REPO
from time_guard import within

SCALARS = (st.none() | st.booleans() | st.integers(-2**40, 2**40) | st.floats(allow_nan=True, allow_infinity=True)
           | st.text(max_size=12) | st.sampled_from(["10.0.10.21", "20:00", "24:00", "{{ x }}", "{{ 'lit' }}",
                                                    "vault_x", "Gi1/0/1-99", "WS-C2960X-48TS-L", "pve1", "sql01"]))
JUNK = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.text(max_size=8) | st.sampled_from(["id", "name", "vlan", "host", "ports", "storage", "role", "password"]),
    inner, max_size=4), max_leaves=25)
# SITEKIT_PROPERTY_EXAMPLES=1000 for a thorough run; the default keeps `make unit` near a minute.
EXAMPLES = int(os.environ.get("SITEKIT_PROPERTY_EXAMPLES", "60"))
FAST = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=max(EXAMPLES // 4, 10), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _paths(value, prefix=()):
    """Every path of a nested value (dict keys and list indexes), the value itself included."""
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


def _replace(root, path, new):
    """``root`` with the value at ``path`` replaced; only the containers along the path are copied."""
    if not path:
        return new
    out = copy.copy(root)
    out[path[0]] = _replace(root[path[0]], path[1:], new)
    return out


def _copy(site: Site) -> Site:
    """A copy whose top-level mappings can be changed without touching the shared reference site."""
    hosts = {n: Host(h.name, dict(h.vars), list(h.groups), dict(h.ansible)) for n, h in site.hosts.items()}
    return Site(dict(site.vars), hosts, {g: list(m) for g, m in site.groups.items()}, source=site.source)


def _assert_robust(site: Site):
    problems = validate(site)
    crashed = [str(p) + f" <{p.detail}>" for p in problems if "could not be checked" in p.message]
    assert not crashed, "\n".join(crashed)


@FAST
@given(data=st.data())
def test_any_site_value_replaced_by_junk(data):
    site = _copy(sites.site())
    key = data.draw(st.sampled_from(sorted(site.vars)), label="site variable")
    path = data.draw(st.sampled_from(_paths(site.vars[key])), label="path")
    site.vars[key] = _replace(site.vars[key], path, data.draw(JUNK, label="junk"))
    _assert_robust(site)


@FAST
@given(data=st.data())
def test_any_host_fact_replaced_by_junk(data):
    site = _copy(sites.site())
    name = data.draw(st.sampled_from(sorted(site.hosts)), label="host")
    host = site.hosts[name]
    key = data.draw(st.sampled_from(sorted(host.vars)), label="fact")
    path = data.draw(st.sampled_from(_paths(host.vars[key])), label="path")
    host.vars[key] = _replace(host.vars[key], path, data.draw(JUNK, label="junk"))
    _assert_robust(site)


@FAST
@given(site_vars=st.dictionaries(st.sampled_from(sorted(sites.site().vars)) | st.text(max_size=10), JUNK, max_size=8),
       hosts=st.dictionaries(st.text(min_size=1, max_size=8), st.dictionaries(
           st.sampled_from(["site_vlan", "site_ip", "vm", "switch", "router", "pve_node", "x"]), JUNK, max_size=4),
           max_size=5),
       groups=st.lists(st.sampled_from(["proxmox_nodes", "proxmox_vms", "windows", "debian", "cisco_switches",
                                        "cisco_routers", "sql_servers", "rds_session_hosts", "ad_domain_controllers"]),
                       max_size=4))
def test_a_site_made_of_junk(site_vars, hosts, groups):
    members = {g: sorted(hosts) for g in groups}
    site = Site(site_vars, {n: Host(n, v, list(groups)) for n, v in hosts.items()}, members)
    _assert_robust(site)


@pytest.mark.parametrize("depth", [60, 500, 5000])
def test_deep_nesting_is_reported_and_hides_no_secret(depth):
    """The RecursionError of the old secrets rule: deep junk next to a plaintext secret."""
    site = _copy(sites.site())
    deep = "x"
    for _ in range(depth):
        deep = [deep] if _ % 2 else {"k": deep}
    site.vars["site_junk"] = deep
    site.hosts["glpi01"].vars["glpi_admin_password"] = "Glpi2024"
    problems = validate(site)
    lines = [str(p) for p in problems]
    assert any("glpi_admin_password: looks like a plaintext secret" in line for line in lines), lines
    assert any("site_junk: unknown site variable" in line for line in lines), lines
    assert not any("could not be checked" in line for line in lines), lines


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("property-inventories")


def _inventory(scratch, name):
    target = scratch / name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(REPO / "inventories/rcr", target)
    return target


FILES = ["hosts.yml", "group_vars/all/network.yml", "group_vars/all/extra.yml", "host_vars/dc01.yml",
         "host_vars/unknown.yml", "group_vars/windows/connection.yml"]


@SLOW
@given(file=st.sampled_from(FILES), document=JUNK)
def test_loader_on_any_yaml_document(scratch, file, document):
    inventory = _inventory(scratch, "yaml")
    (inventory / file).write_text(yaml.safe_dump(document, default_flow_style=False, allow_unicode=True))
    with within(30):
        site = load_site(str(inventory))
    _assert_robust(site)


@SLOW
@given(file=st.sampled_from(FILES), raw=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
@example(file="hosts.yml", raw=b"/:\n")  # found in CI: the loader walked the whole filesystem as group_vars//
@example(file="hosts.yml", raw=b"..:\n  hosts:\n    ../../..:\n")
def test_loader_on_any_bytes(scratch, file, raw):
    inventory = _inventory(scratch, "bytes")
    (inventory / file).write_bytes(raw)
    with within(30):
        site = load_site(str(inventory))
    _assert_robust(site)


@pytest.mark.parametrize("depth", [100, 3000])
def test_loader_on_deeply_nested_file(scratch, depth):
    inventory = _inventory(scratch, f"deep{depth}")
    (inventory / "group_vars/all/junk.yml").write_text("junk: " + "[" * depth + "]" * depth + "\n")
    (inventory / "group_vars/all/glpi.yml").write_text(
        (inventory / "group_vars/all/glpi.yml").read_text() + "glpi_admin_password: Glpi2024\n")
    lines = [str(p) for p in validate(load_site(str(inventory)))]
    assert any("junk" in line and "nested more than" in line for line in lines), lines
    assert any("glpi_admin_password: looks like a plaintext secret" in line for line in lines), lines


@pytest.mark.parametrize("junk", [True, 3, "10,20", {"id": 10}])
def test_a_vlan_plan_that_is_not_a_list_is_reported_not_crashed_on(junk):
    # Found by test_a_site_made_of_junk in CI (site_vars={'site_vlans': True}): Site.vlans iterated the value
    # outside its guard, so the ansible-host rule "could not be checked" instead of the schema reporting it.
    _assert_robust(Site({"site_vlans": junk}, {}, {}))


@pytest.mark.parametrize("where, junk", [
    (("site_proxmox", "storage", 1, "base"), ["san"]),   # found by test_any_site_value_replaced_by_junk
    (("site_proxmox", "storage", 0, "id"), ["san"]),
    (("site_proxmox", "vm_storage"), {"id": "san-lvm"}),
    (("site_proxmox", "storage", 1, "content"), 5),
    (("site_backup", "storage"), ["nas-backup"]),
])
def test_a_storage_named_by_a_list_or_a_mapping_is_reported_not_crashed_on(where, junk):
    site = _copy(sites.site())
    key, path = where[0], where[1:]
    site.vars[key] = _replace(site.vars[key], path, junk)
    _assert_robust(site)
