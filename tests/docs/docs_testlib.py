"""Shared by the auditor's pack tests (a module of its own: ``conftest`` names clash between directories)."""

from __future__ import annotations

import sys
from pathlib import Path

from sitekit_paths import REPO

sys.path.insert(0, str(REPO / "tools"))  # the generator is tools/sitedoc

JOURNAL = Path(__file__).parent / "data" / "journal"
PAGES = ["index", "topology", "vlans", "hosts", "firewall", "backup", "cegid", "traceability", "history"]
