"""How validation shows values and hints to an operator: never an internal type name, never a secret.

``show(value)`` prints a loaded value as the operator wrote it (YAML-ish, short); a vault value is
shown as ``<vault-encrypted>`` and never decrypted. ``did_you_mean`` finds a near-miss name.
``yaml_trap(value)`` explains the YAML 1.1 readings that surprise operators: an unquoted ``0140``
is the octal number 96, an unquoted ``21:30`` or ``52:54:00:12:34:56`` a base-60 number (the
source line is read back through the value's origin, so the hint quotes what is in the file).
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from ansible_collections.sitekit.core.plugins.plugin_utils.site.origin import origin_parts

MAX_SHOWN = 60


def is_vaulted(value: Any) -> bool:
    """True for an inline ``!vault`` value (still encrypted, never decrypted here)."""
    return type(value).__name__ in ("EncryptedString", "AnsibleVaultEncryptedUnicode")


def show(value: Any, limit: int = MAX_SHOWN) -> str:
    """A value as an operator reads it in YAML: ``'four'``, ``12``, ``null``, ``[10, 20]``, ``{…}``."""
    text = _show(value, 0)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _show(value: Any, depth: int) -> str:
    if is_vaulted(value):
        return "<vault-encrypted>"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return repr(int(value))
    if isinstance(value, float):
        return repr(float(value))
    if isinstance(value, str):
        return repr(str(value))
    if depth > 3:
        return "…"
    if isinstance(value, dict):
        items = list(value.items())
        inner = ", ".join(f"{_key(k)}: {_show(v, depth + 1)}" for k, v in items[:6])
        return "{" + inner + (", …" if len(items) > 6 else "") + "}"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(_show(v, depth + 1) for v in list(value)[:8])
        return "[" + inner + (", …" if len(value) > 8 else "") + "]"
    return "a value YAML cannot hold"


def _key(key: Any) -> str:
    return str(key) if isinstance(key, str) else _show(key, 9)


# JSON Schema's type names, as the operator's YAML calls them.
TYPE_WORDS = {"object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer",
              "number": "a number", "boolean": "true or false", "null": "empty (null)"}


def kind_of(value: Any) -> str:
    """What a value is, in YAML words (never a Python type name)."""
    if is_vaulted(value):
        return "a vault-encrypted string"
    for check, word in ((lambda v: v is None, "empty (null)"), (lambda v: isinstance(v, bool), "true or false"),
                        (lambda v: isinstance(v, int), "an integer"), (lambda v: isinstance(v, float), "a number"),
                        (lambda v: isinstance(v, str), "a string"), (lambda v: isinstance(v, dict), "a mapping"),
                        (lambda v: isinstance(v, (list, tuple)), "a list")):
        if check(value):
            return word
    return "a value YAML cannot hold"


def did_you_mean(word: Any, candidates, cutoff: float = 0.75) -> str | None:
    """The closest candidate to ``word`` (case-insensitive), or None."""
    if not isinstance(word, str) or not word:
        return None
    names = [str(c) for c in candidates if isinstance(c, str) and c != word]
    lowered = {n.lower(): n for n in names}
    if word.lower() in lowered:
        return lowered[word.lower()]
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[close[0]] if close else None


def suggest(word: Any, candidates, cutoff: float = 0.75) -> str:
    """`` (did you mean X?)`` or ``""``."""
    near = did_you_mean(word, candidates, cutoff)
    return f" (did you mean {near}?)" if near else ""


_OCTAL = re.compile(r"^[-+]?0[0-7_]+$")
_SEXAGESIMAL = re.compile(r"^[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$")


def source_token(value: Any) -> str | None:
    """The scalar as written at the value's origin (file, line and column), when it can be read back."""
    parts = origin_parts(value)
    if parts is None or not parts[1] or not parts[2]:
        return None
    path, line, col = parts
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for number, text in enumerate(handle, 1):
                if number == line:
                    rest = text[col - 1:]
                    return re.split(r"[\s,\]}#]", rest, maxsplit=1)[0] or None
    except OSError:
        return None
    return None


def yaml_trap(value: Any) -> str:
    """A hint when YAML 1.1 turned what the operator typed into a surprising number, else ``""``."""
    if isinstance(value, bool) or not isinstance(value, int):
        return ""
    token = source_token(value)
    if token is None:
        return ""
    if _OCTAL.match(token) and token.lstrip("+-") not in ("0",):
        return (f" (YAML reads the unquoted {token} as the octal number {int(value)}: "
                f"write {token.lstrip('0') or '0'} without the leading zero, or quote it)")
    if _SEXAGESIMAL.match(token):
        return (f" (YAML reads the unquoted {token} as the base-60 number {int(value)}: quote it, "
                f"\"{token}\")")
    return ""
