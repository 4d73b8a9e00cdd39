"""Calendar events (``schedule`` of backup jobs) parsed as PVE parses them.

PVE's pve-common src/PVE/CalendarEvent.pm parse_calendar_event trims the text, refuses an empty
one and hands it to the Rust parser of proxmox-time (proxmox-rs proxmox-time/src/
calendar_event.rs parse_calendar_event_incomplete, parse_time_spec, parse_date_spec,
parse_date_time_comp(_list); parse_helpers.rs parse_time_comp, parse_complete_line; week_days.rs
parse_weekday(s_range)). The grammar has not changed between proxmox-time 2.0 (PVE 8.4) and 2.1
(PVE 9.1, commit 62973c4a). The nom combinators' backtracking is reproduced: ``opt`` and
``separated_list1`` give back their input on an error, the other errors propagate.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass, field


class NomError(Exception):
    """A nom Err::Error: the input where it happened and the error kind (Rust Debug form)."""

    def __init__(self, rest: str, kind: str):
        super().__init__(rest, kind)
        self.rest, self.kind = rest, kind


def _context(rest, text):
    return NomError(rest, f'Context("{text}")')


@dataclass(frozen=True)
class Value:
    """DateTimeValue: Single(v) = (v, v, None); Range(a, b); Repeated(start, step, end)."""
    start: int
    end: int | None
    step: int | None = None

    def matches(self, v: int) -> bool:
        if self.step is None:
            return self.start <= v <= self.end
        return v >= self.start and (v - self.start) % self.step == 0 and (self.end is None or v <= self.end)


@dataclass
class Event:
    days: set = field(default_factory=set)        # weekday numbers 0 = Monday; empty = every day
    year: list = field(default_factory=list)      # empty list = every value
    month: list = field(default_factory=list)
    day: list = field(default_factory=list)
    hour: list = field(default_factory=list)
    minute: list = field(default_factory=list)
    second: list = field(default_factory=list)
    utc: bool = False


_SINGLE0 = [Value(0, 0)]
_KEYWORDS = {
    "minutely": {"second": _SINGLE0},
    "hourly": {"minute": _SINGLE0, "second": _SINGLE0},
    "daily": {"hour": _SINGLE0, "minute": _SINGLE0, "second": _SINGLE0},
    "weekly": {"hour": _SINGLE0, "minute": _SINGLE0, "second": _SINGLE0, "days": {0}},
    "monthly": {"hour": _SINGLE0, "minute": _SINGLE0, "second": _SINGLE0, "day": [Value(1, 1)]},
    "yearly": {"hour": _SINGLE0, "minute": _SINGLE0, "second": _SINGLE0, "day": [Value(1, 1)], "month": [Value(1, 1)]},
    "quarterly": {"hour": _SINGLE0, "minute": _SINGLE0, "second": _SINGLE0, "day": [Value(1, 1)],
                  "month": [Value(m, m) for m in (1, 4, 7, 10)]},
    "semiannually": {"hour": _SINGLE0, "minute": _SINGLE0, "second": _SINGLE0, "day": [Value(1, 1)],
                     "month": [Value(1, 1), Value(7, 7)]},
}
_KEYWORDS["annually"] = _KEYWORDS["yearly"]
_KEYWORDS["semi-annually"] = _KEYWORDS["semiannually"]
_WEEKDAYS = {"monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "wednesday": 2, "wed": 2, "thursday": 3, "thu": 3,
             "friday": 4, "fri": 4, "saturday": 5, "sat": 5, "sunday": 6, "sun": 6}


def _time_comp(maximum):
    """parse_helpers.rs parse_time_comp: digits, value below ``maximum``."""
    def parse(i):
        m = re.match(r"[0-9]+", i)
        if not m:
            raise NomError(i, "Nom(Digit)")
        rest = i[m.end():]
        if len(m.group()) > 9 and int(m.group()) > 2**32 - 1:
            raise NomError(i, "Nom(MapRes)")
        value = int(m.group())
        if value >= maximum:
            raise _context(rest, "time value too large")
        return rest, value
    return parse


def _comp(maximum):
    """calendar_event.rs parse_date_time_comp: N, N..M, N/R, N..M/R."""
    def parse(i):
        i, value = _time_comp(maximum)(i)
        if i.startswith(".."):
            try:
                after, end = _time_comp(maximum)(i[2:])
            except NomError:
                after = None
            if after is not None:
                if value > end:
                    raise _context(after, "range start is bigger than end")
                if after.startswith("/"):
                    rest, step = _time_comp(maximum)(after[1:])
                    return rest, Value(value, end, step)
                return after, Value(value, end)
        if i.startswith("/"):
            rest, step = _time_comp(maximum)(i[1:])
            return rest, Value(value, None, step)
        return i, Value(value, value)
    return parse


def _separated_list1(parser, i):
    """nom separated_list1(tag(","), parser): at least one item; stops before a failing item."""
    i, first = parser(i)
    items = [first]
    while i.startswith(","):
        try:
            nxt, item = parser(i[1:])
        except NomError:
            break
        items.append(item)
        i = nxt
    return i, items


def _comp_list(start, maximum):
    """calendar_event.rs parse_date_time_comp_list: ``*``, ``*/R`` or a list of components."""
    def parse(i):
        if i.startswith("*"):
            rest = i[1:]
            if rest.startswith("/"):
                after, step = _time_comp(maximum)(rest[1:])
                if step > 0:
                    return after, [Value(start, None, step)]
            return rest, []
        return _separated_list1(_comp(maximum), i)
    return parse


def _time_spec(i):
    """calendar_event.rs parse_time_spec: [hour:]minute[:second]."""
    hour = []
    try:
        after, parsed = _comp_list(0, 24)(i)
        if after.startswith(":"):
            hour, i = parsed, after[1:]
    except NomError:
        pass
    i, minute = _comp_list(0, 60)(i)
    second = _SINGLE0
    if i.startswith(":"):
        with contextlib.suppress(NomError):
            i, second = _comp_list(0, 60)(i[1:])
    return i, (hour, minute, second)


def _date_spec(i):
    """calendar_event.rs parse_date_spec: year-month-day or month-day."""
    try:
        rest, year = _comp_list(0, 2200)(i)
        rest, month = _dash(rest, _comp_list(1, 13))
        rest, day = _dash(rest, _comp_list(1, 32))
        return rest, (year, month, day)
    except NomError:
        pass
    try:
        rest, month = _comp_list(1, 13)(i)
        rest, day = _dash(rest, _comp_list(1, 32))
        return rest, ([], month, day)
    except NomError:
        raise _context(i, "invalid date spec") from None


def _dash(i, parser):
    if not i.startswith("-"):
        raise NomError(i, "Nom(Tag)")
    return parser(i[1:])


def _weekday(i):
    """week_days.rs parse_weekday."""
    m = re.match(r"[A-Za-z]+", i)
    if not m:
        raise NomError(i, "Nom(Alpha)")
    day = _WEEKDAYS.get(m.group().lower())
    if day is None:
        raise _context(m.group(), "weekday")
    return i[m.end():], day


def _weekdays_range(i):
    """week_days.rs parse_weekdays_range: DAY or DAY..DAY (wrapping over Sunday)."""
    i, start = _weekday(i)
    if i.startswith(".."):
        try:
            rest, end = _weekday(i[2:])
        except NomError:
            return i, {start}
        days = set(range(start, end + 1)) if start <= end else set(range(start, 7)) | set(range(0, end + 1))
        return rest, days
    return i, {start}


def _space0(i):
    return i.lstrip(" \t")


def _parse_incomplete(i: str) -> tuple[str, Event]:
    """calendar_event.rs parse_calendar_event_incomplete."""
    event = Event()
    if i.endswith("UTC"):
        event.utc = True
        i = i[:-3].rstrip(" ")
    has_day = has_date = has_time = False
    if i[:1].isascii() and i[:1].isalpha():
        if i in _KEYWORDS:
            for key, value in _KEYWORDS[i].items():
                setattr(event, key, set(value) if key == "days" else list(value))
            return "", event
        i, ranges = _separated_list1(_weekdays_range, i)
        event.days = set().union(*ranges)
        has_day = True
        i = _space0(i)
    try:
        rest, (event.year, event.month, event.day) = _date_spec(i)
        has_date, i = True, _space0(rest)
    except NomError:
        pass
    try:
        rest, (event.hour, event.minute, event.second) = _time_spec(i)
        has_time, i = True, rest
    except NomError:
        event.hour, event.minute, event.second = list(_SINGLE0), list(_SINGLE0), list(_SINGLE0)
    if not (has_day or has_time or has_date):
        raise _context(i, "date or time specification")
    return i, event


def parse(text: str) -> Event:
    """CalendarEvent.pm parse_calendar_event; raises ValueError with PVE's message."""
    text = text.strip()
    if text == "":
        raise ValueError("unable to parse calendar event - event is empty")
    try:
        rest, event = _parse_incomplete(text)
    except NomError as exc:
        raise ValueError(f"unable to parse calendar event at '{exc.rest}' - {exc.kind}") from None
    if rest != "":  # nom all_consuming
        raise ValueError(f"unable to parse calendar event at '{rest}' - Nom(Eof)")
    return event


def parse_error(text: str) -> str | None:
    try:
        parse(text)
    except ValueError as exc:
        return str(exc)
    return None


def _ok(values, v) -> bool:
    return not values or any(x.matches(v) for x in values)


def next_event(text: str, after: int) -> int | None:
    """The first matching second after ``after`` (epoch), as compute_next_event finds it."""
    event = parse(text)
    tz = dt.UTC if event.utc else None
    start = dt.datetime.fromtimestamp(after + 1, tz)
    for offset in range(0, 366 * 8):
        day = (start + dt.timedelta(days=offset)).date()
        if not (_ok(event.year, day.year) and _ok(event.month, day.month) and _ok(event.day, day.day)):
            continue
        if event.days and day.weekday() not in event.days:
            continue
        for h in range(24):
            if not _ok(event.hour, h):
                continue
            for m in range(60):
                if not _ok(event.minute, m):
                    continue
                for s in range(60):
                    if not _ok(event.second, s):
                        continue
                    when = dt.datetime(day.year, day.month, day.day, h, m, s, tzinfo=tz)
                    if when.timestamp() > after:
                        return int(when.timestamp())
    return None
