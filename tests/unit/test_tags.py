"""One tag grammar in every playbook and role (README.md, section Tags).

``tier::<tier>`` on tier plays, ``role::<role>`` on a role, ``role::<role>:<step>`` on a role's
steps, ``always`` for validation and what every step of a role needs; a role tag names a role that
exists, every task file a role imports carries its step tag, and a dynamic role include is tagged
with the step gate of its role.
"""

from __future__ import annotations

import re

import yaml
from sitekit_paths import REPO

TIERS = {"proxmox", "network", "windows", "linux"}
ROLES = {p.name for p in (REPO / "roles").iterdir() if (p / "tasks").is_dir()}
GRAMMAR = re.compile(r"^(always|never|tier::(?P<tier>[a-z_]+)|role::(?P<role>[a-z_]+)(:(?P<step>[a-z0-9_-]+))?)$")
# The step gate (sitekit.core.step_gate): `always` when --tags names a step of the role. The tag of a dynamic role
# include (playbooks/proxmox.yml says why) and of what every step of a static role needs (roles/cisco_ios).
STEP_GATE = "{{{{ ansible_run_tags | sitekit.core.step_gate('{role}') }}}}"


def _tags(node, where):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "tags":
                for tag in value if isinstance(value, list) else [value]:
                    yield where, str(tag)
            else:
                yield from _tags(value, where)
    elif isinstance(node, list):
        for item in node:
            yield from _tags(item, where)


def all_tags():
    for path in sorted(list((REPO / "playbooks").glob("*.yml")) + list((REPO / "roles").glob("*/tasks/*.yml"))):
        yield from _tags(yaml.safe_load(path.read_text()), path.relative_to(REPO))


def bad_tags(tags) -> list[str]:
    out = []
    gates = {STEP_GATE.format(role=role) for role in ROLES}
    for where, tag in tags:
        if tag in gates:
            continue
        m = GRAMMAR.match(tag)
        if not m or (m.group("tier") and m.group("tier") not in TIERS) or (m.group("role") and m.group("role") not in ROLES):
            out.append(f"{where}: {tag}")
    return out


def test_every_tag_follows_the_grammar():
    tags = list(all_tags())
    assert len(tags) > 40
    assert bad_tags(tags) == []


def test_the_grammar_refuses_the_old_forms():
    assert bad_tags([("x", "proxmox_api"), ("x", "role::nosuchrole"), ("x", "tier::dmz"), ("x", "windows")]) == [
        "x: proxmox_api", "x: role::nosuchrole", "x: tier::dmz", "x: windows"]
    assert bad_tags([("x", "role::glpi:release"), ("x", "tier::linux"), ("x", "always")]) == []


def test_every_imported_task_file_has_its_step_tag():
    # or the step gate: a file every step needs (roles/glpi/tasks/0045-database.yml) belongs to no step
    missing = []
    for main in sorted((REPO / "roles").glob("*/tasks/main.yml")):
        role = main.parts[-3]
        for task in yaml.safe_load(main.read_text()) or []:
            for item in [task, *(task.get("block") or [])]:
                imported = item.get("ansible.builtin.import_tasks")
                tags = item.get("tags") or []
                if imported and not any(t.startswith(f"role::{role}:") or t == STEP_GATE.format(role=role) for t in tags):
                    missing.append(f"{main.relative_to(REPO)}: {imported}")
    assert missing == []


def _step_tags(role: str, tasks_file: str | None) -> set[str]:
    files = [REPO / "roles" / role / "tasks" / tasks_file] if tasks_file else sorted((REPO / "roles" / role / "tasks").glob("*.yml"))
    return {tag for path in files for _, tag in _tags(yaml.safe_load(path.read_text()), path)
            if tag.startswith(f"role::{role}:")}


def _includes(path):
    """(play, include_role task) for every dynamic role include of a playbook."""
    def walk(node):
        if isinstance(node, dict):
            if "ansible.builtin.include_role" in node:
                yield node
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    for play in yaml.safe_load(path.read_text()):
        for include in walk(play):
            yield play, include


def test_a_dynamic_role_include_runs_when_the_run_names_one_of_its_steps():
    # issue 10. A dynamic include runs only when one of its own tags is selected, and its own tags do not
    # reach its tasks. It inherits the play's tier and role tags, and is `always` when --tags names a step of
    # its role (STEP_GATE): --tags role::<role>:<step> runs it, --skip-tags role::<role>:<step> does not skip
    # it (it carries no step tag), --tags of another role does not select it. The tags its tasks get from
    # `apply` are the play's (tests/unit/test_step_tags.py lists them through an import of the role).
    wrong, seen = [], 0
    for path in sorted((REPO / "playbooks").glob("*.yml")):
        for play, include in _includes(path):
            spec = include["ansible.builtin.include_role"]
            seen += 1
            where = f"{path.relative_to(REPO)}: {include['name']}"
            if include.get("tags") != [STEP_GATE.format(role=spec["name"])]:
                wrong.append(f"{where}: tags {include.get('tags')}")
            if (spec.get("apply") or {}).get("tags") != play.get("tags"):
                wrong.append(f"{where}: apply tags {(spec.get('apply') or {}).get('tags')} != play tags {play.get('tags')}")
            if not _step_tags(spec["name"], spec.get("tasks_from") and f"{spec['tasks_from']}.yml"):
                wrong.append(f"{where}: {spec['name']} has no step tag")
    assert seen >= 3
    assert wrong == []


def test_the_step_gate_is_the_only_template_among_the_tags():
    gates = [tag for _, tag in all_tags() if "{{" in tag]
    assert len(gates) >= 3
    assert bad_tags([("x", STEP_GATE.format(role="proxmox_node"))]) == []
    assert bad_tags([("x", STEP_GATE.format(role="nosuchrole")), ("x", "{{ 'always' }}")]) == [
        f"x: {STEP_GATE.format(role='nosuchrole')}", "x: {{ 'always' }}"]


def test_the_step_gate_opens_for_a_step_of_its_role_only():
    from ansible_collections.sitekit.core.plugins.filter.tags import step_gate

    assert step_gate(["role::cisco_ios:push"], "cisco_ios") == ["always"]
    assert step_gate(["tier::network", "role::cisco_ios:validate"], "cisco_ios") == ["always"]
    for run_tags in (["all"], [], None, ["role::cisco_ios"], ["tier::network"], ["role::cisco_ios_extra:x"],
                     ["role::proxmox_node:ntp"]):
        assert step_gate(run_tags, "cisco_ios") == [], run_tags


def test_a_role_gates_its_tasks_on_its_own_steps():
    wrong = []
    for path in sorted((REPO / "roles").glob("*/tasks/*.yml")):
        role = path.parts[-3]
        for where, tag in _tags(yaml.safe_load(path.read_text()), path.relative_to(REPO)):
            if "{{" in tag and tag != STEP_GATE.format(role=role):
                wrong.append(f"{where}: {tag}")
    assert wrong == []
