"""The auditor's pack tests: tools/ on the path (the generator is tools/sitedoc), the rcr pack built once."""

from __future__ import annotations

from pathlib import Path

import pytest
from docs_testlib import RCR, write_journal


@pytest.fixture(scope="session")
def journal_dir(tmp_path_factory) -> Path:
    """A run journal the run_summary callback wrote (docs_testlib.write_journal says which runs), read-only."""
    return write_journal(tmp_path_factory.mktemp("runs"))


@pytest.fixture(scope="session")
def rcr_pack(tmp_path_factory, journal_dir) -> Path:
    """The pack of inventories/rcr with the test journal, written once per session (read-only)."""
    from sitedoc import build

    out = tmp_path_factory.mktemp("pack") / "rcr"
    build(str(RCR), out, journal_dir)
    return out
