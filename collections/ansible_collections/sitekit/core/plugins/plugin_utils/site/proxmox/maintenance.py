"""Pending VM changes are applied by a reboot only inside a maintenance window: is this moment inside one?"""

from __future__ import annotations

import datetime
import zoneinfo

from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError
from ansible_collections.sitekit.core.plugins.plugin_utils.site.proxmox.data import MaintenanceNow
from ansible_collections.sitekit.core.plugins.plugin_utils.site.timing import DAYS, in_window, maintenance_windows


def maintenance_now(site, now: datetime.datetime | None = None) -> MaintenanceNow:
    """Whether ``now`` (default: this moment) falls inside a maintenance window, in the site's time zone
    (``site_timezone``, else the controller's): pending VM changes are applied by a reboot only then.
    The windows are read and evaluated by timing.py, like every other window of the site."""
    tz_name = site.vars.get("site_timezone")
    try:
        tz = zoneinfo.ZoneInfo(tz_name) if tz_name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise SiteError(f"unknown time zone {tz_name!r}", key="site_timezone", value=tz_name) from None
    moment = (now or datetime.datetime.now(datetime.UTC)).astimezone(tz)
    day, hhmm = DAYS[moment.weekday()], moment.strftime("%H:%M")
    windows = maintenance_windows(site.vars)
    inside = in_window(windows, day, hhmm)
    return MaintenanceNow(inside=inside, at=f"{day} {hhmm} {tz_name or 'controller time'}",
                          windows=tuple(w.name for w in windows if in_window([w], day, hhmm)))
