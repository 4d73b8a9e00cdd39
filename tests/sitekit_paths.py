"""Repository paths and helpers for tests: `from sitekit_paths import REPO, SHARED, load_tool`.

A module of its own, not conftest: a test directory with its own conftest.py would shadow
the root one for `from conftest import …`.
"""

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
COLLECTION = REPO / "collections" / "ansible_collections" / "sitekit" / "core"
sys.path.insert(0, str(REPO / "collections"))


def load_tool(name: str):
    """Import tools/<name>.py (the tools are scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(name, REPO / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
