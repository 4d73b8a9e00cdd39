"""The format registry and the helpers every format module shares.

A format is registered under PVE's name with the upstream file and function it follows; its
check is either a function (raises FormatError with PVE's die message) or a property-string
hash (keys as in the API schema) with an optional validator run on the parsed hash.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

# Set by Schema.validate for the request being checked: the PVE major version, and the inline
# property-string hashes of that schema that some named formats are (e.g. pve-qm-ide = ideN).
VERSION: ContextVar[int] = ContextVar("pve_version", default=9)
INLINE: ContextVar[dict | None] = ContextVar("pve_inline_formats", default=None)


class FormatError(Exception):
    """The message PVE's format function dies with (ends with a newline, as upstream)."""

    def __str__(self) -> str:
        return self.args[0]


@dataclass(frozen=True)
class Format:
    name: str
    check: Callable[[str], object] | dict
    source: str
    validator: Callable[[dict], dict] | None = None


REGISTRY: dict[str, Format] = {}


def register(name: str, source: str, validator: Callable[[dict], dict] | None = None):
    """Decorator (function formats) or call with a hash: ``register(name, src)(hash)``."""
    def add(check):
        REGISTRY[name] = Format(name, check, source, validator)
        return check
    return add


def regex_format(name: str, pattern: str, message: str, source: str, flags=0):
    """A format that is one anchored regular expression and one die message ('{v}' = the value)."""
    rx = re.compile(pattern, flags)

    def check(value: str):
        if not rx.fullmatch(value):
            raise FormatError(message.format(v=value) + "\n")
        return value
    register(name, source)(check)


def split_list(text) -> list[str]:
    """pve-common src/PVE/Tools.pm split_list: NUL-separated, else on ',', ';' and whitespace."""
    text = "" if text is None else str(text)
    if "\0" in text:
        return text.split("\0")
    return re.sub(r"[,;]", " ", text).split()


# pve-common src/PVE/Tools.pm $IPV4RE / $IPV6RE
_OCTET = r"(?:25[0-5]|(?:2[0-4]|1[0-9]|[1-9])?[0-9])"
IPV4RE = rf"(?:(?:{_OCTET}\.){{3}}{_OCTET})"
_H16 = r"(?:[0-9a-fA-F]{1,4})"
_LS32 = rf"(?:(?:{IPV4RE}|{_H16}:{_H16}))"
IPV6RE = ("(?:"
          rf"(?:(?:(?:{_H16}:){{6}}){_LS32})|"
          rf"(?:(?:::(?:{_H16}:){{5}}){_LS32})|"
          rf"(?:(?:(?:{_H16})?::(?:{_H16}:){{4}}){_LS32})|"
          rf"(?:(?:(?:(?:{_H16}:){{0,1}}{_H16})?::(?:{_H16}:){{3}}){_LS32})|"
          rf"(?:(?:(?:(?:{_H16}:){{0,2}}{_H16})?::(?:{_H16}:){{2}}){_LS32})|"
          rf"(?:(?:(?:(?:{_H16}:){{0,3}}{_H16})?::(?:{_H16}:){{1}}){_LS32})|"
          rf"(?:(?:(?:(?:{_H16}:){{0,4}}{_H16})?::){_LS32})|"
          rf"(?:(?:(?:(?:{_H16}:){{0,5}}{_H16})?::){_H16})|"
          rf"(?:(?:(?:(?:{_H16}:){{0,6}}{_H16})?::))"
          ")")
IPRE = rf"(?:{IPV4RE}|{IPV6RE})"


def is_ip(value: str) -> bool:
    return re.fullmatch(IPRE, value) is not None


def is_dns_name(value: str) -> bool:
    label = r"([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?)"
    return re.fullmatch(rf"({label}\.)*{label}", value) is not None
