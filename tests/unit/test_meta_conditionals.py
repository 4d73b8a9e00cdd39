"""A `meta` task whose action ignores `when` must not carry one (ansible-core 2.19 runs noop, refresh_inventory
and reset_connection whatever the condition, with a warning: lib/ansible/plugins/strategy/__init__.py
_execute_meta). nftables' conditional reset_connection reset every host's connection on every no-op run."""

from __future__ import annotations

import yaml
from sitekit_paths import REPO
from task_files import tasks_of

UNCONDITIONAL = {"noop", "refresh_inventory", "reset_connection"}


def conditional_unconditional_metas(paths) -> list[str]:
    found = []
    for path in paths:
        for task in tasks_of(yaml.safe_load(path.read_text())):
            action = task.get("ansible.builtin.meta", task.get("meta"))
            if action in UNCONDITIONAL and "when" in task:
                found.append(f"{path.relative_to(REPO)}: {task.get('name', action)}")
    return found


def test_no_meta_task_relies_on_a_when_it_ignores():
    paths = sorted([*REPO.glob("roles/*/tasks/*.yml"), *REPO.glob("roles/*/handlers/*.yml"),
                    *REPO.glob("playbooks/*.yml"), *REPO.glob("molecule/*/*.yml")])
    assert len(paths) > 50
    plays = [p for p in paths if p.parent.name in ("playbooks",) or p.parent.parent.name == "molecule"]
    found = conditional_unconditional_metas([p for p in paths if p not in plays])
    for play_file in plays:
        for play in yaml.safe_load(play_file.read_text()) or []:
            if isinstance(play, dict):
                for section in ("pre_tasks", "tasks", "post_tasks", "handlers"):
                    found += [f"{play_file.relative_to(REPO)}: {t.get('name')}" for t in tasks_of(play.get(section))
                              if t.get("ansible.builtin.meta", t.get("meta")) in UNCONDITIONAL and "when" in t]
    assert found == []
