"""One site model per play for the filters that build it from ``hostvars`` and ``groups``.

A play calls a tier's filters many times with the same ``hostvars`` object; building the model
once per play (not once per call) is what keeps those filters cheap. The cache holds one entry:
the last play's ``hostvars`` (by identity) and a snapshot of its ``groups`` (by value, since
``add_host``/``group_by`` change membership inside the play).
"""

from __future__ import annotations

from collections.abc import Iterable

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import HOST_KEYS, Site


class PlayModels:
    """The site model of the current play, built by ``Site.from_hostvars`` with one tier's keys (None: every
    ``site_*`` and ``vault_*`` variable, as ``from_hostvars`` reads by default)."""

    def __init__(self, site_keys: Iterable[str] | None):
        self.site_keys = None if site_keys is None else tuple(site_keys)
        self._entry: tuple | None = None  # (hostvars, groups snapshot, Site)

    def site(self, hostvars, groups) -> Site:
        snapshot = {g: tuple(m) for g, m in groups.items()}
        if self._entry is not None and self._entry[0] is hostvars and self._entry[1] == snapshot:
            return self._entry[2]
        site = Site.from_hostvars(hostvars, groups, site_keys=self.site_keys, host_keys=HOST_KEYS)
        self._entry = (hostvars, snapshot, site)
        return site

    def clear(self) -> None:
        self._entry = None
