"""Walking Ansible task lists the way ansible-core nests them, for the tests that read roles and playbooks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

BLOCK_KEYS = ("block", "rescue", "always")


def tasks_of(items: Iterable | None) -> Iterator[dict]:
    """Every task of a task list, each block's own entry first, then its block, rescue and always tasks."""
    for item in items or []:
        if isinstance(item, dict):
            yield item
            for key in BLOCK_KEYS:
                yield from tasks_of(item.get(key))
