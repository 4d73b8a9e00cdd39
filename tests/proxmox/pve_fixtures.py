"""Fixtures of the Proxmox tests: the rcr site model and simulators shaped like its cluster.

Not a conftest.py: a second conftest module would shadow tests/conftest.py for the other
tests' ``from sitekit_paths import REPO``. Test modules bind these fixtures with ``FIXTURES``.
"""

from __future__ import annotations

import pve_harness  # noqa: F401  (first: imports the plugins before Ansible's collection finder exists)
import pytest
import sites  # noqa: E402
from ansible_collections.sitekit.core.plugins.plugin_utils.site.proxmox import desired_state
from pve_harness import sim_for


@pytest.fixture(scope="session")
def rcr_site():
    return sites.site()


@pytest.fixture(scope="session")
def rcr_desired(rcr_site):
    return desired_state(rcr_site)


@pytest.fixture(params=["module", "action"])
def via(request):
    """How a scenario runs the pve_* code: the module's main(), or its action's run() in Ansible's worker."""
    return request.param


@pytest.fixture
def fresh_sim(rcr_site, request):
    """An empty cluster (nodes and templates only) of the version given by the test's parameter."""
    sim = sim_for(rcr_site, request.param).start()
    yield sim
    sim.stop()
