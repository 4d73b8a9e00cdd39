"""Hosts: every host with its tier, VLAN, address, node and sizing; the rack view of VMs per node.

Sizing, node, HA and pinned MAC are the Proxmox view's VM specs (``proxmox.vm_specs``): what the
cluster is asked to run, not a second reading of host_vars.
"""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site import proxmox
from ansible_collections.sitekit.core.plugins.plugin_utils.site.typed import to_vars

from sitedoc.context import TIERS, Context, attempt
from sitedoc.graph import Graph, to_svg
from sitedoc.report import Figure, Heading, Page, Para, Table


def vm_specs(ctx: Context) -> dict[str, dict]:
    specs = to_vars(attempt(proxmox.vm_specs, ctx.site, default=()))  # none: the table shows hosts without sizing
    return {spec["name"]: spec for spec in specs}


def _gb(mb) -> str:
    return f"{int(mb) / 1024:g}" if mb is not None else ""


def rack_svg(ctx: Context, specs: dict[str, dict]) -> tuple[str, bytes]:
    graph = Graph(f"{ctx.name} racks", rankdir="TB", fontname="DejaVu Sans", fontsize="11", nodesep="0.2", ranksep="0.15")
    graph.lines += ['node [fontname="DejaVu Sans", fontsize=10, shape=box, style="rounded,filled", fillcolor="#eef2f7"];',
                    'edge [style=invis];']
    for node in ctx.site.proxmox_nodes:
        vms = sorted((s for s in specs.values() if s["node"] == node), key=lambda s: s["vmid"])
        hw = ctx.site.hosts[node].get("pve_node") or {}
        cores, mem = sum(s["cores"] for s in vms), sum(s["memory"] for s in vms)
        label = (f"{node} — {hw.get('cores', '?')} cores, {_gb(hw.get('memory_mb'))} GB\n"
                 f"preferred here: {len(vms)} VMs, {cores} vCPU, {_gb(mem)} GB")
        nodes = [(f"host-{s['name']}", {"label": f"{s['name']}  (VM {s['vmid']})\n{s['cores']} vCPU · {_gb(s['memory'])} GB"
                                                  + (" · HA" if s["ha"] else ""),
                                        "fillcolor": "#dbe7f5" if s["ha"] else "#eef2f7"}) for s in vms]
        graph.cluster(f"node-{node}", label, nodes or [(f"empty-{node}", {"label": "no VM", "style": "dashed"})],
                      style="rounded", color="#1d3557")
        for a, b in zip(vms, vms[1:], strict=False):
            graph.edge(f"host-{a['name']}", f"host-{b['name']}")
    source = graph.source()
    return source, to_svg(source)


def page(ctx: Context) -> Page:
    specs = vm_specs(ctx)
    rows = []
    for name in sorted(ctx.site.hosts):
        host, spec = ctx.site.hosts[name], specs.get(name) or {}
        vlan = ctx.site.vlan(host.get("site_vlan")) if host.get("site_vlan") is not None else None
        groups = ", ".join(g for g in host.groups if g not in TIERS and g != "proxmox_vms")
        disks = " + ".join(f"{d['size_gb']}" for d in spec.get("disks") or [])
        rows.append([name, ctx.tier(name), groups, f"{vlan.id} {vlan.name}" if vlan else host.get("site_vlan"),
                     ctx.site.host_interface(name), spec.get("node"), spec.get("vmid"), spec.get("cores"),
                     _gb(spec.get("memory")) if spec else "", disks, "yes" if spec.get("ha") else ("no" if spec else ""),
                     (spec.get("net0") or {}).get("macaddr", "")])
    source, svg = rack_svg(ctx, specs)
    placement = [[s["node"], s["name"], s["vmid"], "yes" if s["ha"] else "no"]
                 for s in sorted(specs.values(), key=lambda s: (s["node"], s["vmid"]))]
    p = Page("hosts", "Hosts", files={"racks.svg": svg, "racks.dot": source.encode()})
    return p.add(
        Para(f"{len(ctx.site.hosts)} hosts. Address = `site_ip` with its VLAN's prefix; node, VM id, vCPU, memory, "
             "disks, HA and pinned MAC are the Proxmox view's VM specs (what the cluster is asked to run)."),
        Table(["host", "tier", "groups", "VLAN", "address", "node", "VM id", "vCPU", "RAM (GB)", "disks (GB)", "HA",
               "fixed MAC"], rows),
        Heading("Which VM runs on which node"),
        Para("Each VM's preferred node (HA restarts it on another node when its node fails)."),
        Figure("racks.svg", "virtual machines per Proxmox node"),
        Table(["node", "VM", "VM id", "HA"], placement, empty="no VM could be computed (see validation)"),
    )
