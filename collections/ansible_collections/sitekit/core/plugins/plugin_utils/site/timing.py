"""Times of day and maintenance windows: parsed and compared here, and nowhere else.

Validation, the Proxmox backup job, Windows Update hours and the lab all ask this module
whether a time falls inside ``site_maintenance_windows`` (SITE-SPEC §7), so they cannot
disagree. A window whose start equals its end is refused: ``00:00–00:00`` could mean
"never" or "all day"; a whole day is written ``00:00–24:00``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")


def minutes(hhmm: Any, key: str = "time", allow_24: bool = False) -> int:
    """``"20:30"`` → 1230; ``"24:00"`` only where ``allow_24`` (the end of a day)."""
    text = str(hhmm)
    if allow_24 and text == "24:00":
        return 24 * 60
    m = _HHMM.match(text) if isinstance(hhmm, str) else None
    if m is None:
        hint = " (quote it: YAML reads an unquoted 20:00 as a number)" if isinstance(hhmm, int) else ""
        raise SiteError(f"{hhmm!r} is not a time of day HH:MM{hint}", key=key, value=hhmm)
    return int(m.group(1)) * 60 + int(m.group(2))


@dataclass(frozen=True)
class Window:
    """A maintenance window: on each of ``days``, from ``start`` to ``end`` (minutes; may cross midnight)."""

    name: str
    days: tuple[str, ...]
    start: int
    end: int

    @property
    def crosses_midnight(self) -> bool:
        return self.end < self.start

    def contains(self, day: str, at: int) -> bool:
        if not self.crosses_midnight:
            return day in self.days and self.start <= at < self.end
        previous = DAYS[(DAYS.index(day) - 1) % 7]  # the morning belongs to the window of the day before
        return (day in self.days and at >= self.start) or (previous in self.days and at < self.end)


def maintenance_windows(site_vars: dict) -> list[Window]:
    """``site_maintenance_windows`` parsed; a window that cannot be read raises SiteError."""
    raw = site_vars.get("site_maintenance_windows") or []
    out = []
    for i, item in enumerate(raw):
        key = f"site_maintenance_windows[{i}]"
        if not isinstance(item, dict):
            raise SiteError("a window is a mapping with name, days, start and end", key=key, value=item)
        start = minutes(item.get("start"), f"{key}.start")
        end = minutes(item.get("end"), f"{key}.end", allow_24=True)
        if start == end:
            raise SiteError(f"window {item.get('start')}–{item.get('end')} starts when it ends: write 00:00–24:00 "
                            "for a whole day", key=f"{key}.end", value=item.get("end"))
        days = tuple(item.get("days") or DAYS)
        unknown = [d for d in days if d not in DAYS]
        if unknown:
            raise SiteError(f"unknown day(s) {unknown}: use {list(DAYS)}", key=f"{key}.days", value=item.get("days"))
        out.append(Window(str(item.get("name", i)), days, start, end))
    return out


def in_window(windows: list[Window], day: str, hhmm: Any, key: str = "time") -> bool:
    """True when ``day`` at ``hhmm`` falls inside one of ``windows``."""
    at = minutes(hhmm, key)
    return any(w.contains(day, at) for w in windows)


def days_outside(windows: list[Window], days: list[str], hhmm: Any, key: str = "time") -> list[str]:
    """The days of ``days`` on which ``hhmm`` is outside every window."""
    return [d for d in days if not in_window(windows, d, hhmm, key)]
