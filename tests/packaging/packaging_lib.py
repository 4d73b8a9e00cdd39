"""Requirement files of the toolkit, read the way pip reads them (name → pinned line)."""

from __future__ import annotations

import re

from sitekit_paths import REPO

DEV_TOOLS = {"molecule", "molecule-plugins", "pytest", "pytest-testinfra", "pytest-xdist", "ansible-lint", "yamllint",
             "ruff", "ansible-builder", "antsibull-changelog", "html5lib", "fake-switches", "docker"}


def name(requirement: str) -> str:
    return re.split(r"[=<>!~\[; ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def pins(filename: str) -> dict[str, str]:
    """{normalised name: line} of a requirements file, without comments and -r includes."""
    out = {}
    for line in (REPO / filename).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            out[name(line)] = line
    return out
