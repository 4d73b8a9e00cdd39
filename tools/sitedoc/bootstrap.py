"""Import sitekit.core as ansible-playbook does: Ansible's collection finder on the repo's collections/.

Imported first by the package, before anything imports ``ansible_collections.sitekit``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
COLLECTIONS = REPO / "collections"


def install() -> None:
    os.environ.setdefault("ANSIBLE_CONFIG", str(REPO / "ansible.cfg"))
    if str(COLLECTIONS) not in sys.path:
        sys.path.insert(0, str(COLLECTIONS))
    from ansible.plugins.loader import init_plugin_loader

    if not any(type(f).__name__ == "_AnsibleCollectionFinder" for f in sys.meta_path):
        init_plugin_loader([str(COLLECTIONS)])


install()
