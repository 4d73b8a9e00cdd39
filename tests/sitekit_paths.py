"""Repository paths and helpers for tests: `from sitekit_paths import REPO, SHARED, load_tool`.

A module of its own, not conftest: a test directory with its own conftest.py would shadow
the root one for `from conftest import …`.
"""

import importlib.util
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
COLLECTION = REPO / "collections" / "ansible_collections" / "sitekit" / "core"
sys.path.insert(0, str(REPO / "collections"))
os.environ.setdefault("ANSIBLE_CONFIG", str(REPO / "ansible.cfg"))


def _collection_finder() -> None:
    """Install Ansible's collection finder on collections/ before anything imports sitekit.core, so that
    tests import the collection exactly as ansible-playbook does (and later imports still resolve)."""
    from ansible.plugins.loader import init_plugin_loader

    if not any(type(f).__name__ == "_AnsibleCollectionFinder" for f in sys.meta_path):
        init_plugin_loader([str(REPO / "collections")])


_collection_finder()


def load_tool(name: str):
    """Import tools/<name>.py (the tools are scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(name, REPO / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
