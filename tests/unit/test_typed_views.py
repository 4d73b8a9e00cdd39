"""The views the roles consume are typed (frozen dataclasses), and the filters still hand Jinja the same data.

data/view_vars/{rcr,lab}.json are the filters' outputs captured before the views became typed (issue 9):
the network intents, the Proxmox desired state and API, the Debian views; {rcr,lab}-windows.json the Windows
filters' (and pve_maintenance_now's at fixed moments), captured before the Windows views became typed.
Compared as order-preserving JSON, so a key renamed, dropped, added or moved is a failure.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import json
import re
import sys
import types
import typing
from pathlib import Path

import pytest
import sites
from ansible_collections.sitekit.core.plugins.filter import windows as windows_filters
from ansible_collections.sitekit.core.plugins.plugin_utils.site import debian, network, proxmox
from ansible_collections.sitekit.core.plugins.plugin_utils.site import windows as sw
from ansible_collections.sitekit.core.plugins.plugin_utils.site.debian import data as debian_data
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network import data as network_data
from ansible_collections.sitekit.core.plugins.plugin_utils.site.proxmox import data as proxmox_data
from ansible_collections.sitekit.core.plugins.plugin_utils.site.typed import to_vars
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows import data as windows_data
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows import rds_data

sys.path.insert(0, str(Path(__file__).resolve().parent))
import view_vars  # noqa: E402


def assert_same_as_snapshot(name: str, snapshot: str, computed: dict) -> None:
    """Every filter output, key order included, equals the one captured before the views were typed."""
    reference = json.loads((view_vars.DATA / snapshot).read_text())
    now = json.loads(view_vars.dumps(computed))
    assert list(now) == list(reference)
    for view in reference:
        assert view_vars.dumps(now[view]) == view_vars.dumps(reference[view]), f"{name}: {view} changed"


@pytest.mark.parametrize("name", sorted(view_vars.INVENTORIES))
def test_filters_give_jinja_what_they_gave_before_the_views_were_typed(name):
    assert_same_as_snapshot(name, f"{name}.json", view_vars.view_vars(view_vars.INVENTORIES[name]))


@pytest.mark.parametrize("name", sorted(view_vars.INVENTORIES))
def test_windows_filters_give_jinja_what_they_gave_before_the_views_were_typed(name):
    assert_same_as_snapshot(name, f"{name}-windows.json", view_vars.windows_view_vars(view_vars.INVENTORIES[name]))


def _check(value, hint, where: str) -> None:
    """``value`` is of the annotated type ``hint`` (recursively through dataclasses, tuples, mappings)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        errors = []
        for option in args:
            try:
                _check(value, option, where)
                return
            except AssertionError as exc:
                errors.append(str(exc))
        raise AssertionError(f"{where}: {value!r} is none of {hint}")
    if hint is type(None):
        assert value is None, f"{where}: {value!r} is not None"
    elif origin is tuple:
        assert isinstance(value, tuple), f"{where}: {type(value).__name__}, not a tuple"
        for i, item in enumerate(value):
            _check(item, args[0], f"{where}[{i}]")
    elif origin is collections.abc.Mapping:
        assert isinstance(value, collections.abc.Mapping), f"{where}: not a mapping"
        for key, item in value.items():
            _check(key, args[0], f"{where} key")
            _check(item, args[1], f"{where}[{key}]")
    elif dataclasses.is_dataclass(hint):
        assert type(value) is hint, f"{where}: {type(value).__name__}, not {hint.__name__}"
        _check_view(value, where)
    else:
        assert isinstance(value, hint) and not (hint is int and isinstance(value, bool)), \
            f"{where}: {value!r} is a {type(value).__name__}, not {hint.__name__}"


def _check_view(obj, where: str) -> None:
    hints = typing.get_type_hints(type(obj), vars(sys.modules[type(obj).__module__]))
    for field in dataclasses.fields(obj):
        _check(getattr(obj, field.name), hints[field.name], f"{where}.{field.name}")


