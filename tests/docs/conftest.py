"""The auditor's pack tests: tools/ on the path (the generator is tools/sitedoc), the rcr pack built once."""

from __future__ import annotations

from pathlib import Path

import pytest
from docs_testlib import JOURNAL
from sitekit_paths import REPO


@pytest.fixture(scope="session")
def rcr_pack(tmp_path_factory) -> Path:
    """The pack of inventories/rcr with the fixture journal, written once per session (read-only)."""
    from sitedoc import build

    out = tmp_path_factory.mktemp("pack") / "rcr"
    build(str(REPO / "inventories/rcr"), out, JOURNAL)
    return out
