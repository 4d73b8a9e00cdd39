"""Rules of the site as a whole: its time zone, its times and service levels, the proxy against Cegid's needs.

Times are read with ``timing`` (the module every tier asks), so a window validation accepts is
the window the Proxmox backup job and Windows Update use.
"""

from __future__ import annotations

import functools

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError, problem
from ansible_collections.sitekit.core.plugins.plugin_utils.site.rulebook import dig, rule
from ansible_collections.sitekit.core.plugins.plugin_utils.site.timing import DAYS, maintenance_windows, minutes
from ansible_collections.sitekit.core.plugins.plugin_utils.site.wording import suggest


@rule("time-zone", "site_timezone is a time zone of the IANA database (what timedatectl and Windows accept)")
def time_zone(site: Site):
    import zoneinfo

    zone = site.vars.get("site_timezone")
    if not isinstance(zone, str) or not zone:
        return
    try:
        zoneinfo.ZoneInfo(str(zone))
        return
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        pass
    zones = _zones()
    if zones:  # no tz database on this machine: nothing to check against
        yield problem("time-zone", "site_timezone", f"{zone!r} is not a time zone of the IANA database"
                      f"{suggest(zone, sorted(zones), 0.8)}", value=zone)


@functools.lru_cache(maxsize=1)
def _zones() -> frozenset:
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


def _business(site: Site):
    hours = site.vars.get("site_business_hours")
    if not isinstance(hours, dict):
        return None
    try:
        start = minutes(hours.get("start"), "site_business_hours.start")
        end = minutes(hours.get("end"), "site_business_hours.end", allow_24=True)
    except SiteError:
        return None
    days = [d for d in hours.get("days") or DAYS if d in DAYS]
    return hours, start, end, days


@rule("business-hours", "business hours start before they end; a maintenance window (reboots, failovers) inside them "
      "is a warning (SITE-SPEC §7: 99 % availability 07:00-20:00 Mon-Fri)")
def business_hours(site: Site):
    found = _business(site)
    if found is None:
        return
    hours, start, end, days = found
    if start >= end:
        yield problem("business-hours", "site_business_hours.end", f"business hours {hours.get('start')}-{hours.get('end')} "
                      "end before they start", value=hours.get("end"))
        return
    try:
        windows = maintenance_windows(site.vars)
    except SiteError:
        return  # the maintenance rule reports the window it cannot read
    raw = site.vars.get("site_maintenance_windows") or []
    for i, window in enumerate(windows):
        clash = next(((d, t) for d in days for t in range(start, end) if window.contains(d, t)), None)
        if clash:
            day, at = clash
            yield problem("business-hours", f"site_maintenance_windows[{i}]", f"window {window.name} is open on {day} at "
                          f"{at // 60:02d}:{at % 60:02d}, inside business hours ({hours.get('start')}-{hours.get('end')}): "
                          "disruptive steps (reboots, failovers) would be allowed while people work",
                          value=dig(raw, [i, "start"]), fallback=dig(raw, [i]), severity="warning")


@rule("sla", "service levels have distinct priorities and a more urgent priority never gets more time (seed 003: "
      "major H+4, serious H+6, minor J+1)")
def sla(site: Site):
    items = [s for s in site.vars.get("site_sla") or [] if isinstance(s, dict)]
    seen: dict = {}
    for i, item in enumerate(items):
        prio = item.get("priority")
        if isinstance(prio, int) and prio in seen:
            yield problem("sla", f"site_sla[{i}].priority", f"priority {prio} is also {seen[prio]}'s", value=prio)
        seen.setdefault(prio, item.get("name"))
    ranked = sorted((s for s in items if isinstance(s.get("priority"), int) and isinstance(s.get("resolve_hours"), (int, float))),
                    key=lambda s: -s["priority"])
    for urgent, lesser in zip(ranked, ranked[1:], strict=False):
        if urgent["resolve_hours"] > lesser["resolve_hours"]:
            i = items.index(urgent)
            yield problem("sla", f"site_sla[{i}].resolve_hours", f"{urgent.get('name')} (priority {urgent['priority']}) "
                          f"gets {urgent['resolve_hours']} h, more than {lesser.get('name')} (priority "
                          f"{lesser['priority']}, {lesser['resolve_hours']} h)", value=urgent["resolve_hours"])


def _matches(blocked: str, domain: str) -> bool:
    """Squid dstdomain: ``.example.com`` matches example.com and its subdomains, ``example.com`` only itself."""
    blocked, domain = blocked.lower().rstrip("."), domain.lower().lstrip(".").rstrip(".")
    if blocked.startswith("."):
        return domain == blocked[1:] or domain.endswith(blocked)
    return domain == blocked


@rule("proxy", "the proxy never blocks a Cegid vendor domain (seed 000: declaration portal, TeamViewer support, "
      "updates) and serves VLAN roles the plan has")
def proxy(site: Site):
    proxy_vars = site.vars.get("site_proxy") if isinstance(site.vars.get("site_proxy"), dict) else {}
    vendor = [d for d in dig(site.vars, ["site_cegid", "vendor_domains"]) or [] if isinstance(d, str)]
    for i, blocked in enumerate(proxy_vars.get("blocked_domains") or []):
        if not isinstance(blocked, str):
            continue
        hit = [d for d in vendor if _matches(blocked, d) or _matches(f".{d}", blocked.lstrip("."))]
        if hit:
            yield problem("proxy", f"site_proxy.blocked_domains[{i}]", f"{blocked} blocks the Cegid vendor domain(s) "
                          f"{', '.join(hit)} (site_cegid.vendor_domains): Cegid's portal, remote support or updates "
                          "need them", value=blocked)
    roles = {v.role for v in site.vlans}
    for i, role in enumerate(proxy_vars.get("allowed_vlan_roles") or []):
        if isinstance(role, str) and site.vlans and role not in roles:
            yield problem("proxy", f"site_proxy.allowed_vlan_roles[{i}]", f"no VLAN has role {role!r}: the proxy would "
                          "serve no client of it", value=role)
