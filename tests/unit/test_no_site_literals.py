"""Roles, playbooks and the collection's templates and plugins hold no fact of any site.

A second site must get its own directory, names and addresses, never RCR's: every site fact
comes from the inventory through the site model. The literals looked for are read from every
inventory under inventories/: identity (site name, DNS domain, NetBIOS name), OU names, host
names, addresses and subnets, and every host name the site variables declare (NTP sources,
vendor domains, URLs, mail addresses).
"""

from __future__ import annotations

import ipaddress
import re

import pytest
import sites
from sitekit_paths import COLLECTION, REPO

SCANNED = [REPO / "roles", REPO / "playbooks", COLLECTION / "templates", COLLECTION / "plugins"]
SUFFIXES = {".yml", ".yaml", ".j2", ".ps1", ".py", ".sql", ".sh", ".cfg", ".ini", ".md", ".xml", ".conf"}
DNS_NAME = re.compile(r"^(?=.*[a-z])[a-z0-9-]+(\.[a-z0-9-]+)+$", re.I)


def _strings(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, str):
        yield value


def site_literals(inventory: str) -> set[str]:
    site = sites.site(inventory)
    out = {str(site.vars.get(k)) for k in ("site_domain", "site_netbios") if site.vars.get(k)}
    out |= {str(ou["name"]) for ou in (site.vars.get("site_windows") or {}).get("ous") or []}
    out |= set(site.hosts)
    for host in site.hosts.values():
        for key in ("site_ip", "ansible_host"):
            if host.get(key):
                out.add(str(host.get(key)))
    for vlan in site.vlans:
        out.add(".".join(str(vlan.subnet.network_address).split(".")[:3]) + ".")
    for key, value in site.vars.items():
        if key.startswith("site_"):
            for text in _strings(value):
                if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text) or DNS_NAME.match(text.strip(".")):
                    out.add(text.strip("."))
    return {s for s in out if len(s) >= 3 and not _is_generic(s)}


def _is_generic(literal: str) -> bool:
    """Addresses nobody owns (loopback) are not a site's fact."""
    try:
        return ipaddress.ip_address(literal).is_loopback
    except ValueError:
        return literal.startswith("127.")


def _pattern(literal: str) -> re.Pattern:
    if literal.endswith("."):  # a subnet prefix such as 10.0.10.
        return re.compile(r"(?<![\d.])" + re.escape(literal) + r"\d")
    return re.compile(r"(?<![\w-])" + re.escape(literal) + r"(?![\w-])")


def rcr_facts_in(directory) -> list[str]:
    """The customer's facts (rcr's) written in another site's inventory, as ``file:line: literal``. Host names and
    the Cegid vendor's domains are shared by every site, so they are not counted."""
    rcr = sites.site("inventories/rcr")
    shared = set(rcr.hosts) | set((rcr.vars.get("site_cegid") or {}).get("vendor_domains") or [])
    literals = site_literals("inventories/rcr") - shared
    return [f"{path.relative_to(REPO)}:{n}: {literal!r}"
            for path in sorted(directory.rglob("*.yml"))
            for n, line in enumerate(path.read_text().splitlines(), 1)
            for literal in sorted(literals) if _pattern(literal).search(line)]


def scanned_files():
    for root in SCANNED:
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in SUFFIXES and "__pycache__" not in path.parts:
                yield path


INVENTORIES = sorted(p.parent.name for p in (REPO / "inventories").glob("*/hosts.yml"))


@pytest.mark.parametrize("inventory", INVENTORIES)
def test_no_literal_of_the_site_in_roles_playbooks_or_the_collection(inventory):
    literals = site_literals(f"inventories/{inventory}")
    assert len(literals) > 20, literals  # the scan looks for something real
    # One search per file with every pattern at once; only a file it finds something in is read line by line.
    anywhere = re.compile("|".join(f"(?:{_pattern(literal).pattern})" for literal in sorted(literals)))
    hits = []
    for path in scanned_files():
        text = path.read_text(errors="replace")
        if not anywhere.search(text):
            continue
        for n, line in enumerate(text.splitlines(), 1):
            for literal in literals:
                if _pattern(literal).search(line):
                    hits.append(f"{path.relative_to(REPO)}:{n}: {literal!r} in: {line.strip()[:120]}")
    assert not hits, f"site facts of inventories/{inventory} written into code:\n" + "\n".join(hits)


def test_the_scan_finds_a_planted_literal(tmp_path):
    literals = site_literals("inventories/rcr")
    planted = "path: OU=Serveurs,OU=RCR,DC=rcr,DC=local\nntp: 0.fr.pool.ntp.org\nhost: dc01.rcr.local 10.0.10.21\n"
    found = {lit for lit in literals if _pattern(lit).search(planted)}
    assert {"Serveurs", "rcr.local", "RCR", "0.fr.pool.ntp.org", "dc01", "10.0.10.21", "10.0.10."} <= found
    assert not any(_pattern(lit).search("group: ad_domain_controllers; template: switch.j2") for lit in literals)
