"""Topology: the site's links drawn from ``site_links`` and the network and Proxmox views.

Switch stacks are boxes holding their members; each link is drawn member to member, one line
per physical port pair, the first labelled with its port-channel, media and the VLANs the trunk
carries (``network.link_vlans``). Routers show their GLBP role; the Proxmox nodes, the SAN and
NAS storages and the FTP archive servers complete the picture.
"""

from __future__ import annotations

import re

from ansible_collections.sitekit.core.plugins.plugin_utils.site import network, proxmox
from ansible_collections.sitekit.core.plugins.plugin_utils.site.typed import to_vars

from sitedoc.context import Context, attempt
from sitedoc.graph import Graph, to_svg
from sitedoc.report import Figure, Heading, Page, Para, Table

_MEMBER = re.compile(r"^[A-Za-z-]+?(\d+)/\d+/\d+$")


def _intent(ctx: Context, host: str) -> dict | None:
    """The device's intended data; None when the inventory cannot give it (drawn without its details).
    Computed once per pack: the drawing and the stacks table both read it."""
    if host not in ctx.memo.setdefault("device_intent", {}):
        intent = attempt(network.device_intent, ctx.rendering_site, host)
        ctx.memo["device_intent"][host] = to_vars(intent) if intent is not None else None
    return ctx.memo["device_intent"][host]


def _endpoint(ctx: Context, host: str, port: str) -> str:
    """The node a port belongs to: a stack member for a switch port, else the host itself."""
    if ctx.site.in_group(host, "cisco_switches"):
        m = _MEMBER.match(port)
        if m:
            return f"member-{host}-{m.group(1)}"
    return f"host-{host}"


def links(ctx: Context) -> list[dict]:
    """Each link of site_links with its VLANs (network view); index is its position in site_links."""
    out = []
    for i, link in enumerate(ctx.site.vars.get("site_links") or []):
        vlans = attempt(network.link_vlans, ctx.site, i, default=[])
        out.append({"index": i, **link, "vlans": vlans})
    return out


def _label(link: dict) -> str:
    kind = f"Po{link['channel']} LACP" if link.get("channel") is not None else "trunk"
    return f"{kind} · {link.get('media', '')}\nVLANs {network.vlan_list(link['vlans']) or 'none'}"


def _switches(ctx: Context, graph: Graph) -> None:
    for host in ctx.site.group("cisco_switches"):
        intent = _intent(ctx, host)
        stack = intent["stack"] if intent else [{"member": int(m["member"]), "model": m["model"], "priority": m["priority"]}
                                                for m in (ctx.site.hosts[host].get("switch") or {}).get("stack") or []]
        master = intent["stack_master"] if intent else None
        nodes = [(f"member-{host}-{m['member']}", {
            "label": f"{host} member {m['member']}\n{m['model']}\npriority {m['priority']}"
                     + (" (master)" if m["member"] == master else ""),
            "shape": "box", "style": "rounded,filled", "fillcolor": "#dbe7f5"}) for m in stack]
        role = (ctx.site.hosts[host].get("switch") or {}).get("role", "")
        where = (ctx.site.hosts[host].get("switch") or {}).get("location", "")
        graph.cluster(f"host-{host}", f"{host} ({role}) {ctx.site.host_ip(host) or ''}\n{where}".strip(), nodes,
                      style="rounded", color="#1d3557")


def _routers(ctx: Context, graph: Graph) -> None:
    glbp_hosts = []
    for host in ctx.site.group("cisco_routers"):
        intent = _intent(ctx, host)
        label = f"{host}\n{(ctx.site.hosts[host].get('router') or {}).get('model', '')}\n{ctx.site.host_ip(host) or ''}"
        if intent and intent["subinterfaces"]:
            glbp = intent["subinterfaces"][0]["glbp"]
            # The intent leaves IOS's defaults out (IOS does not print them); the page shows the effective value.
            priority = glbp["priority"] if glbp["priority"] is not None else network.GLBP_DEFAULT_PRIORITY
            label += f"\nGLBP {intent['role']}, priority {priority}"
            glbp_hosts.append((host, intent))
        graph.node(f"host-{host}", label=label, shape="box", style="filled", fillcolor="#fde8c8")
    if glbp_hosts:
        subs = glbp_hosts[0][1]["subinterfaces"]
        gateways = ", ".join(f"{s['glbp']['ip']} (VLAN {s['vlan']})" for s in subs)
        balancing = subs[0]["glbp"]["load_balancing"] or network.GLBP_DEFAULT_LOAD_BALANCING
        graph.node("glbp", label=f"GLBP virtual gateways\n{gateways}\n{balancing}, "
                   f"preempt {'on' if subs[0]['glbp']['preempt'] else 'off'}", shape="ellipse", style="dashed")
        for host, _ in glbp_hosts:
            graph.edge(f"host-{host}", "glbp", style="dashed", arrowhead="none", id=f"glbp-{host}")


