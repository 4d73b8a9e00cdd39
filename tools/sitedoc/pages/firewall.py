"""Firewall matrix per host: what is open, to whom, why, and which document asks for it.

Windows rows are the Windows view's rules (``windows.firewall_rules``: what windows_firewall
applies); Debian rows are the Debian view's input policy (``debian.firewall(site, host)``: what
the nftables role applies). Everything else is dropped on both.
"""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site import debian, windows
from ansible_collections.sitekit.core.plugins.plugin_utils.site.typed import to_vars
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.data import FirewallRule

from sitedoc.context import Context
from sitedoc.report import Heading, Page, Para, Table, status

COLUMNS = ["port", "protocol", "direction", "allowed peers", "why", "source document"]
CEGID_SOURCE = "seed 000 §6 « Pare-Feu » (SITE-SPEC §5)"
# The requirement behind each service the Debian view opens (SITE-SPEC sections and their seeds).
DEBIAN_SOURCES = {
    "ssh": "SITE-SPEC §2 (administration: SSH v2 only, from the administration VLANs)",
    "glpi-https": "seed 003, SITE-SPEC §6 (GLPI for the users)",
    "syslog": "SITE-SPEC §2 (network devices log to the syslog host)",
    "ftp-archive": "seed 003, SITE-SPEC §2 (configurations kept on two FTP servers)",
    "proxy": "seed 003, SITE-SPEC §4 (Squid relays HTTP, HTTPS and FTP)",
}


def _peers(rule: FirewallRule) -> str:
    """The remote side of a Windows rule: the VLAN roles it names with their subnets, or the public Internet."""
    if "internet" in rule.scope:
        return "public IPv4 addresses only (private and special blocks excluded)"
    return f"{', '.join(rule.scope)} VLANs: {rule.remoteip}" if rule.scope else rule.remoteip


def windows_rows(ctx: Context, host: str) -> list[list]:
    rows = []
    for rule in windows.firewall_rules(ctx.site, host):
        source = f"toolkit addition: {rule.description}" if rule.addition else CEGID_SOURCE
        rows.append([",".join(str(p) for p in rule.ports), rule.protocol.upper(), rule.direction,
                     _peers(rule), f"{rule.name}: {rule.description}", source])
    return rows


def debian_rows(ctx: Context, host: str) -> list[list]:
    """Rows of the Debian view's input policy for one host (inbound; replies and loopback always pass)."""
    return [[",".join(str(p) for p in rule["ports"]), rule["protocol"].upper(), "in", ", ".join(rule["sources"]),
             f"{rule['name']}: {rule['why']}", DEBIAN_SOURCES.get(rule["name"], "")]
            for rule in to_vars(debian.firewall(ctx.site, host))["rules"]]


def page(ctx: Context) -> Page:
    p = Page("firewall", "Firewall matrix")
    p.add(Para("Per host: each port the host firewall opens, to which peers, why, and the source document that asks "
               "for it. Everything not listed is closed (Windows: the Cegid rules of `site_cegid_firewall` through "
               "the Windows view; Debian: the Debian view)."))
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
        try:
            p.add(Table(COLUMNS, debian_rows(ctx, host), empty="no port open"))
        except Exception as exc:  # noqa: BLE001 - shown on the page; validation names the cause
            p.add(Para(status("fail", f"could not be computed: {exc}")))
    return p
