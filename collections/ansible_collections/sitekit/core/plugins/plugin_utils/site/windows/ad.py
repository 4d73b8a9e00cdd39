"""Active Directory services: DHCP scopes, reverse zones, Windows Update rings, the daily shutdown GPO."""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.timing import (
    DAYS,
    days_outside,
    maintenance_windows,
    minutes,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.names import (
    WindowsPlanError,
    ou_dn,
    windows_vars,
)


def dhcp_scopes(site: Site) -> list[dict]:
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
        scopes.append({"name": f"VLAN{vlan.id}-{vlan.name}", "vlan": vlan.id, "scope_id": str(vlan.subnet.network_address),
                       "subnet_mask": str(vlan.subnet.netmask), "start": str(vlan.subnet.network_address + first),
                       "end": str(vlan.subnet.network_address + last), "router": str(site.gateway(vlan.id)),
                       "dns_servers": dns, "dns_domain": site.vars.get("site_domain"),
                       "lease_hours": int(dhcp.get("lease_hours", 8))})
    return scopes


def reverse_zones(site: Site) -> list[str]:
    """Reverse lookup zone of every VLAN, on an octet boundary (``10.0.10.in-addr.arpa`` for a /24)."""
    zones = []
    for vlan in site.vlans:
        octets = max(1, vlan.subnet.prefixlen // 8)
        zone = ".".join(reversed(str(vlan.subnet.network_address).split(".")[:octets])) + ".in-addr.arpa"
        if zone not in zones:
            zones.append(zone)
    return zones


def update_ring(site: Site, host: str) -> dict:
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
    return {"name": ring["name"], "pilot": ring is pilot, "defer_quality_days": int(ring.get("defer_quality_days", 0)),
            "defer_feature_days": int(ring.get("defer_feature_days", 0)),
            "install_hour": int(win.get("update_install_hour", 3)), "wsus_url": win.get("wsus_url")}


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


def shutdown_task(site: Site) -> dict:
    """The GPO scheduled task that shuts workstations and thin clients down (site_client_shutdown_time)."""
    gpo = windows_vars(site).get("shutdown_gpo") or {}
    time = site.vars.get("site_client_shutdown_time") or "20:00"
    hh, mm = divmod(minutes(time, "site_client_shutdown_time"), 60)
    warning = int(gpo.get("warning_seconds", 300))
    return {"gpo_name": gpo.get("name", "Daily shutdown"), "time": f"{int(hh):02d}:{int(mm):02d}:00",
            "target_ous": [ou_dn(site, ou) for ou in gpo.get("target_ous") or []], "command": "%windir%\\System32\\shutdown.exe",
            "arguments": f'/s /f /t {warning} /c "Arret quotidien a {time} (GPO sitekit)"', "warning_seconds": warning}
