"""Broken Proxmox and backup inventories (issue 11) are refused before any connection, with file:line, host
and key: redundant VMs on one node, the second backup copy and the API certificate options.
Same mechanism as tests/validation/broken_inventories.yml (copy rcr, apply one fault, validate)."""

from __future__ import annotations

import pytest
from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader import load_site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import validate
from sitekit_paths import REPO
from validation.mutate import apply_case

RCR = REPO / "inventories/rcr"
BACKUP, PROXMOX = "group_vars/all/backup.yml", "group_vars/all/proxmox.yml"

SECOND = """  second_copy:
    storage: offsite-backup
    schedule: "05:00"          # Sunday before dawn: inside the night and weekend windows, 7.5 h after Saturday night's job
    days: [sun]
    retention: {keep_weekly: 5, keep_monthly: 2}
"""


VAULT = REPO / "inventories/rcr/group_vars/all/vault.yml"
SUBSCRIPTION = "group_vars/all/subscription.yml"


def _envelope() -> str:
    """An existing !vault value of rcr's vault.yml, indented for a mapping one level deeper."""
    lines = VAULT.read_text().split("vault_proxmox_api_token_secret: !vault |\n", 1)[1].splitlines()
    block = [line for line in lines[:7]]
    return "!vault |\n" + "\n".join("  " + line for line in block) + "\n"


def _keys(*nodes: str, plain: str = "") -> dict:
    body = "".join(f"  {n}: {_envelope()}" for n in nodes) + (f"  {plain}: pve2c-0123456789\n" if plain else "")
    return {SUBSCRIPTION: "---\nvault_proxmox_subscription_keys:\n" + body}


def _second(old: str, new: str) -> dict:
    """Edit the second copy as text (a YAML round trip would unquote the times)."""
    assert old in SECOND
    return {BACKUP: [SECOND, SECOND.replace(old, new)]}


CASES = [
    {"id": "spread-pair-on-one-node", "file": "host_vars/dc02.yml", "set": {"vm.node": "pve1"},
     "expect": "host dc02: vm.node: dc02 prefers node pve1 like dc01, of the same spread group ad_domain_controllers"},
    {"id": "second-copy-missing", "file": BACKUP, "replace_text": {BACKUP: [SECOND, ""]},
     "expect": "site_backup.second_copy: missing: seeds 001 art. 9 and 002 art. 6 require the backups in two copies"},
    {"id": "second-copy-same-storage", "file": BACKUP, "replace_text": _second("storage: offsite-backup", "storage: nas-backup"),
     "expect": "site_backup.second_copy.storage: 'nas-backup' already holds the nightly copy"},
    {"id": "second-copy-unknown-storage", "file": BACKUP, "replace_text": _second("storage: offsite-backup", "storage: cloud"),
     "expect": "site_backup.second_copy.storage: 'cloud' must be a storage of site_proxmox with content 'backup'"},
    {"id": "second-copy-same-place", "file": PROXMOX, "set": {"site_proxmox.storage[3].location": "storage building"},
     "expect": "'nas-backup' and 'offsite-backup' are both in 'storage building': two copies must be kept in two places",
     "where": BACKUP},
    {"id": "second-copy-place-unknown", "file": PROXMOX, "delete": ["site_proxmox.storage[2].location"],
     "expect": "declare the location of storages 'nas-backup' and 'offsite-backup'", "where": BACKUP},
    {"id": "second-copy-outside-window", "file": BACKUP,
     "replace_text": {BACKUP: [SECOND, SECOND.replace('"05:00"', '"12:00"').replace("[sun]", "[sat, mon]")]},
     "expect": "site_backup.second_copy.schedule: 12:00 on mon is outside every maintenance window"},
    {"id": "second-copy-short-retention", "file": BACKUP, "replace_text": _second("keep_weekly: 5", "keep_weekly: 3"),
     "expect": "site_backup.second_copy.retention.keep_weekly: 3 is below the contractual minimum 5"},
    {"id": "second-copy-without-months", "file": BACKUP, "replace_text": _second(", keep_monthly: 2", ""),
     "expect": "site_backup.second_copy.retention: 'keep_monthly' is required"},
    {"id": "subscription-key-shared", "file": SUBSCRIPTION,
     "write": {SUBSCRIPTION: "---\nvault_proxmox_subscription_key: " + _envelope()},
     "expect": "vault_proxmox_subscription_key: one subscription key for 3 nodes: a key is bound to one server"},
    {"id": "subscription-keys-some-nodes", "file": SUBSCRIPTION, "write": _keys("pve1", "pve2"),
     "expect": "vault_proxmox_subscription_keys: no key for pve3: those nodes would use pve-no-subscription"},
    {"id": "subscription-keys-unknown-node", "file": SUBSCRIPTION, "write": _keys("pve1", "pve2", "pve4"),
     "expect": "vault_proxmox_subscription_keys.pve4: pve4 is not a node of proxmox_nodes"},
    {"id": "subscription-keys-plaintext", "file": SUBSCRIPTION, "write": _keys("pve1", "pve2", plain="pve3"),
     "expect": "vault_proxmox_subscription_keys.pve3: is plaintext"},
    {"id": "api-fingerprint-malformed", "file": PROXMOX, "set": {"site_proxmox.api_fingerprint": "AB:CD:EF"},
     "expect": "site_proxmox.api_fingerprint: 'AB:CD:EF' does not match"},
]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_broken_proxmox_inventory_is_refused(case, tmp_path):
    inventory = apply_case(RCR, tmp_path / "inv", case)
    errors = [p for p in validate(load_site(inventory)) if p.severity == "error"]
    lines = [str(p) for p in errors]
    matching = [p for p in errors if case["expect"] in str(p)]
    assert matching, f"expected a problem containing {case['expect']!r}, got:\n" + "\n".join(lines)
    where = case.get("where", case["file"])
    assert any(p.where and f"{inventory}/{where}:" in p.where for p in matching), "\n".join(lines)
    assert not any("could not be checked" in line for line in lines), "a rule crashed on malformed data"


def test_one_vaulted_subscription_key_per_node_is_accepted(tmp_path):
    inventory = apply_case(RCR, tmp_path / "inv", {"file": SUBSCRIPTION, "write": _keys("pve1", "pve2", "pve3")})
    problems = [str(p) for p in validate(load_site(inventory)) if p.rule == "subscription-keys" or "subscription" in p.key]
    assert problems == []
