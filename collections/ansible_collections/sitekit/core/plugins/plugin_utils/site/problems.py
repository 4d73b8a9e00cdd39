"""What validation reports, and the error a view raises when the inventory cannot give it its output.

A view (``network``, ``proxmox``, ``windows_*``…) that cannot compute what a role needs raises
``SiteError`` naming the key, the host and the offending value; validation calls every view
and turns each ``SiteError`` into a ``Problem`` with the value's file and line. So a converge
can never fail on something validation accepted: both run the same code.

A problem reads ``<file>:<line>: host <host>: <key>: <message> [<rule>]``; the file is shown
relative to the current directory when it is below it (``inventories/<site>/host_vars/db1.yml:9``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from ansible_collections.sitekit.core.plugins.plugin_utils.site.origin import origin_of
from ansible_collections.sitekit.core.plugins.plugin_utils.site.wording import is_vaulted, yaml_trap

__all__ = ["Problem", "SiteError", "is_reference", "is_vaulted", "origin_of", "problem"]


def is_reference(value: Any) -> bool:
    """True for a Jinja expression that reads a variable or a lookup (``{{ vault_x }}``, ``{{ lookup(...) }}``).

    ``"{{ 'literal' }}"`` reads nothing: it is a literal in disguise, not a reference.
    """
    from ansible_collections.sitekit.core.plugins.plugin_utils.site.references import reads

    return bool(reads(value))


@dataclass
class Problem:
    """One thing wrong with the inventory: where, which key, what."""

    rule: str
    key: str
    message: str
    host: str | None = None
    where: str | None = None  # path:line when known
    severity: str = "error"  # or "warning"
    strict: bool = False  # a warning that ``validate(site, strict=True)`` reports as an error
    detail: str | None = None  # technical detail for a bug report, never part of the message

    def __str__(self) -> str:
        place = _shown_path(self.where) if self.where else "inventory"
        who = f" host {self.host}:" if self.host else ""
        key = f" {self.key}:" if self.key and self.key != "-" else ""
        return f"{place}:{who}{key} {self.message} [{self.rule}]"


def _shown_path(where: str) -> str:
    """``where`` relative to the current directory when it lies below it, else as it is."""
    try:
        cwd = os.getcwd()
    except OSError:
        return where
    prefix = cwd.rstrip(os.sep) + os.sep
    return where[len(prefix):] if where.startswith(prefix) else where


def problem(rule_id: str, key: str, message: str, value: Any = None, host: str | None = None,
            severity: str = "error", fallback: Any = None, strict: bool = False) -> Problem:
    """A Problem placed at ``value``'s file and line (else ``fallback``'s).

    When YAML turned what the operator typed into a surprising number (``0140`` → 96,
    ``21:30`` → 1290), the message says so.
    """
    where = origin_of(value)
    if where is None:
        where = origin_of(fallback)
    return Problem(rule_id, key, message + yaml_trap(value), host=host, where=where, severity=severity, strict=strict)


class SiteError(ValueError):
    """A view cannot compute its output from the inventory; says which key (and host) to fix."""

    def __init__(self, message: str, key: str = "-", host: str | None = None, value: Any = None):
        super().__init__(message)
        self.message, self.key, self.host, self.value = message, key, host, value

    def __str__(self) -> str:
        who = f"host {self.host}: " if self.host else ""
        return f"{who}{self.key}: {self.message}" if self.key != "-" else f"{who}{self.message}"

    def problem(self, rule_id: str, fallback: Any = None) -> Problem:
        return problem(rule_id, self.key, self.message, value=self.value, host=self.host, fallback=fallback)
