"""Nothing sitekit runs on the controller manages the controller (issue 10; developers' guide, Safety).

Three ways a task runs on the operator's machine: a play on ``localhost`` (validation, the Proxmox API, the PRA drill),
a task delegated to localhost or run with a local connection, and a lab host whose connection is local or whose
address is the controller's. test_lab_inventory.py holds the last for inventories/lab; this file holds it for what
``make lab`` actually runs (inventories/lab with the endpoints.yml it writes), and the first two for every playbook
and role: each such task's module only computes, reads, writes the project's own build directory or talks to a remote
peer (an API, a device's SSH, an FTP server), and none becomes root.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import pytest
import yaml
from sitekit_paths import REPO
from test_lab_inventory import LOCAL_CONNECTIONS, on_the_controller

CONTROLLER_ONLY = {  # action plugins that run no module on any host
    "assert", "debug", "set_fact", "fail", "meta", "include_tasks", "import_tasks", "include_role", "import_role",
    "validate_argument_spec", "include_vars", "add_host", "group_by", "pause", "set_stats",
}
READS = {"ansible.builtin.stat"}
BUILD_FILES = {"ansible.builtin.file", "sitekit.core.files"}  # only under a *_build_dir (checked below)
REMOTE_PEERS = {"sitekit.core.ios_remediate", "sitekit.core.config_archive_put", "sitekit.core.site_validate"}
LOCAL = {"localhost", "127.0.0.1", "::1"}


@cache
def task_keys() -> frozenset[str]:
    from ansible.playbook.task import Task

    return frozenset(Task.fattributes) | {"local_action", "block", "rescue", "always", "listen", "with_items",
                                          "with_dict", "with_fileglob", "with_first_found"}


def module_of(task: dict) -> str:
    if "local_action" in task:
        action = task["local_action"]
        return action.split()[0] if isinstance(action, str) else action.get("module", "?")
    names = [k for k in task if k not in task_keys()]
    return names[0] if names else "?"


def on_controller_tasks(tasks, where: str, controller: bool, out: list) -> None:
    """(where, task name, module, task) of each task of ``tasks`` that runs on the controller."""
    for task in tasks or []:
        if not isinstance(task, dict):
            continue
        here = (controller or str(task.get("delegate_to", "")).strip() in LOCAL
                or str(task.get("connection", "")) in LOCAL_CONNECTIONS or "local_action" in task
                or str((task.get("vars") or {}).get("ansible_connection", "")) in LOCAL_CONNECTIONS)
        if any(k in task for k in ("block", "rescue", "always")):
            for key in ("block", "rescue", "always"):
                on_controller_tasks(task.get(key), where, here, out)
            continue
        if here:
            module = module_of(task)
            out.append((where, task.get("name", "?"), module, task))
            if module.rsplit(".", 1)[-1] in ("include_role", "import_role") and isinstance(task[module], dict):
                for role_where, tasks in role_tasks(task[module]["name"]):  # every task of the role runs here too
                    on_controller_tasks(tasks, role_where, True, out)


def role_tasks(role: str) -> list[tuple[str, list]]:
    base = REPO / "roles" / role
    return [(str(p.relative_to(REPO)), yaml.safe_load(p.read_text()) or [])
            for p in sorted([*base.glob("tasks/*.yml"), *base.glob("handlers/*.yml")])]


def play_tasks_on_controller(book: Path, out: list, with_roles: bool) -> None:
    """The tasks of ``book``'s plays that run on the controller (a play on localhost: all of them, and with
    ``with_roles`` those of its roles), and each such play that becomes root, as (where, name, "(the play)", play)."""
    where = str(book.relative_to(REPO))
    data = yaml.safe_load(book.read_text())
    for play in data if isinstance(data, list) else []:
        if not isinstance(play, dict) or "hosts" not in play:
            continue
        local = str(play["hosts"]).strip() in LOCAL or str(play.get("connection", "")) in LOCAL_CONNECTIONS
        if local and play.get("become") not in (None, False, "false", "no"):
            out.append((where, play.get("name", "?"), "(the play)", {"become": play["become"]}))
        for key in ("pre_tasks", "tasks", "post_tasks", "handlers"):
            on_controller_tasks(play.get(key), where, local, out)
        if local and with_roles:  # every task of its roles runs on the controller too
            for role in play.get("roles") or []:
                name = role if isinstance(role, str) else role.get("role", role.get("name"))
                for role_where, tasks in role_tasks(name):
                    on_controller_tasks(tasks, role_where, True, out)


def controller_tasks() -> list[tuple]:
    out: list = []
    for role_dir in sorted((REPO / "roles").iterdir()):
        for where, tasks in role_tasks(role_dir.name):
            on_controller_tasks(tasks, where, False, out)
    for book in sorted((REPO / "playbooks").glob("*.yml")):
        play_tasks_on_controller(book, out, with_roles=True)
    return out


def refusal(module: str, task: dict) -> str | None:
    short = module.rsplit(".", 1)[-1]
    if task.get("become") not in (None, False, "false", "no"):
        return "becomes root on the controller"
    if module == "(the play)":
        return None
    if short in CONTROLLER_ONLY and module in (short, f"ansible.builtin.{short}", f"ansible.legacy.{short}"):
        return None
    if module in READS or module in REMOTE_PEERS or module.startswith("sitekit.core.pve_"):
        return None
    if module in BUILD_FILES:
        args = task[module]
        # file's path; files' list, often computed in the task's vars, and its directories
        paths = [args.get("path", "")] if module == "ansible.builtin.file" else [
            f"{args.get('files')} {task.get('vars')}", *(d.get("path", "") for d in args.get("directories") or [])]
        return None if all("_build_dir" in str(p) for p in paths) else f"{module} outside a *_build_dir"
    return f"{module} is not known to leave the controller alone"


def test_every_task_that_runs_on_the_controller_leaves_it_alone():
    found = controller_tasks()
    # the validation play, the Proxmox API roles, the PRA drill, the devices' render, push and backup, GLPI's archive
    assert {"sitekit.core.site_validate", "sitekit.core.pve_storage", "sitekit.core.pve_ha", "sitekit.core.pve_restore",
            "sitekit.core.ios_remediate", "sitekit.core.config_archive_put", "sitekit.core.files",
            "ansible.builtin.stat"} <= {module for _, _, module, _ in found}
    refused = [f"{where}: {name} ({module}): {why}" for where, name, module, task in found
               if (why := refusal(module, task))]
    assert refused == []


@pytest.mark.parametrize("task, why", [
    ({"name": "x", "ansible.builtin.apt": {"name": "chrony"}, "delegate_to": "localhost"}, "not known"),
    ({"name": "x", "ansible.builtin.lineinfile": {"path": "/etc/hosts", "line": "a"}, "connection": "local"}, "not known"),
    ({"name": "x", "local_action": "ansible.builtin.command systemctl restart ssh"}, "not known"),
    ({"name": "x", "ansible.builtin.file": {"path": "/etc/apt/keyrings", "state": "directory"},
      "delegate_to": "127.0.0.1"}, "outside a *_build_dir"),
    ({"name": "x", "sitekit.core.files": {"directories": [{"path": "/etc/ssh", "mode": "0700"}],
                                          "files": [{"path": "{{ x_build_dir }}/a"}]},
      "delegate_to": "localhost"}, "outside a *_build_dir"),
    ({"name": "x", "ansible.builtin.stat": {"path": "/tmp/x"}, "delegate_to": "localhost", "become": True}, "root"),
    ({"name": "x", "ansible.builtin.service": {"name": "ssh"}, "vars": {"ansible_connection": "local"}}, "not known"),
])
def test_a_task_that_would_manage_the_controller_is_refused(task, why):
    out: list = []
    on_controller_tasks([{"block": [task]}], "roles/x/tasks/main.yml", False, out)
    assert [(module_of(t), why in (refusal(m, t) or "")) for _, _, m, t in out] == [(module_of(task), True)]


def test_a_task_on_a_remote_host_is_not_the_controllers():
    out: list = []
    tasks = [{"name": "on a node", "ansible.builtin.apt": {"name": "chrony"}},
             {"name": "on the first DC", "microsoft.ad.group": {"name": "g"},
              "delegate_to": "{{ groups['ad_domain_controllers'] | first }}"}]
    on_controller_tasks(tasks, "roles/x/tasks/main.yml", False, out)
    assert out == []


def test_what_make_lab_runs_reaches_no_host_on_the_controller(monkeypatch, tmp_path):
    """inventories/lab with the endpoints.yml make lab writes (tools/lab/endpoints.py), merged as ansible-playbook
    merges its -i sources: no host with a local connection, only the simulated IOS devices on 127.0.0.1."""
    sys.path.insert(0, str(REPO / "tools" / "lab"))
    import endpoints

    monkeypatch.setattr(endpoints, "ENDPOINTS", tmp_path / "endpoints.yml")
    monkeypatch.setattr(endpoints, "glpi_standin", lambda: {"glpi_archive_path": "/x.tgz", "glpi_archive_sha256": "0" * 64})
    endpoints.write({"port": 40001}, {"devices": {"sw-core": 40002, "rt-01": 40003}, "user": "netadmin"})

    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader
    from ansible.vars.manager import VariableManager

    loader = DataLoader()
    inventory = InventoryManager(loader=loader, sources=[str(REPO / "inventories/lab"), str(tmp_path / "endpoints.yml")])
    manager = VariableManager(loader=loader, inventory=inventory)
    merged = {h.name: manager.get_vars(host=h, include_hostvars=False) for h in inventory.get_hosts()}
    assert {"pve1", "ftp01", "glpi01", "sw-core"} <= set(merged)
    assert [h for h, v in merged.items() if on_the_controller(v)[0]] == []
    assert sorted(h for h, v in merged.items() if on_the_controller(v)[1]
                  and v.get("ansible_connection") != "ansible.netcommon.network_cli") == []
    assert merged["ftp01"]["ansible_host"] == merged["ftp01"]["lab_admin_address"]  # the container, never loopback
    assert Path(merged["ftp01"]["ansible_ssh_private_key_file"]).name == "admin_ed25519"


# The test harness's own plays on the controller (molecule's create/prepare/destroy, the lab's preparation) manage
# their scratch: molecule's ephemeral directory, the project's .cache, the instances they created. Each such task
# names where it writes or whom it reaches; none becomes root.
HARNESS_SCRATCH = ("MOLECULE_EPHEMERAL_DIRECTORY", "prepare_ssh_dir", "molecule_instance_config", "/.cache/glpi-standin",
                   "ssh-keyscan")
HARNESS_REMOTE = ("community.proxmox.", "ansible.builtin.wait_for")  # the lab cluster's API, a port of an instance


def harness_controller_tasks() -> list[tuple]:
    out: list = []
    for book in sorted([*(REPO / "molecule").glob("*/*.yml"), *(REPO / "tools" / "lab").glob("*.yml")]):
        play_tasks_on_controller(book, out, with_roles=False)
    return out


def harness_refusal(module: str, task: dict) -> str | None:
    if task.get("become") not in (None, False, "false", "no"):
        return "becomes root on the controller"
    if module == "(the play)" or refusal(module, task) is None or module.startswith(HARNESS_REMOTE):
        return None
    return None if any(mark in str(task) for mark in HARNESS_SCRATCH) else f"{module} writes outside the harness's scratch"


def test_the_test_harness_on_the_controller_touches_only_its_scratch():
    found = harness_controller_tasks()
    assert {"ansible.builtin.command", "community.proxmox.proxmox_kvm"} <= {m for _, _, m, _ in found}
    assert [f"{w}: {n} ({m}): {why}" for w, n, m, t in found if (why := harness_refusal(m, t))] == []
    assert harness_refusal("ansible.builtin.copy", {"ansible.builtin.copy": {"dest": "/etc/sudoers.d/x"}})
    assert harness_refusal("ansible.builtin.copy", {"ansible.builtin.copy": {"dest": "{{ prepare_ssh_dir }}/x"},
                                                    "become": True})
