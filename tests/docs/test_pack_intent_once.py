"""The topology page asks the network view for each device's intent once: the drawing and the stacks table read
the same answer (sitedoc.context.Context.memo). (The configuration pages render each device too, through the view.)"""

from __future__ import annotations

import traceback

import sites
from ansible_collections.sitekit.core.plugins.plugin_utils.site import network
from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import validate
from sitedoc import write_pack
from sitedoc.context import Context


def test_the_topology_page_computes_each_device_intent_once(tmp_path, monkeypatch):
    site = sites.modified()
    asked = []
    device_intent = network.device_intent

    def counted(s, host):
        if any(frame.filename.endswith("sitedoc/pages/topology.py") for frame in traceback.extract_stack()):
            asked.append(host)
        return device_intent(s, host)

    monkeypatch.setattr(network, "device_intent", counted)
    write_pack(Context("inventories/rcr", site, validate(site)), tmp_path / "pack")
    devices = site.group("cisco_switches") + site.group("cisco_routers")
    assert sorted(asked) == sorted(devices)
    stacks = (tmp_path / "pack/topology.md").read_text()
    assert all(f"| {host} |" in stacks for host in site.group("cisco_switches"))
