"""The file servers (SITE-SPEC §3: "previous versions" switched on): shares with their rights by AD
group, and Volume Shadow Copies of the data volume on the hosts that declare them."""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.timing import DAYS, minutes
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.data import (
    FileServer,
    ShadowCopies,
    Share,
    WeeklyTrigger,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.names import (
    WindowsPlanError,
    domain_name,
    windows_vars,
)

# SYSTEM and Administrators keep Full Control on every share folder, by SID (language-neutral).
ADMIN_SIDS = ("S-1-5-18", "S-1-5-32-544")
# Task Scheduler's weekly trigger takes the days as names (win_scheduled_task `days_of_week`).
DAY_NAMES = dict(zip(DAYS, ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"), strict=True))


def file_server(site: Site, host: str) -> FileServer:
    """What the file server role applies on ``host``: its shares (share and NTFS rights by AD group,
    nothing for Everyone) and, when ``vm.shadow_copies`` is true, the shadow copies of the data volume."""
    if host not in site.group("file_servers"):
        raise WindowsPlanError(f"{host} is not in the group file_servers", host=host)
    config = windows_vars(site).get("file_server") or {}
    volume = str(config.get("data_volume") or "").upper()
    if not volume:
        raise WindowsPlanError("a file server needs site_windows.file_server.data_volume (the drive of its data disk)",
                               key="site_windows.file_server", host=host)
    shares = []
    for i, share in enumerate(config.get("shares") or []):
        if not str(share["path"]).upper().startswith(volume + "\\"):
            raise WindowsPlanError(f"share {share['name']} is not on the data volume {volume} (its shadow copies "
                                   "would not cover it)", key=f"site_windows.file_server.shares[{i}].path",
                                   value=share["path"], host=host)
        change = [domain_name(site, g) for g in share.get("change") or []]
        read = [domain_name(site, g) for g in share.get("read") or [] if domain_name(site, g) not in change]
        if not change and not read:
            raise WindowsPlanError(f"share {share['name']} gives access to no group", host=host,
                                   key=f"site_windows.file_server.shares[{i}]", value=share)
        shares.append(Share(name=share["name"], path=share["path"], description=share.get("description", ""),
                            share_change=tuple(change), share_read=tuple(read), ntfs_modify=tuple(change),
                            ntfs_read=tuple(read), ntfs_full_sids=ADMIN_SIDS))
    vm = site.hosts[host].get("vm") or {}
    shadow = None
    if vm.get("shadow_copies"):
        plan = config.get("shadow_copies") or {}
        if not plan:
            raise WindowsPlanError(f"{host} declares vm.shadow_copies but site_windows.file_server.shadow_copies has no "
                                   "schedule", key="vm.shadow_copies", host=host, value=True)
        for time in plan["times"]:
            minutes(time, "site_windows.file_server.shadow_copies.times")
        days = tuple(DAY_NAMES[d] for d in plan["days"])
        times = tuple(sorted(plan["times"]))
        shadow = ShadowCopies(volume=volume, max_size_percent=int(plan["max_size_percent"]), days=days, times=times,
                              task_name=f"sitekit-shadow-copy-{volume[0]}",
                              # win_scheduled_task triggers: weekly on the days, one per time (the date is only a start)
                              triggers=tuple(WeeklyTrigger(type="weekly", weeks_interval=1, days_of_week=days,
                                                           start_boundary=f"2026-01-01T{time}:00") for time in times))
    return FileServer(data_volume=volume, shares=tuple(shares), shadow_copies=shadow)
