"""Each step of a role runs alone (README.md, section Tags): ``--tags role::<role>:<step>`` runs the step's tasks and
those tagged with the role's step gate (``sitekit.core.step_gate``) or ``always``; no task of the step may read a fact
(``set_fact``, ``register``) that only tasks left out of that run set (a name the role's defaults or vars also
define is no problem: the default is read instead, only slower when it derives from the site model). Found so (issue 10): ``role::cisco_ios:push``
failed on an undefined intent, ``role::cisco_ios:validate`` validated nothing, and the Debian roles read their site
model in their validate or install step, which a run of another step left out.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from sitekit_paths import REPO
from task_files import BLOCK_KEYS

JINJA = re.compile(r"\{[{%](.*?)[}%]\}", re.S)
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
BARE = ("when", "changed_when", "failed_when", "until")  # expressions written without braces


def _list(value) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            if key not in ("name", "tags", "register"):
                yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def _uses(task: dict) -> set[str]:
    names = {n for s in _strings(task) for expr in JINJA.findall(s) for n in NAME.findall(expr)}
    bare = [s for key in BARE for s in _list(task.get(key))]
    assertion = task.get("ansible.builtin.assert")
    if isinstance(assertion, dict):
        bare += _list(assertion.get("that"))
    return names | {n for s in bare if isinstance(s, str) for n in NAME.findall(s)}


def _defines(task: dict) -> set[str]:
    facts = task.get("ansible.builtin.set_fact")
    return (set(facts) if isinstance(facts, dict) else set()) | ({task["register"]} if "register" in task else set())


def role_tasks(tasks: list, tasks_dir: Path, tags: tuple = ()) -> list[dict]:
    """Every task of a role, imports followed, with the tags it inherits, what it sets and what it reads."""
    out = []
    for task in tasks or []:
        own = tags + tuple(str(t) for t in _list(task.get("tags")))
        if "ansible.builtin.import_tasks" in task:
            imported = yaml.safe_load((tasks_dir / task["ansible.builtin.import_tasks"]).read_text())
            out += role_tasks(imported, tasks_dir, own)
        elif any(key in task for key in BLOCK_KEYS):
            for key in BLOCK_KEYS:
                out += role_tasks(task.get(key), tasks_dir, own)
        else:
            out.append({"name": task.get("name"), "tags": set(own), "defines": _defines(task), "uses": _uses(task)})
    return out


def role_variables(role_dir: Path) -> set[str]:
    """The names the role's defaults and vars define."""
    return {name for sub in ("defaults", "vars") for path in (role_dir / sub).glob("*.yml")
            for name in (yaml.safe_load(path.read_text()) or {})}


def step_problems(role: str, tasks: list[dict], variables: set[str] = frozenset()) -> list[str]:
    """Per step of ``role``: a task of its run reading a fact that only tasks outside that run set."""
    gate = "{{ ansible_run_tags | sitekit.core.step_gate('" + role + "') }}"
    steps = sorted({t for task in tasks for t in task["tags"] if t.startswith(f"role::{role}:")})
    problems = []
    for step in steps:
        run = [task for task in tasks if task["tags"] & {step, gate, "always"}]
        set_in_run = set().union(*(task["defines"] for task in run)) | set(variables)
        for task in run:
            for name in sorted(task["uses"] - set_in_run):
                setters = [other["name"] for other in tasks if name in other["defines"]]
                if setters:
                    problems.append(f"{step}: {task['name']!r} reads {name}, set by {setters[0]!r} outside this run")
    return problems


ROLES = sorted(p.parts[-3] for p in REPO.glob("roles/*/tasks/main.yml"))


@pytest.mark.parametrize("role", ROLES)
def test_each_step_of_the_role_runs_alone(role):
    tasks_dir = REPO / "roles" / role / "tasks"
    tasks = role_tasks(yaml.safe_load((tasks_dir / "main.yml").read_text()), tasks_dir)
    assert step_problems(role, tasks, role_variables(tasks_dir.parent)) == []


def test_a_step_reading_another_steps_fact_is_found(tmp_path):
    (tmp_path / "0010-render.yml").write_text(
        "- name: Render\n  ansible.builtin.set_fact:\n    demo_config: x\n")
    (tmp_path / "0020-push.yml").write_text(
        "- name: Push\n  ansible.builtin.debug:\n    msg: \"{{ demo_config }}\"\n")
    main = [{"ansible.builtin.import_tasks": "0010-render.yml", "tags": ["role::demo:render"]},
            {"ansible.builtin.import_tasks": "0020-push.yml", "tags": ["role::demo:push"]}]
    assert step_problems("demo", role_tasks(main, tmp_path)) == [
        "role::demo:push: 'Push' reads demo_config, set by 'Render' outside this run"]
    main[0]["tags"] = ["{{ ansible_run_tags | sitekit.core.step_gate('demo') }}"]
    assert step_problems("demo", role_tasks(main, tmp_path)) == []
    main[0]["tags"] = ["role::demo:render"]
    assert step_problems("demo", role_tasks(main, tmp_path), {"demo_config"}) == []
