"""sitekit.core.template (plugins/lookup/template.py): ansible.builtin.template's lookup without its deep copy of
every variable. The same text, search path and added variables as the builtin; nothing copied; a template cannot
change the caller's variables; every role renders through it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sitekit_paths import REPO

BIN = Path(sys.executable).parent
LOOKUPS = ("ansible.builtin.template", "sitekit.core.template")

TEMPLATE = """\
{{ ansible_managed }} | {{ template_path | basename }} | {{ template_fullpath is abs }} | x={{ x }} y={{ y | default('-') }}
{% if x %}
block {{ site.a[1] }}
{% endif %}
[% x %] {# gone #}
{% include 'part.j2' %}
{% set _ = site.a.append(9) %}appended {{ site.a | length }}
"""

PLAYBOOK = """\
- hosts: localhost
  gather_facts: false
  vars:
    x: 1
    site: {a: [1, 2]}
  tasks:
    - name: render with each lookup and several options
      ansible.builtin.set_fact:
        rendered: >-
          {{ rendered | default({}) | combine({item: [
               lookup(item, 'page.j2', template_vars={'y': 5}),
               lookup(item, 'page.j2', trim_blocks=false, variable_start_string='[%', variable_end_string='%]'),
               lookup(item, 'page.j2', comment_start_string='<#', comment_end_string='#>')]}) }}
      loop: LOOKUPS
    - name: what the play sees afterwards
      ansible.builtin.copy:
        dest: "{{ out }}"
        content: "{{ {'rendered': rendered, 'site_a': site.a, 'y_defined': y is defined} | to_json }}"
""".replace("LOOKUPS", json.dumps(list(LOOKUPS)))


@pytest.fixture(scope="module")
def played(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("lookup")
    (root / "templates").mkdir()
    (root / "templates/page.j2").write_text(TEMPLATE)
    (root / "templates/part.j2").write_text("part {{ x }}\n")
    (root / "play.yml").write_text(PLAYBOOK)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    env.update(ANSIBLE_CONFIG=str(REPO / "ansible.cfg"), SITEKIT_JOURNAL_DIR=str(root / "journal"),
               PATH=f"{BIN}:{env['PATH']}")
    done = subprocess.run([BIN / "ansible-playbook", "-i", "localhost,", "-c", "local", "play.yml",
                           "-e", f"out={root / 'out.json'}", "-e", f"ansible_python_interpreter={sys.executable}"], cwd=root, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads((root / "out.json").read_text())


def test_renders_exactly_what_the_builtin_lookup_renders(played):
    builtin, ours = (played["rendered"][name] for name in LOOKUPS)
    assert ours == builtin
    default, untrimmed, comments = ours
    # the variables the builtin adds, template_vars, trim_blocks, an include found beside the template
    assert default == "Ansible managed | page.j2 | True | x=1 y=5\nblock 2\n[% x %] part 1appended 3\n"
    # trim_blocks off and other variable delimiters: {{ }} is text, [% %] prints
    assert untrimmed.startswith("{{ ansible_managed }} | ") and "\n\nblock {{ site.a[1] }}\n\n1 \npart {{ x }}\n" in untrimmed
    assert "[% x %] {# gone #}\npart 1" in comments  # other comment delimiters: {# #} is text


def test_a_template_cannot_change_the_callers_variables(played):
    builtin, ours = (played["rendered"][name] for name in LOOKUPS)
    assert "appended 3" in ours[0] and "appended 3" in builtin[0]  # the template saw its own change
    assert played["site_a"] == [1, 2] and played["y_defined"] is False  # the play did not


NO_COPY = r"""
import json, sys
from ansible import context
from ansible.module_utils.common.collections import ImmutableDict
context.CLIARGS = ImmutableDict()
from ansible.plugins.loader import init_plugin_loader, lookup_loader
init_plugin_loader()
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar

class Uncopyable(dict):
    def __deepcopy__(self, memo):
        raise AssertionError("deep-copied")

loader = DataLoader()
variables = {"ansible_search_path": [sys.argv[1]], "x": 1, "hostvars": Uncopyable(pve1={"site_ip": "x"})}
result = {}
for name in sys.argv[2:]:
    lookup = lookup_loader.get(name, loader=loader, templar=Templar(loader=loader, variables=variables))
    try:
        result[name] = lookup.run(["page.j2"], variables=variables)
    except AssertionError as error:
        result[name] = str(error)
print(json.dumps({"result": result, "keys": sorted(variables)}))
"""


def test_the_hosts_variables_are_read_in_place_never_deep_copied(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/page.j2").write_text("x={{ x }} {{ template_path | basename }}\n")
    done = subprocess.run([sys.executable, "-c", NO_COPY, str(tmp_path), *LOOKUPS], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    probe = json.loads(done.stdout.splitlines()[-1])
    assert probe["result"]["ansible.builtin.template"] == "deep-copied"  # what the builtin costs
    assert probe["result"]["sitekit.core.template"] == ["x=1 page.j2\n"]
    assert probe["keys"] == ["ansible_search_path", "hostvars", "x"]  # nothing added to the caller's mapping


def test_roles_render_file_contents_through_the_lookup_that_copies_nothing():
    builtin = re.compile(r"lookup\(\s*['\"](ansible\.builtin\.)?template['\"]")
    found = [f"{path.relative_to(REPO)}:{n}" for base in ("roles", "playbooks")
             for path in sorted((REPO / base).rglob("*.yml"))
             for n, line in enumerate(path.read_text().splitlines(), 1) if builtin.search(line)]
    assert found == []
    assert sum("lookup('sitekit.core.template'" in p.read_text() for p in (REPO / "roles").rglob("*.yml")) >= 10


def test_documents_every_option_of_the_builtin_lookup_it_honours():
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    done = subprocess.run([BIN / "ansible-doc", "-t", "lookup", "--json", *LOOKUPS], cwd=REPO, capture_output=True,
                          text=True, timeout=120, env={**env, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg")})
    assert done.returncode == 0, done.stderr
    docs = {name: data["doc"] for name, data in json.loads(done.stdout).items()}
    builtin, ours = (docs[name]["options"] for name in LOOKUPS)
    honoured = {name: option for name, option in builtin.items() if "deprecated" not in option}
    assert set(ours) == set(honoured)
    assert {n: (o.get("type", "str"), o.get("default")) for n, o in ours.items() if n != "_terms"} == \
        {n: (o.get("type", "str"), o.get("default")) for n, o in honoured.items() if n != "_terms"}
