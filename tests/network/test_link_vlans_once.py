"""What a link carries is computed once per site (network/links.py): the views ask for every link from both of its
ends and the walk behind each end visits the whole topology. The memo is the site object's: another site (a
changed copy) gets its own answer."""

from __future__ import annotations

import sites
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network import links


def _without_administrators(site, host):
    switch = site.hosts[host].vars["switch"]
    return {f"{host}__switch": {**switch, "access_ports": [p for p in switch["access_ports"] if p["profile"] != "administrators"]}}


def test_a_changed_copy_gets_its_own_answer():
    site = sites.modified()
    e1_e2 = next(i for i, lk in enumerate(site.vars["site_links"]) if {lk["a"], lk["b"]} == {"sw-baie-e1", "sw-baie-e2"})
    assert links.link_vlans(site, e1_e2) == [20, 30, 40]
    changed = sites.modified(**_without_administrators(site, "sw-baie-e2"))
    # sw-baie-e2 has no administrators' port left: the link to it no longer carries their VLAN (30).
    assert links.link_vlans(changed, e1_e2) == [20, 40]
    assert links.link_vlans(site, e1_e2) == [20, 30, 40]


def test_each_device_is_walked_once_per_site(monkeypatch):
    site = sites.modified()
    walked = []
    used_at = links._used_at
    monkeypatch.setattr(links, "_used_at", lambda s, dev: walked.append(dev) or used_at(s, dev))
    every_link = range(len(site.vars["site_links"]))
    first = [links.link_vlans(site, i) for i in every_link]
    for dev in links.network_devices(site):
        links.device_links(site, dev)
    assert [links.link_vlans(site, i) for i in every_link] == first
    assert sorted(walked) == sorted(set(walked)), "a device's own VLANs were computed twice"
    returned = links.link_vlans(site, 0)
    returned.append(4094)
    assert links.link_vlans(site, 0) == first[0], "a caller changing the list it got changed the memo"
