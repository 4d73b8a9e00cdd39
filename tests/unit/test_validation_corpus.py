"""Each broken inventory of tests/validation/broken_inventories.yml fails with its own message, at its file and line.

A case is one realistic operator mistake written into a copy of inventories/rcr; it states the
text the problem must contain, the file (and line) it must name, and, where one typo could
cascade, that this problem is the only error. Every problem of every case is checked to be
printed once, in the operator's words (no Python type names, no traceback), with no rule
failing ("could not be checked").
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
import sites
from sitekit_paths import REPO
from validation.corpus import CASES as CORPUS

CLASSES = {
    "site-values": "a site value set outside group_vars/all, or one variable written in two places",
    "inventory": "how the inventory is written: tiers, groups, files Ansible never reads",
    "names": "host, account and domain names Windows or DNS refuse",
    "connection": "how Ansible reaches a host (ansible_host, ansible_*password)",
    "secrets": "plaintext, literal templates, damaged or missing vault values, whole-file vaults, placeholders",
    "addressing": "VLANs, subnets, gateways, host addresses",
    "network": "VLAN ids IOS refuses, ports and stack members, links, routers",
    "proxmox": "corosync, QDevice, VM sizes and disks, storage, backup schedule and retention",
    "windows": "GPO and update times, firewall exceptions, directory, SQL and RDS",
    "cegid": "Cegid sizing and SQL prerequisites (seed 000)",
    "site": "time zone, business hours, SLAs, proxy against the Cegid vendor domains",
    "messages": "YAML errors, encodings, traps and typos: the message names the file, line and the right key",
}
INTERNAL = re.compile(r"<class|NoneType|_Ansible|Tagged|EncryptedString|Traceback|object is not|has no attribute|"
                      r"\bdict\b|\bstr\b|\bint\b|KeyError|TypeError")


def test_corpus_is_large_distinct_and_classified():
    ids = [c["id"] for c in CORPUS]
    assert len(ids) >= 120
    assert len(set(ids)) == len(ids)
    assert len({c["expect"] for c in CORPUS}) == len(CORPUS), "two cases expect the same message"
    counts = Counter(c["class"] for c in CORPUS)
    assert set(counts) == set(CLASSES), set(counts) ^ set(CLASSES)
    assert min(counts.values()) >= 3, counts


def test_reference_inventory_is_clean():
    assert [str(p) for p in sites.problems("inventories/rcr") if p.severity == "error"] == []


def _expected_line(case, where):
    """The line a case names; `appended`: the first line its append_text adds to the reference file."""
    line = case.get("line")
    if line == "appended":
        assert where in case.get("append_text", {}), f"{case['id']}: line: appended without append_text to {where}"
        return len((REPO / "inventories/rcr" / where).read_text().splitlines()) + 1
    return line


@pytest.mark.parametrize("case", CORPUS, ids=[c["id"] for c in CORPUS])
def test_broken_inventory_is_refused(case, broken_corpus):
    inventory, problems = broken_corpus.validated(case)
    lines = [str(p) for p in problems]
    shown = "\n".join(lines)
    severity = case.get("severity", "error")
    matching = [p for p in problems if p.severity == severity and case["expect"] in str(p)]
    assert matching, f"expected a {severity} containing {case['expect']!r}, got:\n{shown}"
    where = case.get("where", case["file"])
    if where is not None:
        line = _expected_line(case, where)
        expected = f"{inventory}/{where}" + (f":{line}" if line else "")
        assert any(p.where and (p.where == expected or p.where.startswith(expected + ":")) for p in matching), (
            f"the problem must name {where}" + (f" line {line}" if line else "") + f":\n{shown}")
    assert not any("could not be checked" in line for line in lines), f"a rule crashed on this data:\n{shown}"
    assert not [line for line in lines if INTERNAL.search(line)], f"an internal name is shown:\n{shown}"
    assert len(lines) == len(set(lines)), f"a problem is reported twice:\n{shown}"
    if case.get("only"):
        errors = [p for p in problems if p.severity == "error"]
        assert errors == matching[:1] and len(errors) == 1, f"this fault must give one error, not {len(errors)}:\n{shown}"
