"""Active Directory services: DHCP scopes, reverse zones, Windows Update rings, the daily shutdown GPO, groups."""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.timing import (
    DAYS,
    days_outside,
    maintenance_windows,
    minutes,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.data import (
    AdGroup,
    DhcpScope,
    ShutdownTask,
    UpdateRing,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.names import (
    WindowsPlanError,
    cegid_vars,
    directory,
    domain_name,
    windows_vars,
)


def dhcp_scopes(site: Site) -> tuple[DhcpScope, ...]:
    """One scope per `clients` VLAN: range, router (GLBP virtual gateway), DNS = domain controllers."""
    dhcp = windows_vars(site).get("dhcp") or {}
    first, last = int(dhcp.get("range_first_host", 50)), int(dhcp.get("range_last_host", 250))
    reserved = site.reserved_hosts()
    dns = site.infra_ips("dns")
    scopes = []
    for vlan in site.vlan_for_role("clients"):
        if not 0 < first <= last < vlan.subnet.num_addresses - 1:
            raise WindowsPlanError(f"DHCP range .{first}-.{last} does not fit VLAN {vlan.id} {vlan.subnet}",
                                   key="site_windows.dhcp.range_last_host", value=dhcp.get("range_last_host"))
        clash = sorted(n for n in reserved if first <= n <= last)
        if clash:
            raise WindowsPlanError(f"DHCP range .{first}-.{last} of VLAN {vlan.id} contains reserved host(s) "
                                   f"{', '.join(f'.{n} ({reserved[n]})' for n in clash)}",
                                   key="site_windows.dhcp.range_first_host", value=dhcp.get("range_first_host"))
        scopes.append(DhcpScope(name=f"VLAN{vlan.id}-{vlan.name}", vlan=vlan.id, scope_id=str(vlan.subnet.network_address),
                                subnet_mask=str(vlan.subnet.netmask), start=str(vlan.subnet.network_address + first),
                                end=str(vlan.subnet.network_address + last), router=str(site.gateway(vlan.id)),
                                dns_servers=tuple(dns), dns_domain=site.vars.get("site_domain"),
                                lease_hours=int(dhcp.get("lease_hours", 8))))
    return tuple(scopes)


def reverse_zones(site: Site) -> tuple[str, ...]:
    """Reverse lookup zone of every VLAN, on an octet boundary (``10.0.10.in-addr.arpa`` for a /24)."""
    zones = []
    for vlan in site.vlans:
        octets = max(1, vlan.subnet.prefixlen // 8)
        zone = ".".join(reversed(str(vlan.subnet.network_address).split(".")[:octets])) + ".in-addr.arpa"
        if zone not in zones:
            zones.append(zone)
    return tuple(zones)


def update_ring(site: Site, host: str) -> UpdateRing:
    """The Windows Update ring of a host: the pilot ring is the second host of each redundant group."""
    win = windows_vars(site)
    rings = {r["name"]: r for r in win.get("update_rings") or []}
    pilot = next((r for r in rings.values() if r.get("selection") == "second_of_each_group"), None)
    others = next((r for r in rings.values() if r.get("selection") == "others"), None)
    if pilot is None or others is None:
        raise WindowsPlanError("site_windows.update_rings needs one ring with selection second_of_each_group and one with others")
    windows_hosts = set(site.group("windows"))
    seconds = set()
    for group, members in site.groups.items():
        members = [m for m in members if m in windows_hosts]
        if group not in ("all", "windows", "rds", "proxmox_vms", "ungrouped") and len(members) >= 2 and len(members) == len(site.group(group)):
            seconds.add(sorted(members)[1])
    ring = pilot if host in seconds else others
    return UpdateRing(name=ring["name"], pilot=ring is pilot, defer_quality_days=int(ring.get("defer_quality_days", 0)),
                      defer_feature_days=int(ring.get("defer_feature_days", 0)),
                      install_hour=int(win.get("update_install_hour", 3)), wsus_url=win.get("wsus_url"))


def _update_time(site: Site) -> str:
    return f"{int(windows_vars(site).get('update_install_hour', 3)):02d}:00"


def update_install_in_window(site: Site) -> bool:
    """True when update_install_hour falls in a maintenance window on every day (reboots may follow)."""
    return not days_outside(maintenance_windows(site.vars), list(DAYS), _update_time(site))


def check_update_hour(site: Site) -> None:
    """Windows Update installs (and may reboot) inside a maintenance window every day, or this raises."""
    outside = days_outside(maintenance_windows(site.vars), list(DAYS), _update_time(site))
    if outside:
        value = windows_vars(site).get("update_install_hour")
        raise WindowsPlanError(f"updates at {_update_time(site)} would install (and reboot) outside every maintenance "
                               f"window on {', '.join(outside)}", key="site_windows.update_install_hour", value=value)


SHUTDOWN_NEVER = ("servers", "service_accounts", "groups")  # purposes whose OUs hold no workstation


def shutdown_task(site: Site) -> ShutdownTask:
    """The GPO scheduled task that shuts workstations and thin clients down (site_client_shutdown_time).

    The GPO is linked to the OUs of ``target_purposes``; a server's OU is refused (servers never shut
    down at 20:00). ``new_computers_ou`` is the domain's default computer container (redircmp): a
    workstation joined by hand lands in a linked OU, so the GPO reaches it.
    """
    gpo = windows_vars(site).get("shutdown_gpo") or {}
    time = site.vars.get("site_client_shutdown_time") or "20:00"
    hh, mm = divmod(minutes(time, "site_client_shutdown_time"), 60)
    warning = int(gpo.get("warning_seconds", 300))
    ou = directory(site).ou
    purposes = list(gpo.get("target_purposes") or [])
    for purpose in purposes:
        if purpose in SHUTDOWN_NEVER:
            raise WindowsPlanError(f"the shutdown GPO may not target the OU of {purpose!r}: its computers must not shut down "
                                   f"at {time}", key="site_windows.shutdown_gpo.target_purposes", value=gpo)
        if purpose not in ou:
            raise WindowsPlanError(f"no OU has the purpose {purpose!r} (site_windows.ous): the shutdown GPO cannot be linked",
                                   key="site_windows.shutdown_gpo.target_purposes", value=gpo)
    new_computers = windows_vars(site).get("new_computers")
    if new_computers is not None and new_computers not in purposes:
        raise WindowsPlanError(f"new computers go to the OU of {new_computers!r}, which the shutdown GPO is not linked to: "
                               "a workstation joined by hand would never shut down", key="site_windows.new_computers",
                               value=new_computers)
    return ShutdownTask(gpo_name=gpo.get("name", "Daily shutdown"), time=f"{int(hh):02d}:{int(mm):02d}:00",
                        target_ous=tuple(ou[p] for p in purposes),
                        new_computers_ou=ou.get(new_computers) if new_computers else None,
                        command="%windir%\\System32\\shutdown.exe",
                        arguments=f'/s /f /t {warning} /c "Arret quotidien a {time} (GPO sitekit)"', warning_seconds=warning)


def ad_groups(site: Site) -> tuple[AdGroup, ...]:
    """Every security group ad_domain creates, with its members: the site's admin groups, the Cegid
    users' and administrators' groups, the file shares' groups. A member is a name or a RID of the
    domain (``{rid: 500}``: the built-in Administrator, whose name depends on the install language)."""
    out: dict[str, dict] = {}

    def add(name, members=()):
        entry = out.setdefault(str(name), {"name": str(name), "members": [], "member_rids": []})
        for member in members:
            if isinstance(member, dict):
                entry["member_rids"].append(int(member["rid"]))
            else:
                entry["members"].append(str(member))

    for group in (windows_vars(site).get("groups") or {}).values():
        add(group["name"], group.get("members") or [])
    cegid = cegid_vars(site)
    for key in ("users_group", "administrators_group"):
        if cegid.get(key):
            add(cegid[key])
    for share in ((windows_vars(site).get("file_server") or {}).get("shares") or []):
        for group in (share.get("change") or []) + (share.get("read") or []):
            add(group)
    return tuple(AdGroup(name=g["name"], members=tuple(g["members"]), member_rids=tuple(g["member_rids"]))
                 for g in out.values())


def local_admin_groups(site: Site, host: str) -> tuple[str, ...]:
    """AD groups (``NETBIOS\\name``) put in the local Administrators group of ``host`` (``local_admin_on``)."""
    out = []
    for key, group in (windows_vars(site).get("groups") or {}).items():
        for inventory_group in group.get("local_admin_on") or []:
            if inventory_group not in site.groups:
                raise WindowsPlanError(f"group {inventory_group!r} is not in the inventory",
                                       key=f"site_windows.groups.{key}.local_admin_on", value=inventory_group)
            if host in site.group(inventory_group) and domain_name(site, group["name"]) not in out:
                out.append(domain_name(site, group["name"]))
    return tuple(out)
