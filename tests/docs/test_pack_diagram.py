"""Every host and every link of the model appears in the drawings, with what the network view says."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import sites
from ansible_collections.sitekit.core.plugins.plugin_utils.site import network

SVG = "{http://www.w3.org/2000/svg}"


def svg_ids(path: Path) -> dict[str, ET.Element]:
    return {el.get("id"): el for el in ET.parse(path).iter() if el.get("id")}


def texts(el: ET.Element) -> str:
    return " ".join(t.text or "" for t in el.iter(f"{SVG}text"))


def missing(site, topology: Path, racks: Path) -> list[str]:
    """Hosts and link members of ``site`` that the drawings lack."""
    ids = svg_ids(topology) | svg_ids(racks)
    out = [f"host {h}" for h in site.hosts if f"host-{h}" not in ids]
    for i, link in enumerate(site.vars.get("site_links") or []):
        out += [f"link {i} port pair {k}" for k in range(len(link["a_ports"])) if f"link-{i}-{k}" not in ids]
    return out


def test_every_host_and_link_is_drawn(rcr_pack, rcr_site):
    assert missing(rcr_site, rcr_pack / "topology.svg", rcr_pack / "racks.svg") == []


def test_a_host_or_link_the_drawing_lacks_is_found(rcr_pack):
    site = sites.modified(site_links=[*sites.site().vars["site_links"],
                                      {"a": "sw-core", "a_ports": ["Gi1/0/52"], "b": "rt-01", "b_ports": ["Gi0/1"]}])
    site.hosts["extra01"] = type(next(iter(site.hosts.values())))("extra01", {})
    assert missing(site, rcr_pack / "topology.svg", rcr_pack / "racks.svg") == ["host extra01", "link 11 port pair 0"]


def test_network_devices_and_nodes_are_on_the_topology_vms_on_their_node(rcr_pack, rcr_site):
    topo, racks = svg_ids(rcr_pack / "topology.svg"), svg_ids(rcr_pack / "racks.svg")
    for host in rcr_site.group("network") + rcr_site.proxmox_nodes + rcr_site.group("ftp_archive"):
        assert f"host-{host}" in topo, host
    for name, vm in rcr_site.vms.items():
        assert inside(racks[f"host-{name}"], racks[f"node-{vm['node']}"]), f"{name} is not drawn in {vm['node']}"
        assert name in texts(racks[f"host-{name}"])


def box(el: ET.Element) -> tuple[float, float, float, float]:
    """Bounding box of the outline Graphviz draws for a cluster (a polygon, or a path when rounded)."""
    shape = el.find(f"{SVG}polygon")
    text = shape.get("points") if shape is not None else el.find(f"{SVG}path").get("d")
    pairs = [(float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", text)]
    return min(p[0] for p in pairs), min(p[1] for p in pairs), max(p[0] for p in pairs), max(p[1] for p in pairs)


def inside(node: ET.Element, cluster: ET.Element) -> bool:
    text = node.find(f"{SVG}text")
    x, y = float(text.get("x")), float(text.get("y"))
    x0, y0, x1, y1 = box(cluster)
    return x0 <= x <= x1 and y0 <= y <= y1


def test_a_vm_drawn_on_the_wrong_node_is_found(rcr_pack):
    racks = svg_ids(rcr_pack / "racks.svg")
    assert inside(racks["host-dc01"], racks["node-pve1"]) and not inside(racks["host-dc01"], racks["node-pve2"])


def test_each_link_label_names_its_channel_and_the_vlans_it_carries(rcr_pack, rcr_site):
    ids = svg_ids(rcr_pack / "topology.svg")
    for i, link in enumerate(rcr_site.vars["site_links"]):
        label = texts(ids[f"link-{i}-0"])
        assert f"VLANs {network.vlan_list(network.link_vlans(rcr_site, i))}" in label, (i, label)
        if link.get("channel") is not None:
            assert f"Po{link['channel']} LACP" in label, (i, label)
        for k, (pa, pb) in enumerate(zip(link["a_ports"], link["b_ports"], strict=False)):
            assert pa in texts(ids[f"link-{i}-{k}"]) and pb in texts(ids[f"link-{i}-{k}"]), (i, k)


def test_stack_members_routers_glbp_and_storage(rcr_pack, rcr_site):
    ids = svg_ids(rcr_pack / "topology.svg")
    for host in rcr_site.group("cisco_switches"):
        for member in rcr_site.hosts[host].get("switch")["stack"]:
            assert f"member-{host}-{member['member']}" in ids
    assert "GLBP primary, priority 150" in texts(ids["host-rt-01"])
    assert "GLBP secondary, priority 100" in texts(ids["host-rt-02"])
    assert "10.0.10.1 (VLAN 10)" in texts(ids["glbp"])
    assert "iSCSI 10.0.10.5" in texts(ids["storage-san-iscsi"]) and "LVM san-lvm" in texts(ids["storage-san-iscsi"])
    assert "NFS 10.0.10.6:/volume1/pve-backup" in texts(ids["storage-nas-backup"])
    assert "FTP config archive (primary)" in texts(ids["host-ftp01"])
