"""Every role default and every role template renders through Ansible itself (ansible-core 2.19
templating, the real filters) against inventories/rcr — controller side only: the plays run
`debug` and template lookups, which contact no host. Secrets (no_log in argument_specs) are
not rendered: they need the site's vault password."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from windows_testlib import REPO, ROLES

# Which host each role runs on in playbooks/windows.yml.
ROLE_HOSTS = {"windows_base": "sql01", "ad_domain": "dc01", "rds_deployment": "rdcb01", "sqlserver_cegid": "sql01",
              "windows_firewall": "rdsh01", "file_server": "fs01"}
TEMPLATES = {  # template -> (host, extra vars)
    "roles/sqlserver_cegid/templates/ConfigurationFile.ini.j2": ("sql01", {}),
    "roles/ad_domain/templates/ScheduledTasks.xml.j2": ("dc01", {}),
    **{f"roles/sqlserver_cegid/templates/tsql/{p.name}": ("sql01", {"sqlserver_cegid_tsql_apply": False})
       for p in sorted((REPO / "roles/sqlserver_cegid/templates/tsql").glob("*.sql.j2"))},
}


def argument_specs(role: str) -> dict:
    return yaml.safe_load((REPO / "roles" / role / "meta/argument_specs.yml").read_text())["argument_specs"]["main"]["options"]


def public_defaults(role: str) -> list[str]:
    return [name for name, spec in argument_specs(role).items() if not spec.get("no_log")]


# argument_specs types → the JSON types a rendered value of that type has (int/float/bool kept apart: True is no int)
JSON_TYPES = {"str": (str,), "path": (str,), "int": (int,), "float": (int, float), "bool": (bool,), "list": (list,),
              "dict": (dict,), "raw": (str, int, float, bool, list, dict)}


def mismatch(value, spec: dict) -> str | None:
    """Why a rendered value is not what its argument_spec declares (type, elements, choices, no Jinja left), or None."""
    kind = spec.get("type", "str")
    if value is None or not isinstance(value, JSON_TYPES[kind]) or (isinstance(value, bool) and kind in ("int", "float")):
        return f"{value!r} is not a {kind}"
    if kind == "list" and spec.get("elements"):
        bad = [m for m in (mismatch(v, {"type": spec["elements"]}) for v in value) if m]
        if bad:
            return f"element {bad[0]}"
    chosen = value if kind == "list" else [value]  # a list's choices bind each element, as Ansible checks them
    if spec.get("choices") and not all(v in spec["choices"] for v in chosen):
        return f"{value!r} is not among {spec['choices']}"
    if "{{" in json.dumps(value) or "{%" in json.dumps(value):
        return f"{value!r} still holds a template"
    return None


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("render")
    hosts = sorted(set(ROLE_HOSTS.values()))
    names = {h: [n for role, host in ROLE_HOSTS.items() if host == h for n in public_defaults(role)] for h in hosts}
    play = [{
        "name": "Render the Windows roles' defaults and templates",
        "hosts": ",".join(hosts),
        "gather_facts": False,
        "tasks": [
            {"name": "Load every role's defaults", "ansible.builtin.include_vars": {"file": f"{REPO}/roles/{{{{ item }}}}/defaults/main.yml"},
             "loop": list(ROLES)},
            {"name": "Render the defaults", "ansible.builtin.set_fact": {
                "rendered_defaults": "{{ dict(names[inventory_hostname] | zip(lookup('ansible.builtin.vars', *names[inventory_hostname]))) }}"},
             "vars": {"names": names}},
            {"name": "Render the templates", "ansible.builtin.set_fact": {
                "rendered_templates": "{{ rendered_templates | default({}) | combine({item.key: lookup('ansible.builtin.template', item.key, template_vars=item.value[1])}) }}"},
             "loop": "{{ templates | dict2items | selectattr('value.0', 'eq', inventory_hostname) }}",
             "loop_control": {"label": "{{ item.key }}"}, "vars": {"templates": {f"{REPO}/{k}": list(v) for k, v in TEMPLATES.items()}}},
            {"name": "Write what was rendered", "run_once": True, "delegate_to": "localhost",
             "ansible.builtin.copy": {"dest": str(tmp / "rendered.json"), "mode": "0600", "content": (
                 "{{ {'defaults': dict(ansible_play_hosts | zip(ansible_play_hosts | map('extract', hostvars, 'rendered_defaults'))),"
                 " 'templates': ansible_play_hosts | map('extract', hostvars, 'rendered_templates') | select('defined') | combine} | to_json }}")}},
        ],
    }]
    playbook = tmp / "render.yml"
    playbook.write_text(yaml.safe_dump(play, sort_keys=False))
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1", "SITEKIT_RUN_LOG_DIR": str(tmp / "runs")}
    out = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "-i", "inventories/rcr", str(playbook),
                          "-e", "ansible_connection=local", "-e", "ansible_password=not-used", "-e", f"ansible_python_interpreter={sys.executable}"],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, (out.stdout[-6000:] + out.stderr[-3000:])
    result = json.loads((tmp / "rendered.json").read_text())
    result["templates"] = {k.replace(f"{REPO}/", ""): v for k, v in result["templates"].items()}
    return result


@pytest.mark.parametrize("role", ROLES)
def test_every_public_default_renders_to_its_declared_type(rendered, role):
    """Each public default renders to a value of the type, element type and choices meta/argument_specs.yml
    declares, with no template left in it."""
    values, specs = rendered["defaults"][ROLE_HOSTS[role]], argument_specs(role)
    assert set(public_defaults(role)) <= set(values)
    assert {name: mismatch(values[name], specs[name]) for name in public_defaults(role)
            if mismatch(values[name], specs[name])} == {}


@pytest.mark.parametrize(("value", "spec", "wrong"), [
    (None, {"type": "str"}, True), ("C:", {"type": "str"}, False), ("10", {"type": "int"}, True), (True, {"type": "int"}, True),
    (10, {"type": "int"}, False), (["a", 1], {"type": "list", "elements": "str"}, True), (["a"], {"type": "list", "elements": "str"}, False),
    ("weekly", {"type": "str", "choices": ["daily"]}, True), (["Domain", "Guest"], {"type": "list", "choices": ["Domain"]}, True),
    (["Domain"], {"type": "list", "elements": "str", "choices": ["Domain", "Public"]}, False), ("{{ x }}", {"type": "str"}, True), ({"a": "{{ x }}"}, {"type": "dict"}, True),
])
def test_a_default_of_another_type_is_named(value, spec, wrong):
    assert bool(mismatch(value, spec)) is wrong


def test_rendered_values_are_the_site_model(rendered):
    sql = rendered["defaults"]["sql01"]
    assert sql["windows_base_international"] == {"sShortDate": "dd/MM/yyyy", "sTimeFormat": "HH:mm:ss", "sDecimal": ",", "iTime": "1"}
    assert sql["windows_base_dns_servers"] == ["10.0.10.21", "10.0.10.22"]
    assert sql["windows_base_timezone"] == "Romance Standard Time"
    assert sql["windows_base_servers_ou"] == "OU=Serveurs,OU=RCR,DC=rcr,DC=local"
    assert sql["windows_base_join"] is True and sql["windows_base_update_ring"]["name"] == "general"
    assert sql["sqlserver_cegid_setup"]["collation"] == "French_CI_AS"
    assert sql["sqlserver_cegid_server_instance"] == "localhost\\CEGID"
    dc = rendered["defaults"]["dc01"]
    assert dc["ad_domain_first_dc"] == "dc01" and dc["ad_domain_dn"] == "DC=rcr,DC=local"
    assert [g["name"] for g in dc["ad_domain_groups"]] == ["GG-SQL-Admins", "GG-RDS-Admins", "GG-Cegid-Utilisateurs", "GG-Cegid-Admins",
                                                         "GG-Fichiers-Commun-RW", "GG-Fichiers-Commun-RO"]
    assert dc["ad_domain_groups"][0]["member_rids"] == [500], "the built-in Administrator by RID, not by its localised name"
    assert dc["ad_domain_kds_lab_backdate"] is False, "never on the customer site"
    assert dc["ad_domain_reverse_zones"][0] == "10.0.10.in-addr.arpa"
    assert len(dc["ad_domain_dhcp_scopes"]) == 2 and dc["ad_domain_shutdown"]["time"] == "20:00:00"
    broker = rendered["defaults"]["rdcb01"]
    assert broker["rds_deployment_plan"]["management_server"] == "rdcb01.rcr.local"
    assert len(broker["rds_deployment_certificates"]) == 4
    assert broker["rds_deployment_broker_ha"]["dns_addresses"] == ["10.0.10.37", "10.0.10.38"]
    assert broker["rds_deployment_remote_app"]["required_on"] == ["rdsh01", "rdsh02"]
    files = rendered["defaults"]["fs01"]
    assert files["file_server_data_volume"] == "E:" and files["file_server_shadow_copies"]["max_size_percent"] == 10
    assert [r["name"] for r in rendered["defaults"]["rdsh01"]["windows_firewall_rules"]] == ["Cegid-TCP-in", "Cegid-UDP-in", "Cegid-Portail-out"]


def test_templates_render_through_ansible(rendered):
    assert set(rendered["templates"]) == set(TEMPLATES)
    ini = rendered["templates"]["roles/sqlserver_cegid/templates/ConfigurationFile.ini.j2"]
    assert re.search(r'^SQLCOLLATION="French_CI_AS"\r?$', ini, re.M) and not re.search(r"^SECURITYMODE=", ini, re.M)
    xml = rendered["templates"]["roles/ad_domain/templates/ScheduledTasks.xml.j2"]
    assert "<StartBoundary>2026-01-01T20:00:00</StartBoundary>" in xml and "shutdown.exe" in xml
    ElementTree.fromstring(xml.encode())  # well-formed
    assert "DECLARE @apply BIT = 0;" in rendered["templates"]["roles/sqlserver_cegid/templates/tsql/security.sql.j2"]
