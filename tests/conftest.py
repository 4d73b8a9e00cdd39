"""Shared test set-up: the project's collection on sys.path (see sitekit_paths), the rcr site once."""

import pytest
import sitekit_paths  # noqa: F401  (puts collections/ on sys.path)
import sites


@pytest.fixture(scope="session")
def rcr_site():
    """The reference site, loaded once for the whole run (read-only: change a ``sites.modified()`` copy)."""
    return sites.site("inventories/rcr")