def _proxmox(ctx: Context, graph: Graph) -> None:
    prox = ctx.site.vars.get("site_proxmox") or {}
    nodes = []
    for host in ctx.site.proxmox_nodes:
        node = ctx.site.hosts[host].get("pve_node") or {}
        size = f"{node.get('cores', '?')} cores, {int(node.get('memory_mb', 0)) // 1024} GB"
        nodes.append((f"host-{host}", {"label": f"{host}\n{ctx.site.host_ip(host) or ''}\n{size}", "shape": "box3d"}))
    graph.cluster("proxmox", f"Proxmox VE cluster {prox.get('cluster_name', '')} (HA)", nodes, style="dashed")
    storages = to_vars(attempt(proxmox.storages, prox, default=()))
    first = f"host-{ctx.site.proxmox_nodes[0]}" if ctx.site.proxmox_nodes else None
    for item in storages:
        if item["type"] == "iscsi":
            on_it = [f"{s['type'].upper()} {s['id']} ({s.get('vgname', '')})" for s in prox.get("storage") or []
                     if str(s.get("base") or "").split(":")[0] == item["storage"]]
            label = f"SAN {item['storage']}\niSCSI {item.get('portal', '')}\n{item.get('target', '')}\n{', '.join(on_it)}"
            graph.node(f"storage-{item['storage']}", label=label, shape="cylinder", style="filled", fillcolor="#e3f5e1")
        elif item["type"] in ("nfs", "cifs", "pbs"):
            label = f"NAS {item['storage']}\n{item['type'].upper()} {item.get('server', '')}:{item.get('export', '')}\n{item['content']}"
            graph.node(f"storage-{item['storage']}", label=label, shape="cylinder", style="filled", fillcolor="#fff4d6")
        else:
            continue
        if first:
            what = "vzdump backups" if "backup" in item["content"] else "VM disks"
            graph.edge(first, f"storage-{item['storage']}", style="dashed", label=f"{item['type'].upper()}: {what}",
                       id=f"storage-edge-{item['storage']}", ltail="cluster_proxmox")


def _archive(ctx: Context, graph: Graph) -> None:
    archive = ctx.site.vars.get("site_config_archive") or {}
    core = next(iter(ctx.site.group("core_switches")), None)
    members = sorted(int(m["member"]) for m in ((ctx.site.hosts[core].get("switch") or {}).get("stack") or [])
                     if isinstance(m, dict) and str(m.get("member", "")).isdigit()) if core in ctx.site.hosts else []
    for role in ("primary", "backup"):
        host = archive.get(role)
        if not host or host not in ctx.site.hosts:
            continue
        graph.node(f"host-{host}", label=f"{host}\nFTP config archive ({role})\n{ctx.site.host_ip(host) or ''}",
                   shape="folder", style="filled", fillcolor="#ece4f7")
        if members:
            graph.edge(f"host-{host}", f"member-{core}-{members[0]}", style="dotted", arrowhead="none",
                       label="configs of every switch and router", id=f"archive-{host}", lhead=f"cluster_host-{core}")


def topology_svg(ctx: Context) -> tuple[str, bytes]:
    graph = Graph(f"{ctx.name} topology", rankdir="LR", compound="true", fontname="DejaVu Sans", fontsize="11",
                  nodesep="0.25", ranksep="0.9", newrank="true")
    graph.lines += ['node [fontname="DejaVu Sans", fontsize=10];', 'edge [fontname="DejaVu Sans", fontsize=9];']
    _switches(ctx, graph)
    _routers(ctx, graph)
    _proxmox(ctx, graph)
    _archive(ctx, graph)
    for link in links(ctx):
        for k, (pa, pb) in enumerate(zip(link["a_ports"], link["b_ports"], strict=False)):
            graph.edge(_endpoint(ctx, link["a"], network.full_name(pa) if ctx.site.in_group(link["a"], "network") else pa),
                       _endpoint(ctx, link["b"], network.full_name(pb) if ctx.site.in_group(link["b"], "network") else pb),
                       id=f"link-{link['index']}-{k}", arrowhead="none", taillabel=pa, headlabel=pb,
                       label=_label(link) if k == 0 else None, penwidth="2" if link.get("channel") is not None else "1",
                       color="#c77d00" if link.get("media") == "fibre" else "#334155",
                       tooltip=f"{link['a']} {' '.join(link['a_ports'])} ↔ {link['b']} {' '.join(link['b_ports'])}")
    source = graph.source()
    return source, to_svg(source)


def page(ctx: Context) -> Page:
    source, svg = topology_svg(ctx)
    rows = [[f"link-{lk['index']}", lk["a"], " ".join(lk["a_ports"]), lk["b"], " ".join(lk["b_ports"]),
             f"Po{lk['channel']} (LACP)" if lk.get("channel") is not None else "—", lk.get("media", ""),
             network.vlan_list(lk["vlans"])] for lk in links(ctx)]
    stacks = []
    for host in ctx.site.group("cisco_switches"):
        intent = _intent(ctx, host)
        if intent:
            stacks.append([host, intent["role"], len(intent["stack"]),
                           ", ".join(f"{m['member']}: {m['model']} (priority {m['priority']})" for m in intent["stack"]),
                           intent["stack_master"], ", ".join(f"Po{c['id']} = {' '.join(c['members'])}" for c in intent["port_channels"])])
    p = Page("topology", "Topology", files={"topology.svg": svg, "topology.dot": source.encode()})
    return p.add(
        Para("Drawn from `site_links` (topology.yml), the switches' and routers' host_vars, `site_glbp`, "
             "`site_proxmox.storage` and `site_config_archive`. A thick line is one member of an LACP port-channel; "
             "orange lines are fibre. Each trunk carries exactly the VLANs used on both sides of it (network view). "
             "The Graphviz source is `topology.dot`."),
        Figure("topology.svg", "topology of the site", "Switch stacks, routers and GLBP, Proxmox nodes, SAN, NAS, FTP archive"),
        Heading("Links"),
        Table(["link", "side a", "ports a", "side b", "ports b", "port-channel", "media", "VLANs carried"], rows),
        Heading("Switch stacks and port-channels"),
        Table(["stack", "role", "members", "models", "master", "port-channels (members)"], stacks,
              empty="no switch stack could be computed (see validation)"),
    )
