"""The network filters build the site model once per play, not once per call (filter/network.py, PlayModels): the
cisco_ios role asks every device's intent in one template and validates the rendered set with the same model."""

from __future__ import annotations

import copy

import netlab
import pytest
import sites
from ansible_collections.sitekit.core.plugins.filter import network


@pytest.fixture
def builds(monkeypatch):
    """The models built by Site.from_hostvars, each the lab site with the test secrets."""
    site = netlab.site_with_secrets(copy.deepcopy(netlab.load("inventories/lab")), dict(netlab.DUMMY_SECRETS))
    with sites.model_builds(monkeypatch, network, site) as made:
        yield made


def test_every_intent_and_the_validation_of_a_play_share_one_model(builds):
    hostvars, groups = object(), {"all": ["sw-core", "rt-01"], "network": ["sw-core", "rt-01"]}
    intents = {h: network.network_intent(hostvars, groups, h) for h in ("sw-core", "rt-01", "sw-bp-1")}
    assert network.ios_problems({h: network.ios_render(i) for h, i in intents.items()}, hostvars, groups) == []
    assert len(builds) == 1


def test_another_play_or_another_membership_builds_again(builds):
    groups = {"all": ["sw-core"], "network": ["sw-core"]}
    network.network_intent(first := object(), groups, "sw-core")
    network.network_intent(object(), groups, "sw-core")           # another play's hostvars
    network.network_intent(first, {**groups, "extra": ["sw-core"]}, "sw-core")  # group_by/add_host in the play
    assert len(builds) == 3
