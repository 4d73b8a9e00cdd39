"""The VLAN plan: subnets, gateways, router addresses, which hosts and trunks each VLAN reaches."""

from __future__ import annotations

from sitedoc.context import Context
from sitedoc.pages.topology import links
from sitedoc.report import Heading, Page, Para, Table


def page(ctx: Context) -> Page:
    site = ctx.site
    carried = links(ctx)
    rows = []
    for vlan in site.vlans:
        hosts = sorted(h for h, host in site.hosts.items() if host.get("site_vlan") == vlan.id)
        trunks = [f"link-{lk['index']}" for lk in carried if vlan.id in lk["vlans"]]
        rows.append([vlan.id, vlan.name, vlan.subnet, vlan.role, site.gateway(vlan.id),
                     site.router_address(vlan.id, "primary"), site.router_address(vlan.id, "secondary"),
                     len(hosts), ", ".join(trunks)])
    profiles = [[name, prof.get("vlan"), "yes" if prof.get("portfast") else "no"]
                for name, prof in sorted((site.vars.get("site_port_profiles") or {}).items())]
    reserved = ", ".join(f".{n} {what}" for n, what in sorted(site.reserved_hosts().items()))
    return Page("vlans", "VLAN plan").add(
        Para(f"From `site_vlans` (network.yml). Every VLAN reserves {reserved}. "
             "Trunks are the links of the [topology](topology.md) that carry the VLAN."),
        Table(["VLAN", "name", "subnet", "role", "gateway (GLBP)", "primary router", "secondary router", "hosts",
               "trunks"], rows),
        Heading("Access port profiles"),
        Table(["profile", "VLAN", "portfast"], profiles),
    )
