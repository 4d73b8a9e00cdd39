"""The site model: one object that holds the whole site as the inventory declares it.

Data flows one way (docs/design.md): the inventory is loaded (``loader.load_site`` from a
directory, or ``Site.from_hostvars`` inside a play), validated (``registry.validate``) and
read through derived views (``network``, ``proxmox``, ``windows_*``, ``debian``). Roles ask
these views; they never recompute what the model knows.

Controller-side code only: it is imported by filter and action plugins, the
validation CLI and the tests, never shipped to managed hosts.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ansible_collections.sitekit.core.plugins.plugin_utils.site.hostvars_facts import HostFacts, SiteFacts

# Keys that are facts of one host; every other site_* key is a fact of the site.
HOST_KEYS = ("site_vlan", "site_ip", "vm", "switch", "router", "pve_node")
# Ansible's magic variables: no inventory declares them (get_vars gives them to every host).
MAGIC_VARS = frozenset({
    "groups", "group_names", "inventory_dir", "inventory_file", "inventory_hostname", "inventory_hostname_short",
    "playbook_dir", "omit", "hostvars", "environment", "role_names", "play_hosts", "ansible_play_hosts",
})


@dataclass(frozen=True)
class Vlan:
    id: int
    name: str
    subnet: ipaddress.IPv4Network
    role: str


@dataclass
class Host:
    name: str
    vars: dict
    groups: list[str] = field(default_factory=list)
    ansible: dict = field(default_factory=dict)  # the host's effective ansible_* variables (connection)

    def get(self, key: str, default: Any = None) -> Any:
        return self.vars.get(key, default)


class Site:
    """The site as declared: site-wide facts, hosts and groups."""

    def __init__(self, site_vars: dict, hosts: dict[str, Host], groups: dict[str, list[str]], source: str = ""):
        self.vars = site_vars
        self.hosts = hosts
        self.groups = groups
        self.source = source
        # Filled by loader.load_site: where each declaration is (sources.Sources), what could not be
        # read (problems reported first by registry.validate), and whether an inventory file was unreadable.
        self.sources = None
        self.load_problems: list = []
        self.broken = False
        # A host or group named like a path, or a vars directory without end (loader_guard.py): refused even where
        # an inventory that declares no site is let through, as Ansible's own reading would not end.
        self.unsafe_to_read = False
        # Set by registry.validate(warnings=False): a check whose finding can only be a warning may be left out.
        self.errors_only = False

    # ---- construction -------------------------------------------------------------
    @classmethod
    def from_hostvars(cls, hostvars: Any, groups: dict, site_keys: tuple | None = None,
                      host_keys: tuple | None = None) -> Site:
        """Build from a play's ``hostvars`` and ``groups`` (inside filters and actions).

        With ``site_keys`` only those site variables are read: a view that never touches
        ``vault_*`` values renders without the vault password (check mode, tests).
        """
        names = [h for h in groups.get("all", [])]
        host_keys = HOST_KEYS if host_keys is None else host_keys
        member_of: dict[str, list[str]] = {name: [] for name in names}  # one pass over the groups, not one per host
        for group, members in sorted(groups.items()):
            if group != "all":
                for member in dict.fromkeys(members):
                    member_of.setdefault(member, []).append(group)
        # Read when a view first asks: hostvars[name] computes every variable of that host, and a view reads a few
        # hosts of the site (a Debian server's firewall: itself, the archive servers, the routers).
        hosts = {name: Host(name, HostFacts(hostvars, name, host_keys), member_of[name]) for name in names}
        site_vars = SiteFacts(hostvars, names[0], site_keys, HOST_KEYS) if names and (site_keys is None or site_keys) else {}
        return cls(site_vars, hosts, {g: list(m) for g, m in groups.items()})

    # ---- plain accessors ----------------------------------------------------------
    def group(self, name: str) -> list[str]:
        return list(self.groups.get(name, []))

    def in_group(self, host: str, group: str) -> bool:
        return host in self.groups.get(group, [])

    @cached_property
    def vlans(self) -> list[Vlan]:
        """The VLAN plan; entries that do not parse are left to validation to report."""
        out = []
        declared = self.vars.get("site_vlans")
        # Not a list (e.g. `site_vlans: true`): the schema reports it; the plan is empty, never a crash.
        for item in declared if isinstance(declared, list) else []:
            try:
                out.append(Vlan(int(item["id"]), str(item["name"]), ipaddress.IPv4Network(str(item["subnet"])), str(item.get("role", ""))))
            except (KeyError, TypeError, ValueError):
                continue
        return out

    def vlan(self, vlan_id: int) -> Vlan | None:
        return next((v for v in self.vlans if v.id == vlan_id), None)

    def vlan_for_role(self, role: str) -> list[Vlan]:
        return [v for v in self.vlans if v.role == role]

    def subnets_for_roles(self, roles: list[str]) -> list[str]:
        return [str(v.subnet) for v in self.vlans if v.role in roles]

    def host_ip(self, host: str) -> ipaddress.IPv4Address | None:
        try:
            return ipaddress.IPv4Address(str(self.hosts[host].get("site_ip")))
        except (KeyError, ValueError):
            return None

    def host_interface(self, host: str) -> ipaddress.IPv4Interface | None:
        """``192.0.2.21/24``: the host's address with its VLAN's prefix."""
        ip, vlan = self.host_ip(host), self.vlan(self.hosts[host].get("site_vlan"))
        if ip is None or vlan is None:
            return None
        return ipaddress.IPv4Interface(f"{ip}/{vlan.subnet.prefixlen}")

    def group_ips(self, group: str) -> list[str]:
        return [str(ip) for ip in (self.host_ip(h) for h in self.group(group)) if ip is not None]

    # ---- gateways ----------------------------------------------------------------------
    def _nth(self, vlan_id: int, n: int) -> ipaddress.IPv4Address | None:
        vlan = self.vlan(vlan_id)
        if vlan is None or not 0 < n < vlan.subnet.num_addresses - 1:
            return None
        return vlan.subnet.network_address + n

    def gateway(self, vlan_id: int) -> ipaddress.IPv4Address | None:
        """The GLBP virtual address of a VLAN: every host's default gateway."""
        return self._nth(vlan_id, int((self.vars.get("site_glbp") or {}).get("virtual_host", 1)))

    def router_address(self, vlan_id: int, router_role: str) -> ipaddress.IPv4Address | None:
        """The address of the primary or secondary router in a VLAN."""
        glbp = self.vars.get("site_glbp") or {}
        host = (glbp.get(router_role) or {}).get("host")
        return self._nth(vlan_id, int(host)) if host is not None else None

    def reserved_hosts(self) -> dict[int, str]:
        """Host numbers every VLAN reserves: the virtual gateway and the two routers."""
        glbp = self.vars.get("site_glbp") or {}
        out = {int(glbp.get("virtual_host", 1)): "GLBP virtual gateway"}
        for role in ("primary", "secondary"):
            host = (glbp.get(role) or {}).get("host")
            if host is not None:
                out[int(host)] = f"{role} router"
        return out

    # ---- tiers -----------------------------------------------------------------------
    @property
    def vms(self) -> dict[str, dict]:
        return {h: self.hosts[h].get("vm") for h in self.group("proxmox_vms") if h in self.hosts}

    @property
    def proxmox_nodes(self) -> list[str]:
        return self.group("proxmox_nodes")

    def infra_ips(self, key: str) -> list[str]:
        """Addresses of an infrastructure service named in site_infra (``ntp`` → DC addresses)."""
        infra = self.vars.get("site_infra") or {}
        if f"{key}_hosts_group" in infra:
            return self.group_ips(infra[f"{key}_hosts_group"])
        if f"{key}_host" in infra:
            ip = self.host_ip(infra[f"{key}_host"])
            return [str(ip)] if ip else []
        return []
