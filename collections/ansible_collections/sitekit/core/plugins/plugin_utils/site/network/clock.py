"""Time zone: IOS `clock timezone` and `clock summer-time … recurring` from the tz database."""

from __future__ import annotations

import datetime
import functools
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.data import Clock
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.names import NetworkModelError

_WEEK = {1: "1", 2: "2", 3: "3", 4: "4"}


def _transitions(zone: ZoneInfo, year: int) -> list[datetime.datetime]:
    """UTC instants (to the minute) where the zone's offset changes during ``year``."""
    out = []
    t = datetime.datetime(year, 1, 1, tzinfo=datetime.UTC)
    step = datetime.timedelta(days=1)  # no zone changes its offset twice within a day; bisect to the minute
    while t.year == year:
        if t.astimezone(zone).utcoffset() != (t + step).astimezone(zone).utcoffset():
            lo, hi = t, t + step
            while hi - lo > datetime.timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                lo, hi = (mid, hi) if mid.astimezone(zone).utcoffset() == lo.astimezone(zone).utcoffset() else (lo, mid)
            out.append(hi)
        t += step
    return out


def _recurrence(local: datetime.datetime) -> str:
    """``last Sun Mar 2:00`` for a local transition time (IOS `clock summer-time … recurring`)."""
    week = "last" if (local + datetime.timedelta(days=7)).month != local.month else _WEEK[(local.day - 1) // 7 + 1]
    return f"{week} {local.strftime('%a')} {local.strftime('%b')} {local.hour}:{local.minute:02d}"


@functools.lru_cache(maxsize=64)  # a pure function of (zone, year), asked once per device and validation
def clock(name: str, year: int = 2025) -> Clock:
    """IOS time-zone lines of a tz database zone (``summer`` None without DST).

    IOS reads the start of summer time in standard time and its end in summer time
    (``clock summer-time CEST recurring last Sun Mar 2:00 last Sun Oct 3:00`` for Europe/Paris)."""
    try:
        zone = ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise NetworkModelError(f"time zone {name!r} is not in the tz database", key="site_timezone", value=name) from None
    samples = [datetime.datetime(year, m, 15, 12, tzinfo=zone) for m in (1, 7)]
    standard = next((t for t in samples if not t.dst()), samples[0])
    offset = int(standard.utcoffset().total_seconds() // 60)
    summer_time = None
    changes = _transitions(zone, year)
    if len(changes) == 2:
        start, end = sorted(changes, key=lambda t: bool(t.astimezone(zone).dst()), reverse=True)
        summer = start.astimezone(zone)
        begins = (start + standard.utcoffset()).replace(tzinfo=None)
        ends = (end + summer.utcoffset()).replace(tzinfo=None)
        shift = int((summer.utcoffset() - standard.utcoffset()).total_seconds() // 60)
        summer_time = f"{summer.tzname()} recurring {_recurrence(begins)} {_recurrence(ends)}" + \
            (f" {shift}" if shift != 60 else "")
    return Clock(zone=standard.tzname(), hours=int(offset / 60), minutes=abs(offset) % 60, summer=summer_time)

