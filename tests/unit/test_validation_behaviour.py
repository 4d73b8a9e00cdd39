"""How validation behaves beyond single faults: its API, a failing rule, strictness, vault values, references.

The corpus (test_validation_corpus.py) proves each fault's message; these tests prove the
machinery: a rule that raises keeps what it found and hides no other rule, the strict flag,
the public API (``load_site(path)``, ``validate(site)``), what counts as a secret reference,
what a damaged vault envelope is.
"""

from __future__ import annotations

import re

import pytest
import sites
from ansible_collections.sitekit.core.plugins.plugin_utils.site import rulebook, vault
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import Problem, is_reference, problem
from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import describe_rules, validate
from ansible_collections.sitekit.core.plugins.plugin_utils.site.secrets_rules import is_secret_key
from ansible_collections.sitekit.core.plugins.plugin_utils.site.wording import did_you_mean, show

PLACEHOLDERS = "secret(s) are still the public example placeholders"


def test_public_api_is_unchanged(rcr_site):
    """load_site(path) (what the session fixture calls) and validate(site) (a list of Problem)."""
    problems = validate(rcr_site)
    assert len(rcr_site.hosts) == 33 and isinstance(problems, list)
    assert all(isinstance(p, Problem) for p in problems)
    assert [p for p in problems if p.severity == "error"] == []


def test_a_failing_rule_keeps_its_findings_and_hides_no_other(monkeypatch):
    def half_done(site):
        yield problem("half-done", "site_name", "found before failing")
        raise KeyError("boom")

    half_done.rule_id, half_done.runs_views = "half-done", False
    half_done.__module__ = "tests.half_done"
    monkeypatch.setattr(rulebook, "RULES", [*rulebook.RULES, ("half-done", "a rule that fails half-way", half_done)])
    import ansible_collections.sitekit.core.plugins.plugin_utils.site.registry as registry

    monkeypatch.setattr(registry, "RULES", rulebook.RULES)
    site = sites.modified(site_glpi={**sites.site().vars["site_glpi"], "version": "ten"})
    lines = [str(p) for p in validate(site)]
    assert any("site_name: found before failing [half-done]" in line for line in lines), lines
    failed = [line for line in lines if "could not be checked (a rule that fails half-way)" in line]
    assert failed and "KeyError" not in failed[0] and "boom" not in failed[0], failed
    assert any("site_glpi.version: 'ten' does not match" in line for line in lines), lines


def test_strict_makes_placeholders_errors():
    site = sites.site()
    relaxed = [p for p in validate(site) if PLACEHOLDERS in p.message]
    strict = [p for p in validate(site, strict=True) if PLACEHOLDERS in p.message]
    assert [p.severity for p in relaxed] == ["warning"]
    assert [p.severity for p in strict] == ["error"]
    assert [p.severity for p in validate(site) if PLACEHOLDERS in p.message] == ["warning"], "strict leaked"


def test_errors_alone_derive_no_key_and_find_the_same_errors(monkeypatch):
    """The gate without -v wants errors alone (warnings=False): the example vault password is tried on no vault
    value (a key derivation each, ~6 ms), the errors are those of a full validation, and strict still tries it."""
    from ansible_collections.sitekit.core.plugins.plugin_utils.site import secrets_rules

    tried, is_example = [], vault.is_example
    monkeypatch.setattr(secrets_rules.vault, "is_example", lambda text: tried.append(text) or is_example(text))
    site = sites.modified(site_timezone="Europe/Pairs")
    full = validate(site)
    assert tried and [p for p in full if PLACEHOLDERS in p.message], "the full validation tries every vault value"
    tried.clear()
    errors_alone = validate(site, warnings=False)
    assert tried == []
    assert [str(p) for p in errors_alone if p.severity == "error"] == [str(p) for p in full if p.severity == "error"]
    assert any("Europe/Pairs" in p.message for p in errors_alone)
    assert [p.severity for p in validate(site, strict=True, warnings=False) if PLACEHOLDERS in p.message] == ["error"]
    assert [p for p in validate(site) if PLACEHOLDERS in p.message], "warnings=False leaked into the next validation"


def test_lab_secrets_are_lookups_not_placeholders():
    problems = validate(sites.site("inventories/lab"))
    assert not [p for p in problems if p.rule in ("secrets", "vault-values")], [str(p) for p in problems]