def _frozen(obj) -> None:
    assert not hasattr(obj, "__dict__"), "a view type has slots"
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(obj, dataclasses.fields(obj)[0].name, None)


def test_network_intents_are_typed(rcr_site):
    site = network.site_with_secrets(rcr_site, dict(view_vars.netlab.DUMMY_SECRETS))
    switch, router = network.device_intent(site, "sw-core"), network.device_intent(site, "rt-01")
    assert type(switch) is network_data.SwitchIntent and type(router) is network_data.RouterIntent
    shared = ["kind", "hostname", "domain", "clock", "enable_secret_hash", "banner", "ssh_version", "admins", "vty_acl",
              "ntp", "dns", "syslog", "snmp", "archive", "forms", "push"]
    assert [f.name for f in dataclasses.fields(switch)] == shared + [
        "location", "role", "stack", "stack_master", "vlans", "switching", "port_channels", "interfaces", "mgmt",
        "default_gateway", "stp", "plain_2960"]
    assert [f.name for f in dataclasses.fields(router)] == shared + [
        "model", "role", "lan_interface", "lan_description", "wan_interface", "track", "mgmt", "subinterfaces", "vlans"]
    for host in network.network_devices(site):
        _check_view(network.device_intent(site, host), host)
    _frozen(switch)
    _frozen(switch.interfaces[0])
    ports = [p for host in site.group("cisco_switches") for p in network.device_intent(site, host).interfaces]
    assert {type(p).__name__: p.mode for p in ports} == {"AccessPort": "access", "TrunkPort": "trunk",
                                                          "UnusedPort": "unused"}


def test_proxmox_desired_state_is_typed(rcr_site):
    state = proxmox.desired(rcr_site)
    assert type(state) is proxmox_data.DesiredState
    assert [f.name for f in dataclasses.fields(state)] == [
        "cluster_name", "version", "storages", "backup_jobs", "vms", "ha", "ha_groups", "ha_rules", "ha_resources"]
    _check_view(state, "rcr")
    _frozen(state)
    _frozen(state.vms[0].net0)
    assert proxmox.desired_state(rcr_site) == to_vars(state)


def test_to_vars_keeps_the_jinja_keys():
    job = proxmox_data.BackupJob(id="j", schedule="22:00", storage="nas", mode="snapshot", compress="zstd",
                                 prune_backups="keep-daily=7", vmid="101", enabled=1, comment="c")
    assert list(to_vars(job)) == ["id", "schedule", "storage", "mode", "compress", "prune-backups", "vmid", "enabled",
                                  "comment"]  # no mailto: an optional field left out when None
    nic = proxmox_data.Nic(model="virtio", bridge="vmbr0", tag=None, macaddr="BC:24:11:00:00:01")
    assert to_vars(nic) == {"model": "virtio", "bridge": "vmbr0", "macaddr": "BC:24:11:00:00:01"}
    port = network_data.UnusedPort(name="GigabitEthernet1/0/1", mode="unused", vlan=None)
    assert to_vars(port) == {"name": "GigabitEthernet1/0/1", "mode": "unused", "vlan": None}  # a plain None stays
    assert to_vars({"a": (1, (2, 3))}) == {"a": [1, [2, 3]]}


def test_a_view_built_with_a_wrong_type_is_caught():
    """The type check above is not vacuous: a list where the view declares a tuple, a str for an int."""
    stp = network_data.Stp(mode="rapid-pvst", vlans="10,20", priority="4096")
    with pytest.raises(AssertionError, match="priority"):
        _check_view(stp, "stp")
    members = network_data.PortChannel(id=1, description="x", vlans=[10], allowed="10", members=(), edge=False)
    with pytest.raises(AssertionError, match="not a tuple"):
        _check_view(members, "po1")


def test_modified_sites_still_render_typed():
    site = sites.modified(site_switching={})
    assert network.switching(site) == network_data.Switching(load_balance=None, parking=None, storm_control=None,
                                                             errdisable=None)


