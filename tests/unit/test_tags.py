"""One tag grammar in every playbook and role (README.md, section Tags).

``tier::<tier>`` on tier plays, ``role::<role>`` on a role, ``role::<role>:<step>`` on a role's
steps, ``always`` for validation; a role tag names a role that exists, and every task file a
role imports carries its step tag.
"""

from __future__ import annotations

import re

import pytest
import yaml
from sitekit_paths import REPO

TIERS = {"proxmox", "network", "windows", "linux"}
ROLES = {p.name for p in (REPO / "roles").iterdir() if (p / "tasks").is_dir()}
GRAMMAR = re.compile(r"^(always|never|tier::(?P<tier>[a-z_]+)|role::(?P<role>[a-z_]+)(:(?P<step>[a-z0-9_-]+))?)$")


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
    for where, tag in tags:
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
    missing = []
    for main in sorted((REPO / "roles").glob("*/tasks/main.yml")):
        role = main.parts[-3]
        for task in yaml.safe_load(main.read_text()) or []:
            for item in [task, *(task.get("block") or [])]:
                imported = item.get("ansible.builtin.import_tasks")
                if imported and not any(t.startswith(f"role::{role}:") for t in item.get("tags") or []):
                    missing.append(f"{main.relative_to(REPO)}: {imported}")
    assert missing == []


def _step_tags(role: str, tasks_file: str | None) -> set[str]:
    files = [REPO / "roles" / role / "tasks" / tasks_file] if tasks_file else sorted((REPO / "roles" / role / "tasks").glob("*.yml"))
    return {tag for path in files for _, tag in _tags(yaml.safe_load(path.read_text()), path)
            if tag.startswith(f"role::{role}:")}


def _includes(node):
    if isinstance(node, dict):
        if "ansible.builtin.include_role" in node:
            yield node
        for value in node.values():
            yield from _includes(value)
    elif isinstance(node, list):
        for item in node:
            yield from _includes(item)


@pytest.mark.xfail(strict=True, reason=(
    "issue 10: --tags role::proxmox_node:<step> runs nothing (playbooks/proxmox.yml includes the role dynamically "
    "and tags only the include's apply); giving the include its step tags makes --skip-tags <step> skip the whole "
    "role, detection included (tests/integration/test_node_stand_in.py), so the fix needs another include shape"))
def test_a_dynamic_role_include_carries_every_step_tag_of_its_role():
    # A dynamic include runs only when one of its own tags is selected; the tags under `apply` reach
    # the included tasks, not the include. Without its role's step tags, `--tags role::<role>:<step>`
    # skips the include and runs nothing (playbooks/proxmox.yml did, for role::proxmox_node:ntp).
    missing, seen = [], 0
    for path in sorted((REPO / "playbooks").glob("*.yml")):
        for include in _includes(yaml.safe_load(path.read_text())):
            spec = include["ansible.builtin.include_role"]
            steps = _step_tags(spec["name"], spec.get("tasks_from") and f"{spec['tasks_from']}.yml")
            seen += 1
            lacking = steps - set(include.get("tags") or [])
            if lacking:
                missing.append(f"{path.relative_to(REPO)}: {include['name']}: {sorted(lacking)}")
    assert seen >= 3
    assert missing == []
