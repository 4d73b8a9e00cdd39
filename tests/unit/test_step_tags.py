"""--tags and --skip-tags on the roles playbooks/proxmox.yml includes dynamically (issue 10), read from
``ansible-playbook --list-tasks`` in a network namespace without interfaces.

--list-tasks shows a dynamic include, not the tasks it yields. Each run therefore lists proxmox.yml and a
copy of it whose includes are imports without the include's own tags: an imported task gets its own tags
and the play's, which is what an included task gets (its own, the `apply` ones, the play's; test_tags.py
proves `apply` repeats the play's). Per role: --tags role::<role>:<step> selects the include, that step
and what every step needs; --skip-tags role::<role>:<step> drops that step only; --tags of another role
selects nothing of it, not even its argument validation; no --tags and --tags tier::proxmox select all.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from sitekit_paths import REPO

BIN = Path(sys.executable).parent
PLAYBOOK = REPO / "playbooks" / "proxmox.yml"
# role -> (a step of the role, a task every step needs that is not the step's own, or None)
ROLES = {
    "proxmox_node": ("role::proxmox_node:ntp", "Detect Proxmox VE on this node (pveversion on PATH)"),
    "proxmox_cluster": ("role::proxmox_cluster:detect", None),
}
SELECTIONS = {
    "none": [],
    "tier": ["--tags", "tier::proxmox"],
    "other role": ["--tags", "role::proxmox_vms"],
    **{f"step {role}": ["--tags", step] for role, (step, _) in ROLES.items()},
    **{f"skip {role}": ["--skip-tags", step] for role, (step, _) in ROLES.items()},
}
TASK = re.compile(r"^ {6}(?P<name>.+?)\tTAGS: \[(?P<tags>.*)\]$", re.M)
Tasks = list[tuple[str, frozenset[str]]]


def _walk(node, include):
    """`node` with include(task) in place of every include_role task."""
    if isinstance(node, dict):
        return (
            include(node) if "ansible.builtin.include_role" in node else {k: _walk(v, include) for k, v in node.items()}
        )
    if isinstance(node, list):
        return [_walk(item, include) for item in node]
    return node


def _as_import(task: dict) -> dict:
    spec = {k: v for k, v in task["ansible.builtin.include_role"].items() if k in ("name", "tasks_from")}
    return {"name": task["name"], "ansible.builtin.import_role": spec}


def _includes() -> dict[str, list[str]]:
    """role -> the names of the tasks of PLAYBOOK that include it."""
    found: dict[str, list[str]] = {}
    _walk(
        yaml.safe_load(PLAYBOOK.read_text()),
        lambda task: found.setdefault(task["ansible.builtin.include_role"]["name"], []).append(task["name"]),
    )
    return found


INCLUDES = _includes()


def _list_tasks(static: Path, args: list[str]) -> tuple[Tasks, Tasks]:
    """The tasks (name, tags) of proxmox.yml and of its static copy that a run with `args` selects."""
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"}
    done = subprocess.run(
        ["unshare", "--net", str(BIN / "ansible-playbook"), str(PLAYBOOK), str(static), "--list-tasks", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    dynamic, _, imported = done.stdout.partition(f"playbook: {static}")
    assert imported, done.stdout
    return tuple(
        [(m["name"], frozenset(m["tags"].split(", "))) for m in TASK.finditer(text)] for text in (dynamic, imported)
    )


@pytest.fixture(scope="module")
def listed(tmp_path_factory) -> dict[str, tuple[Tasks, Tasks]]:
    static = tmp_path_factory.mktemp("steptags") / "proxmox_static.yml"
    static.write_text(yaml.safe_dump(_walk(yaml.safe_load(PLAYBOOK.read_text()), _as_import), sort_keys=False))
    with ThreadPoolExecutor(len(SELECTIONS)) as pool:
        runs = {key: pool.submit(_list_tasks, static, args) for key, args in SELECTIONS.items()}
        return {key: run.result() for key, run in runs.items()}


def _of(tasks: Tasks, role: str) -> Tasks:
    return sorted(task for task in tasks if task[0].startswith(f"{role} : "))


def _includes_in(tasks: Tasks) -> set[str]:
    return {name for name, _ in tasks if any(name in names for names in INCLUDES.values())}


def test_the_playbook_includes_the_roles_and_the_copy_lists_their_tasks(listed):
    assert set(INCLUDES) == set(ROLES)
    dynamic, imported = listed["none"]
    assert _includes_in(dynamic) == {name for names in INCLUDES.values() for name in names}
    for role, (step, _) in ROLES.items():
        tasks = _of(imported, role)
        assert any(name.startswith(f"{role} : Validating arguments") for name, _ in tasks), tasks
        assert any(step in tags for _, tags in tasks), tasks  # the step, and tasks outside it
        assert any(not tags & {"always", step} for _, tags in tasks), tasks


@pytest.mark.parametrize("role", ROLES)
def test_a_step_runs_with_what_every_step_needs_and_nothing_of_the_other_roles(listed, role):
    step, needed = ROLES[role]
    dynamic, imported = listed[f"step {role}"]
    assert _includes_in(dynamic) == set(INCLUDES[role])
    everything = _of(listed["none"][1], role)
    assert _of(imported, role) == [task for task in everything if task[1] & {"always", step}]
    assert any(step in tags for _, tags in _of(imported, role))
    if needed:
        assert any(name == f"{role} : {needed}" for name, _ in _of(imported, role))


@pytest.mark.parametrize("role", ROLES)
def test_skipping_a_step_skips_that_step_alone(listed, role):
    step, needed = ROLES[role]
    dynamic, imported = listed[f"skip {role}"]
    assert _includes_in(dynamic) == {name for names in INCLUDES.values() for name in names}
    everything = _of(listed["none"][1], role)
    assert _of(imported, role) == [task for task in everything if step not in task[1]]
    if needed:
        assert any(name == f"{role} : {needed}" for name, _ in _of(imported, role))


def test_another_role_selects_no_include_so_no_task_nor_argument_validation(listed):
    # The copy's imports would list the argument validation (ansible-core tags it `always`): the include,
    # not selected, is what keeps it from running.
    dynamic, _ = listed["other role"]
    assert _includes_in(dynamic) == set()
    assert any(name.startswith("proxmox_vms : ") for name, _ in dynamic), dynamic


def test_the_tier_selects_every_include_and_every_task(listed):
    dynamic, imported = listed["tier"]
    assert _includes_in(dynamic) == {name for names in INCLUDES.values() for name in names}
    for role in ROLES:
        assert _of(imported, role) == _of(listed["none"][1], role)


def test_another_api_role_s_tag_runs_no_task_of_the_other_api_roles(listed):
    # The API play carried the four role tags, which reach every task of its roles: --tags role::proxmox_vms
    # ran the storage, backup and HA roles too. Only their argument validation (tagged always) may be listed.
    dynamic, _ = listed["other role"]
    for role in ("proxmox_storage", "proxmox_backup", "proxmox_ha"):
        assert [name for name, _ in _of(dynamic, role) if not name.startswith(f"{role} : Validating arguments")] == []
    assert any(name.startswith("Compute the cluster's desired state") for name, _ in dynamic), dynamic