@pytest.mark.parametrize("inventory", ["inventories/rcr", "inventories/lab"])
def test_debian_views_are_typed(inventory):
    site = sites.site(inventory)
    archive = site.vars["site_config_archive"]
    outputs = {"admin_access": debian.admin_access(site), "glpi": debian.glpi(site), "proxy": debian.proxy(site),
               "archive_targets": debian.archive_targets(site)}
    outputs |= {f"firewall {h}": debian.firewall(site, h) for h in sorted({*site.group("glpi"), *site.group("squid"),
                                                                           *site.group("ftp_archive")})}
    outputs |= {f"archive_server {archive[r]}": debian.archive_server(site, archive[r]) for r in ("primary", "backup")}
    for name, value in outputs.items():
        for item in value if isinstance(value, tuple) else (value,):
            assert type(item).__module__ == debian_data.__name__, name
            _check_view(item, f"{inventory} {name}")
            _frozen(item)


def test_proxmox_connection_and_maintenance_views_are_typed(rcr_site):
    import datetime

    api = proxmox.api_connection(rcr_site)
    now = proxmox.maintenance_now(rcr_site, datetime.datetime.fromisoformat("2026-05-04T23:30:00+00:00"))
    assert (type(api), type(now)) == (proxmox_data.ApiConnection, proxmox_data.MaintenanceNow)
    for name, item in (("api_connection", api), ("maintenance_now", now)):
        _check_view(item, name)
        _frozen(item)


# The Windows views, called on the site, or on each host of a group (None: every rule, then each Windows host's).
WINDOWS_SITE_VIEWS = ("directory", "dhcp_scopes", "reverse_zones", "shutdown_task", "ad_groups", "rds_plan", "sizing_check",
                      "sql_security", "update_install_in_window")
WINDOWS_HOST_VIEWS = {"update_ring": "windows", "local_admin_groups": "windows", "sql_setup": "sql_servers",
                      "sql_service_account": "sql_servers", "sql_update_share": "sql_servers", "file_server": "file_servers",
                      "firewall_rules": None}


def _windows_views(site) -> dict[str, object]:
    """Every Windows view a filter hands a role, called on ``site`` (per host where it takes one)."""
    out = {name: getattr(sw, name)(site) for name in WINDOWS_SITE_VIEWS}
    for name, group in WINDOWS_HOST_VIEWS.items():
        hosts = site.group(group) if group else [None, *site.group("windows")]
        out |= {f"{name} {host}": getattr(sw, name)(site, host) for host in hosts}
    return out | {"gmsa_phase": sw.gmsa_phase({"effective_utc": None, "now_utc": "2026-05-04T20:30:00Z"})}


@pytest.mark.parametrize("inventory", ["inventories/rcr", "inventories/lab"])
def test_windows_views_are_typed(inventory):
    """Each view returns a frozen record of windows/data.py or rds_data.py (or a tuple of them, of names, a bool),
    never a dict; and every view a Windows filter calls is among those checked."""
    outputs = _windows_views(sites.site(inventory))
    called = set(re.findall(r"_call\(sw\.(\w+)", Path(windows_filters.__file__).read_text()))
    assert called and called <= {*WINDOWS_SITE_VIEWS, *WINDOWS_HOST_VIEWS, "gmsa_phase"}, called
    for name, value in outputs.items():
        assert not isinstance(value, (dict, list)), f"{name}: a {type(value).__name__}, not a typed view"
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, (str, bool)):
                continue
            assert type(item).__module__ in (windows_data.__name__, rds_data.__name__), name
            _check_view(item, f"{inventory} {name}")
            _frozen(item)
    plan = outputs["rds_plan"]
    assert [type(step).__name__ for step in plan.steps][:1] == ["SessionDeploymentStep"]
    assert [step.order for step in plan.steps] == list(range(1, len(plan.steps) + 1))
