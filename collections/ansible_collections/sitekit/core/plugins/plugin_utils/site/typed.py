"""Typed view outputs, and their one conversion to the plain values Jinja, modules and JSON read.

The views the roles consume return frozen dataclasses (slots, typed fields): a field that is
misspelt or missing fails where the view builds it, not in a template later. ``to_vars`` is the
one place they become plain dicts and lists, at the filter boundary (plugins/filter/*.py):
templates and roles see the same keys and values as before the views were typed.

Field metadata: ``optional()`` leaves the key out when the value is None (a PVE parameter or an
IOS form that is only present when declared); ``renamed(key)`` gives the key a name that is no
Python identifier (``prune-backups``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

# Every view type: immutable, no per-instance __dict__, fields by keyword only (a long record read
# by name, never by position).
view = dataclasses.dataclass(frozen=True, slots=True, kw_only=True)


def optional(default: Any = None) -> Any:
    """A field whose key is left out of ``to_vars`` when it holds None."""
    return dataclasses.field(default=default, metadata={"omit_none": True})


def renamed(key: str, default: Any = dataclasses.MISSING) -> Any:
    """A field shown to Jinja under ``key``."""
    return dataclasses.field(default=default, metadata={"key": key})


def _layout(cls: type) -> tuple[tuple[str, str, bool], ...]:
    """(attribute, key, omit when None) of each field of a view type, in field order."""
    layout = _LAYOUTS.get(cls)
    if layout is None:
        layout = _LAYOUTS[cls] = tuple((f.name, f.metadata.get("key", f.name), bool(f.metadata.get("omit_none")))
                                       for f in dataclasses.fields(cls))
    return layout


_LAYOUTS: dict[type, tuple[tuple[str, str, bool], ...]] = {}


def to_vars(value: Any) -> Any:
    """A view's output as plain data: dataclasses → dicts (in field order), tuples → lists."""
    cls = type(value)
    if cls in _SCALARS:
        return value
    if hasattr(cls, "__dataclass_fields__"):
        out = {}
        for name, key, omit_none in _layout(cls):
            item = getattr(value, name)
            if item is None and omit_none:
                continue
            out[key] = to_vars(item)
        return out
    if isinstance(value, Mapping):
        return {k: to_vars(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_vars(v) for v in value]
    return value


# Returned as they are without a look at their type's fields (the common leaves of a view).
_SCALARS = frozenset({str, int, bool, float, type(None)})
