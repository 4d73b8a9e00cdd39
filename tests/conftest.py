"""Shared test set-up: the project's collection on sys.path (see sitekit_paths), the rcr site once."""

import os
import tempfile

import pytest
import sitekit_paths  # noqa: F401  (puts collections/ on sys.path)
import sites

# Test runs of ansible-playbook append to a journal of their own, never to the operator's (journal/).
os.environ.setdefault("SITEKIT_JOURNAL_DIR", tempfile.mkdtemp(prefix="sitekit-test-journal-"))


@pytest.fixture(scope="session")
def rcr_site():
    """The reference site, loaded once for the whole run (read-only: change a ``sites.modified()`` copy)."""
    return sites.site("inventories/rcr")


NOT_UNIT = ("integration", "molecule", "windows_real")


def pytest_collection_modifyitems(items):
    """A test is a unit test unless its module or itself says it needs processes, containers or Windows."""
    for item in items:
        if not any(item.get_closest_marker(name) for name in NOT_UNIT):
            item.add_marker(pytest.mark.unit)
