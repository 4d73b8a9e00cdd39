"""A router's intent: the LAN trunk's sub-interfaces (one per site VLAN) with GLBP, DHCP relay, uplink tracking."""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.data import (
    Glbp,
    GlbpWeighting,
    Mgmt,
    RouterIntent,
    SubInterface,
    Track,
    VlanName,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.links import device_links
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.management import management
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.names import NetworkModelError, full_name
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.push import push_policy, router_forms

GLBP_DEFAULT_PRIORITY, GLBP_DEFAULT_LOAD_BALANCING = 100, "round-robin"
TRACK_UPLINK = 1  # the tracked object of the WAN uplink's line protocol


def _subinterfaces(site: Site, lan: str, role: str | None, tracked: bool) -> tuple[SubInterface, ...]:
    glbp = site.vars.get("site_glbp") or {}
    weighting = glbp.get("weighting")
    dhcp = tuple(site.infra_ips("dhcp"))
    priority = int((glbp.get(role) or {}).get("priority", GLBP_DEFAULT_PRIORITY))
    balancing = glbp.get("load_balancing", GLBP_DEFAULT_LOAD_BALANCING)
    return tuple(SubInterface(
        name=f"{lan}.{vlan.id}", vlan=vlan.id, description=vlan.name,
        address=str(site.router_address(vlan.id, role)), netmask=str(vlan.subnet.netmask),
        # IOS hides GLBP defaults (priority 100, round-robin): they are not printed either.
        glbp=Glbp(group=vlan.id, ip=str(site.gateway(vlan.id)),
                  priority=priority if priority != GLBP_DEFAULT_PRIORITY else None,
                  preempt=bool(glbp.get("preempt", True)),
                  load_balancing=balancing if balancing != GLBP_DEFAULT_LOAD_BALANCING else None,
                  # Uplink down: the weight drops below `lower` and this router stops forwarding.
                  weighting=GlbpWeighting(maximum=100, lower=int(weighting["lower"]), upper=int(weighting["upper"]),
                                          track=TRACK_UPLINK, decrement=int(weighting["track_decrement"]))
                  if tracked else None),
        helpers=dhcp if vlan.role == "clients" else (),
    ) for vlan in site.vlans)


def router_intent(site: Site, host: str) -> RouterIntent:
    h = site.hosts[host]
    rt = h.get("router") or {}
    role = rt.get("role")
    lan = full_name(rt["lan_interface"])
    wan = full_name(rt["wan_interface"]) if rt.get("wan_interface") else None
    tracked = bool((site.vars.get("site_glbp") or {}).get("weighting") and wan)
    subs = _subinterfaces(site, lan, role, tracked)
    peers = device_links(site, host)
    mgmt_vlan = int(h.get("site_vlan"))
    mgmt = next((s for s in subs if s.vlan == mgmt_vlan), None)
    if mgmt is None:
        raise NetworkModelError(f"VLAN {mgmt_vlan} is not in site_vlans", key="site_vlan", host=host, value=mgmt_vlan)
    return RouterIntent(
        kind="router",
        **management(site, host),
        forms=router_forms(),
        push=push_policy("router", lan),
        model=rt.get("model"),
        role=role,
        lan_interface=lan,
        lan_description=", ".join(f"{p['peer']} {' '.join(p['peer_ports'])}" for p in peers) or "LAN",
        wan_interface=wan,
        track=Track(id=TRACK_UPLINK, interface=wan) if tracked else None,
        mgmt=Mgmt(vlan=mgmt_vlan, name=mgmt.description, address=mgmt.address, netmask=mgmt.netmask, interface=mgmt.name),
        subinterfaces=subs,
        vlans=tuple(VlanName(id=v.id, name=v.name) for v in site.vlans),
    )
