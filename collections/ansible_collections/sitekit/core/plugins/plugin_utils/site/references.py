"""What a Jinja expression in the inventory reads: the variables and lookups it names.

Parsed with Jinja2's own parser (``Environment.parse``), never compiled nor rendered (compiling
refuses the filters and tests Ansible adds, ``| bool``, ``is defined``...): the names a template loads and
never assigns, as ``jinja2.meta.find_undeclared_variables`` reports them. ``"{{ vault_x }}"`` reads ``vault_x``, ``"{{ lookup('x') }}"`` reads ``lookup``,
``"{{ 'S3cret' }}"`` reads nothing (a literal in disguise). A string that is not a template, or a
template Jinja cannot parse, reads nothing.
"""

from __future__ import annotations

import functools
from typing import Any

LOOKUPS = frozenset({"lookup", "query", "q"})


@functools.lru_cache(maxsize=4096)
def _reads(text: str) -> frozenset[str]:
    import jinja2
    from jinja2 import nodes

    try:
        tree = jinja2.Environment().parse(text)
    except Exception:  # noqa: BLE001 - Jinja raises several kinds on bad input; none of them reads anything
        return frozenset()
    names = list(tree.find_all(nodes.Name))
    assigned = {n.name for n in names if n.ctx in ("store", "param")}
    return frozenset(n.name for n in names if n.ctx == "load" and n.name not in assigned)


def reads(value: Any) -> frozenset[str]:
    """The names a template string reads (variables, ``lookup``/``query``), empty for anything else."""
    if not isinstance(value, str) or "{{" not in value and "{%" not in value:
        return frozenset()
    return _reads(str(value))


def is_template(value: Any) -> bool:
    return isinstance(value, str) and ("{{" in value or "{%" in value)


def parses(value: Any) -> bool:
    """True when a template string is valid Jinja (a broken one fails only when a role renders it)."""
    import jinja2

    try:
        jinja2.Environment().parse(str(value))
    except Exception:  # noqa: BLE001
        return False
    return True
