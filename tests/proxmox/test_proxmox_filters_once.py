"""The Proxmox filters build the site model once per template evaluation (filter/proxmox.py, PlayModels):
proxmox.yml's pre_task asks the desired state and the API endpoint in one set_fact, one model for both."""

from __future__ import annotations

import pytest
import sites
from ansible_collections.sitekit.core.plugins.filter import proxmox


@pytest.fixture
def builds(monkeypatch, rcr_site):
    with sites.model_builds(monkeypatch, proxmox, rcr_site) as made:
        yield made


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

