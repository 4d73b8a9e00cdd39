"""What validation reports, and the error a view raises when the inventory cannot give it its output.

A view (``network``, ``proxmox``, ``windows_*``…) that cannot compute what a role needs raises
``SiteError`` naming the key, the host and the offending value; validation calls every view
and turns each ``SiteError`` into a ``Problem`` with the value's file and line. So a converge
can never fail on something validation accepted: both run the same code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

try:  # ansible-core >= 2.19 tags every loaded value with the file and line it came from.
    from ansible._internal._datatag._tags import Origin as _Origin
except ImportError:  # pragma: no cover - older ansible-core: problems name the key only
    _Origin = None


def origin_of(value: Any) -> str | None:
    """``path:line`` a loaded value came from, or None when unknown."""
    if _Origin is None or value is None:
        return None
    tag = _Origin.get_tag(value)
    if tag is None or not tag.path:
        return None
    return f"{tag.path}:{tag.line_num}" if tag.line_num else str(tag.path)


def is_vaulted(value: Any) -> bool:
    """True for an inline ``!vault`` value (still encrypted, never decrypted here)."""
    return type(value).__name__ in ("EncryptedString", "AnsibleVaultEncryptedUnicode")


def is_reference(value: Any) -> bool:
    """True for a Jinja expression (``{{ vault_x }}``, ``{{ lookup(...) }}``)."""
    return isinstance(value, str) and "{{" in value and "}}" in value


@dataclass
class Problem:
    """One thing wrong with the inventory: where, which key, what."""

    rule: str
    key: str
    message: str
    host: str | None = None
    where: str | None = None  # path:line when known
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        place = self.where or "inventory"
        who = f" host {self.host}:" if self.host else ""
        return f"{place}:{who} {self.key}: {self.message} [{self.rule}]"


def problem(rule_id: str, key: str, message: str, value: Any = None, host: str | None = None,
            severity: str = "error", fallback: Any = None) -> Problem:
    """A Problem placed at ``value``'s file and line (else ``fallback``'s)."""
    where = origin_of(value)
    if where is None:
        where = origin_of(fallback)
    return Problem(rule_id, key, message, host=host, where=where, severity=severity)


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
