"""A play's ``hostvars`` read for the site model (``Site.from_hostvars``) when a view first asks, not before.

``hostvars[host]`` computes every variable of that host (ansible-core's whole precedence chain) and each site
variable is templated when read; a view reads a few hosts and variables of the site, so a model built in each
task's worker reads only those. Each value is read once per model; the values are those an eager read gives.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class HostFacts(Mapping):
    """One host's ``host_keys`` from a play's ``hostvars``, read (all at once) the first time one is asked for."""

    def __init__(self, hostvars: Any, name: str, host_keys: tuple):
        self._source, self._name, self._keys, self._facts = hostvars, name, host_keys, None

    def _read(self) -> dict:
        if self._facts is None:
            hv = self._source[self._name] if self._keys else {}
            self._facts = {k: hv[k] for k in self._keys if k in hv}
        return self._facts

    def __getitem__(self, key: str) -> Any:
        return self._read()[key]

    def __iter__(self):
        return iter(self._read())

    def __len__(self) -> int:
        return len(self._read())

    def __repr__(self) -> str:
        return repr(self._read())


class SiteFacts(Mapping):
    """The site variables of a play's ``hostvars`` (those of the first host), each templated the first time it is
    asked for. ``keys`` None: every ``site_*`` and ``vault_*`` variable but the ``host_keys``."""

    def __init__(self, hostvars: Any, first: str, keys: tuple | None, host_keys: tuple):
        self._source, self._first, self._wanted, self._host_keys = hostvars, first, keys, host_keys
        self._vars, self._keys, self._values = None, None, {}

    def _names(self) -> tuple:
        if self._keys is None:
            self._vars = self._source[self._first]
            wanted = self._wanted if self._wanted is not None else [
                k for k in self._vars if (k.startswith("site_") or k.startswith("vault_")) and k not in self._host_keys]
            self._keys = tuple(k for k in wanted if k in self._vars)
        return self._keys

    def __getitem__(self, key: str) -> Any:
        if key not in self._values:
            if key not in self._names():
                raise KeyError(key)
            self._values[key] = self._vars[key]
        return self._values[key]

    def __contains__(self, key: object) -> bool:
        return key in self._names()

    def __iter__(self):
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def __repr__(self) -> str:
        return repr(dict(self))
