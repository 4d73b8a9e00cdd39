"""Firewall matrix per host: what is open, to whom, why, and which document asks for it.

Windows rows are the Windows view's rules (``windows.firewall_rules``: what windows_firewall
applies). Debian rows come from the Debian view's ``firewall_rules(site, host)`` when the
collection has one (plugin_utils/site/debian.py); until then each Debian host says so.
"""

from __future__ import annotations

import importlib

from ansible_collections.sitekit.core.plugins.plugin_utils.site import windows

from sitedoc.context import Context
from sitedoc.report import Heading, Page, Para, Table, status

COLUMNS = ["port", "protocol", "direction", "allowed peers", "why", "source document"]
CEGID_SOURCE = "seed 000 §6 « Pare-Feu » (SITE-SPEC §5)"
NOT_MODELLED = "not modelled yet: the Debian view has no firewall rules in this version"


def debian_view():
    """The Debian view module, or None while the collection has none."""
    try:
        return importlib.import_module("ansible_collections.sitekit.core.plugins.plugin_utils.site.debian")
    except ImportError:
        return None


def _peers(rule: dict) -> str:
    scope = rule.get("scope") or []
    if "internet" in scope:
        return "public IPv4 addresses only (private and special blocks excluded)"
    subnets = rule.get("remoteip") or rule.get("sources") or ""
    subnets = subnets if isinstance(subnets, str) else ", ".join(str(s) for s in subnets)
    return f"{', '.join(scope)} VLANs: {subnets}" if scope else subnets


def windows_rows(ctx: Context, host: str) -> list[list]:
    rows = []
    for rule in windows.firewall_rules(ctx.site, host):
        source = f"toolkit addition: {rule['description']}" if rule.get("addition") else CEGID_SOURCE
        rows.append([",".join(str(p) for p in rule["ports"]), rule["protocol"].upper(), rule["direction"],
                     _peers(rule), f"{rule['name']}: {rule['description']}", source])
    return rows


def debian_rows(view, ctx: Context, host: str) -> list[list]:
    """Rows of the Debian view's rules; the keys read are the Windows rules' where they exist."""
    rows = []
    for rule in view.firewall_rules(ctx.site, host):
        ports = rule.get("ports", rule.get("port", ""))
        rows.append([",".join(str(p) for p in ports) if isinstance(ports, list) else ports,
                     str(rule.get("protocol", "")).upper(), rule.get("direction", "in"), _peers(rule),
                     rule.get("why") or rule.get("description") or rule.get("name", ""),
                     rule.get("source") or rule.get("section") or ""])
    return rows


def page(ctx: Context) -> Page:
    p = Page("firewall", "Firewall matrix")
    p.add(Para("Per host: each port the host firewall opens, to which peers, why, and the source document that asks "
               "for it. Everything not listed is closed (Windows: the Cegid rules of `site_cegid_firewall` through "
               "the Windows view; Debian: the Debian view)."))
    view = debian_view()
    plain = []
    for host in sorted(ctx.site.group("windows")):
        try:
            rows = windows_rows(ctx, host)
        except Exception as exc:  # noqa: BLE001 - shown on the page; validation names the cause
            rows = [["", "", "", "", status("fail", f"could not be computed: {exc}"), ""]]
        if rows:
            p.add(Heading(f"{host} (Windows)", 3), Table(COLUMNS, rows))
        else:
            plain.append(host)
    if plain:
        p.add(Heading("Windows hosts without a modelled exception", 3),
              Para(f"{', '.join(plain)}: Windows Firewall defaults and the rules their server roles enable "
                   "(AD, RDS, file sharing); no Cegid exception applies to them."))
    for host in sorted(ctx.site.group("debian")):
        p.add(Heading(f"{host} (Debian)", 3))
        if view is None or not hasattr(view, "firewall_rules"):
            p.add(Para(status("none", NOT_MODELLED)))
            continue
        try:
            p.add(Table(COLUMNS, debian_rows(view, ctx, host), empty="no port open"))
        except Exception as exc:  # noqa: BLE001 - shown on the page; validation names the cause
            p.add(Para(status("fail", f"could not be computed: {exc}")))
    return p
