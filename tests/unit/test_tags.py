"""One tag grammar in every playbook and role (README.md, section Tags).

``tier::<tier>`` on tier plays, ``role::<role>`` on a role, ``role::<role>:<step>`` on a role's
steps, ``always`` for validation; a role tag names a role that exists, and every task file a
role imports carries its step tag.
"""

from __future__ import annotations

import re

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
