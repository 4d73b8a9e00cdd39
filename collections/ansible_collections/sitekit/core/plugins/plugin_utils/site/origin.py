"""Where a loaded value came from: ansible-core 2.19 tags every value with its file, line and column."""

from __future__ import annotations

from typing import Any

try:  # ansible-core >= 2.19 tags every loaded value with the file and line it came from.
    from ansible._internal._datatag._tags import Origin as _Origin
except ImportError:  # pragma: no cover - older ansible-core: problems name the key only
    _Origin = None


def origin_parts(value: Any) -> tuple[str, int | None, int | None] | None:
    """``(path, line, column)`` of a loaded value, or None when unknown (None, built values, old ansible-core)."""
    if _Origin is None or value is None:
        return None
    try:
        tag = _Origin.get_tag(value)
    except Exception:  # noqa: BLE001 - a value of a type the tagging API does not know has no origin
        return None
    if tag is None or not tag.path:
        return None
    return str(tag.path), tag.line_num, tag.col_num


def origin_of(value: Any) -> str | None:
    """``path:line`` a loaded value came from, or None when unknown."""
    parts = origin_parts(value)
    if parts is None:
        return None
    path, line, _ = parts
    return f"{path}:{line}" if line else path
