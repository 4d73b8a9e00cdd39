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
# Fixtures that start a server process: a test using one (directly or through another fixture) is an
# integration test, whatever its module says (tests/glpi: the stand-in's database is a private mariadbd).
SERVER_FIXTURES = {"mariadb"}


def pytest_collection_modifyitems(items):
    """A test is a unit test unless its module or itself says it needs processes, containers or Windows,
    or it uses a fixture that starts a server."""
    for item in items:
        if SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)
        if not any(item.get_closest_marker(name) for name in NOT_UNIT):
            item.add_marker(pytest.mark.unit)