@pytest.mark.parametrize(("value", "reads"), [
    ("{{ vault_x }}", True),
    ("{{ lookup('ansible.builtin.password', '/tmp/x length=24') }}", True),
    ("{{ query('env', 'X') | first }}", True),
    ("{{ 'S3cret' }}", False),
    ("{{ 'a' ~ 'b' }}", False),
    ("{{ vault_x", False),
    # Ansible's own filters and tests are unknown to plain Jinja2: still parsed, never compiled
    ("{{ vault_x | bool }}", True),
    ("{{ vault_x if vault_x is defined else omit }}", True),
    ("{{ 'S3cret' | bool }}", False),
    ("{% for x in [1] %}{{ x | to_json }}{% endfor %}", False),
    ("S3cret", False),
    (None, False),
])
def test_what_is_a_reference(value, reads):
    assert is_reference(value) is reads


@pytest.mark.parametrize(("key", "secret"), [
    ("ansible_password", True), ("ansible_become_pass", True), ("ansible_ssh_pass", True), ("glpi_db_pwd", True),
    ("snmp_community", True), ("api_key", True), ("privateKey", True), ("auth_password", True),
    ("passive_ports", False), ("vault_var", False), ("password_min_length", False), ("api_token_id", False),
    ("ansible_ssh_private_key_file", False), ("site_required_secrets", False), ("bypass_proxy", False),
])
def test_which_keys_hold_secrets(key, secret):
    assert is_secret_key(key) is secret


def _envelope() -> str:
    return vault.ciphertext(sites.site().vars["vault_snmp_auth_password"])


def test_committed_envelopes_are_well_formed_examples():
    text = _envelope()
    assert vault.envelope_problem(text) is None
    assert vault.is_example(text)


@pytest.mark.parametrize("damage", [
    lambda t: t[:-10],  # truncated inside the last line
    lambda t: "\n".join(t.splitlines()[:-2]),  # the last two lines lost
    lambda t: t.replace("$ANSIBLE_VAULT;1.1;AES256", "$ANSIBLE_VAULT;1.1"),
    lambda t: t.replace("$ANSIBLE_VAULT", "ANSIBLE_VAULT"),
    lambda t: t.replace("3", "g", 1),
    lambda t: "",
])
def test_damaged_envelopes_are_refused_without_the_password(damage):
    assert vault.envelope_problem(damage(_envelope())) is not None


def test_a_damaged_envelope_that_keeps_its_form_is_caught_with_the_password():
    lines = _envelope().splitlines()
    edited = "\n".join(lines[:-2] + [lines[-2][:-1] + ("0" if lines[-2][-1] != "0" else "1"), lines[-1]])
    assert vault.envelope_problem(edited) is None  # the form survives an edited digit
    assert not vault.decrypts_with(edited, vault.example_secrets())  # the HMAC does not


def test_values_are_shown_in_yaml_words():
    assert show(None) == "null"
    assert show(True) == "true"
    assert show({"a": [1, "x"]}) == "{a: [1, 'x']}"
    assert show("x" * 100).endswith("…")
    assert did_you_mean("site_vlan", ["site_vlans", "site_ip"]) == "site_vlans"
    assert did_you_mean("qwerty", ["site_vlans"]) is None


def test_every_rule_is_described_once():
    ids = [rule_id for rule_id, _ in describe_rules()]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9-]+", rule_id) for rule_id in ids)


@pytest.mark.parametrize(("second", "refused"), [
    ("*ftp01", False),                   # a YAML alias repeats the mapping, it does not write it again
    ("{inventory_note: other}", True),   # a second mapping written for the host: Ansible keeps one silently
])
def test_a_yaml_alias_is_not_a_second_definition(tmp_path, second, refused):
    import shutil

    from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader import load_site

    inventory = tmp_path / "inv"
    shutil.copytree(sites.REPO / "inventories/rcr", inventory)
    (inventory / "extra.yml").write_text(
        "all:\n  hosts:\n    ftp01: &ftp01\n      inventory_note: archive\n  children:\n    debian:\n      hosts:\n"
        f"        ftp01: {second}\n")
    found = [str(p) for p in validate(load_site(str(inventory))) if "is also written" in p.message]
    assert bool([m for m in found if "inventory_note: is also written in extra.yml" in m]) is refused, found
