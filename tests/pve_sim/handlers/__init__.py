"""API handlers: ``HANDLERS[(method, template)](cluster, params, user) -> data``.

``params`` holds the path placeholders and the request's parameters (already checked against
the schema). Each module implements one area with the rules of the upstream code it cites.
"""

from __future__ import annotations

from . import backup, cluster, ha, qemu_config, qemu_guest, storage, tasks  # noqa: F401,E402  (they register)
from .ha import migrate_groups  # noqa: E402
from .registry import HANDLERS, api, dispatch  # noqa: F401

__all__ = ["HANDLERS", "api", "dispatch", "migrate_groups"]
