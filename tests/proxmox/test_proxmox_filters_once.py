"""The Proxmox filters build the site model once per template evaluation (filter/proxmox.py, PlayModels):
proxmox.yml's pre_task asks the desired state and the API endpoint in one set_fact, one model for both."""

from __future__ import annotations

import pytest
from ansible_collections.sitekit.core.plugins.filter import proxmox
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site


@pytest.fixture
def builds(monkeypatch, rcr_site):
    made = []
    monkeypatch.setattr(Site, "from_hostvars", classmethod(lambda cls, hv, groups, **kw: made.append(kw) or rcr_site))
    proxmox._MODELS.clear()
    yield made
    proxmox._MODELS.clear()


def test_the_play_s_desired_state_and_endpoint_share_one_model(builds):
    hostvars, groups = object(), {"all": ["pve1"], "proxmox_nodes": ["pve1"]}
    assert proxmox.pve_desired(hostvars, groups)["vms"]
    assert proxmox.pve_api(hostvars, groups)["api_host"]
    proxmox.pve_maintenance_now(hostvars, groups)
    assert len(builds) == 1 and builds[0]["site_keys"] == proxmox.SITE_KEYS


def test_another_play_builds_again(builds):
    groups = {"all": ["pve1"], "proxmox_nodes": ["pve1"]}
    proxmox.pve_api(object(), groups)
    proxmox.pve_api(object(), groups)
    assert len(builds) == 2

