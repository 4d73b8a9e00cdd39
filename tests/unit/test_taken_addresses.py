"""The taken-addresses rule reads the DHCP ranges from the Windows view (rules_addressing.py): it leaves a
range the view refuses to that view's own problem, and never hides a defect of the view."""

from __future__ import annotations

import sites
from ansible_collections.sitekit.core.plugins.plugin_utils.site import windows
from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import validate


def _by_rule(site, rule_id):
    return [p for p in validate(site) if p.rule == rule_id]


def _dhcp(**changes):
    base = sites.site().vars["site_windows"]
    return {**base, "dhcp": {**base["dhcp"], **changes}}


def test_a_range_the_view_refuses_is_reported_once_by_the_view():
    site = sites.modified(site_windows=_dhcp(range_first_host=1))  # .1 is a reserved address
    view = _by_rule(site, "windows-view")
    assert any("contains reserved host" in p.message for p in view), view
    assert _by_rule(site, "taken-addresses") == []


def test_a_defect_of_the_view_is_not_hidden(monkeypatch):
    def broken(site):
        raise KeyError("site_vlans")

    monkeypatch.setattr(windows, "dhcp_scopes", broken)
    taken = _by_rule(sites.modified(), "taken-addresses")
    assert [p.message for p in taken if "could not be checked" in p.message], taken
    assert "KeyError" in taken[0].detail
