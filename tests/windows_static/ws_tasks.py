"""Every Windows module call of a playbook, with its options rendered for each host that runs it.

The playbook is loaded by ansible-core itself (Playbook.load, Play.compile: roles, import_tasks,
blocks and handlers exactly as ansible-playbook sees them) against an inventory (inventories/rcr by
default) and each option is templated with the host's variables as the TaskExecutor would
(VariableManager.get_vars with the task, role defaults and the inventory; loop items; `omit`
dropped). Nothing connects to any host.

What cannot be known without a run becomes an Unrendered placeholder: vault secrets (the test has
no vault password), registered results, gathered facts. A placeholder counts as present for the
required/exclusive checks and is skipped by the type and choice checks. `group_by` tasks are
replayed so that the plays on the groups they create get their hosts; a `when` that is false for a
host skips that host (a `when` that cannot be evaluated keeps it).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitekit_paths import REPO
from ws_ansible import compiled_once, loaders
from ws_argcheck import Unrendered

WINDOWS_COLLECTIONS = ("ansible.windows.", "community.windows.", "microsoft.ad.", "lowlydba.sqlserver.")


@dataclass
class Call:
    host: str
    item: Any
    args: dict
    # Where the call runs (runs_on: delegate_to, else the host) and as whom: become (enabled, method,
    # user, password: "set", "vault secret" or "missing"), the WinRM transport and Kerberos delegation.
    context: dict = field(default_factory=dict)


@dataclass
class TaskCalls:
    file: str  # relative to the repository
    line: int
    name: str
    action: str  # as written in the task
    fqcn: str  # resolved by ansible-core's plugin loader
    raw_args: dict
    calls: list[Call] = field(default_factory=list)
    skipped_hosts: list[str] = field(default_factory=list)
    when_false_calls: list[Call] = field(default_factory=list)  # rendered anyway, for a task no host runs

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def _reason(error: Exception) -> str:
    message = str(error).splitlines()[0]
    if "undecryptable" in message or "vault" in message.lower():
        return "vault secret"
    return f"{type(error).__name__}: {message[:160]}"


def render(templar, value: Any) -> Any:
    """Template leaf by leaf, so that one unrenderable value does not hide the others."""
    from ansible.errors import AnsibleValueOmittedError
    omitted = object()

    def leaf(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: r for k, r in ((k, leaf(x)) for k, x in v.items()) if r is not omitted}
        if isinstance(v, list):
            return [r for r in (leaf(x) for x in v) if r is not omitted]
        try:
            return templar.template(v)
        except AnsibleValueOmittedError:
            return omitted
        except Exception as error:  # noqa: BLE001 - any templating failure is a placeholder
            return Unrendered(_reason(error))
    result = leaf(value)
    return {} if result is omitted else result


def _tasks(block) -> list:
    from ansible.playbook.block import Block
    out = []
    for part in (block.block, block.rescue, block.always):
        for task in part:
            out.extend(_tasks(task) if isinstance(task, Block) else [task])
    return out


def _play_tasks(play) -> list:
    """Every task of a play as ansible-playbook compiles it: roles, imports, blocks, handlers."""
    tasks = [t for b in play.compile() for t in _tasks(b)]
    tasks += [t for b in play.compile_roles_handlers() for t in _tasks(b)]
    return tasks + [t for b in play.handlers for t in _tasks(b)]


def _relative(path: str) -> tuple[str, int]:
    file, _, line = path.rpartition(":")
    try:
        return str(Path(file).resolve().relative_to(REPO)), int(line)
    except ValueError:
        return file, int(line)


def _when(templar, task) -> bool | None:
    try:
        return all(templar.evaluate_conditional(c) for c in (task.when or []))
    except Exception:  # noqa: BLE001 - a registered result or a fact: unknown before a run
        return None


def _replay_group_by(inventory, templar, task, host) -> None:
    key = render(templar, task.args.get("key"))
    if isinstance(key, str):
        inventory.add_group(key)
        inventory.add_host(host.name, group=key)


class _Session:
    """ansible-core's loader, inventory, variables and the playbook, as ansible-playbook builds them."""

    def __init__(self, playbook: str | Path, inventory: str | Path, extra_vars: dict | None):
        loaders()
        from ansible.inventory.manager import InventoryManager
        from ansible.parsing.dataloader import DataLoader
        from ansible.playbook import Playbook
        from ansible.template import Templar, trust_as_template
        from ansible.vars.hostvars import HostVars
        from ansible.vars.manager import VariableManager
        self.templar_class = Templar
        self.loader = DataLoader()
        self.inventory = InventoryManager(loader=self.loader, sources=[str(REPO / inventory)])
        self.variables = VariableManager(loader=self.loader, inventory=self.inventory)
        self.variables._hostvars = HostVars(inventory=self.inventory, variable_manager=self.variables, loader=self.loader)
        if extra_vars:
            self.variables._extra_vars = {k: trust_as_template(v) if isinstance(v, str) else v
                                          for k, v in extra_vars.items()}
        self.book = Playbook.load(str(REPO / playbook), variable_manager=self.variables, loader=self.loader)

    def plays(self):
        """(play, its hosts, its tasks and handlers), replaying group_by so later plays find their hosts."""
        for play in self.book.get_plays():
            tasks = _play_tasks(play)
            hosts = self.inventory.get_hosts(play.hosts)
            yield play, hosts, tasks
            for task in tasks:
                if (task.resolved_action or task.action) == "ansible.builtin.group_by":
                    for host in hosts:
                        _replay_group_by(self.inventory, self.templar(play, host, task), task, host)

    def templar(self, play, host, task):
        task_vars = self.variables.get_vars(play=play, host=host, task=task, include_hostvars=True)
        task_vars["ansible_search_path"] = task.get_search_path()
        task_vars["ansible_check_mode"] = False
        return self.templar_class(loader=self.loader, variables=task_vars)


def _entry(task) -> TaskCalls | None:
    """The task as written (no call rendered), or None when it is not a Windows module task."""
    fqcn = task.resolved_action or task.action
    if not fqcn.startswith(WINDOWS_COLLECTIONS):
        return None
    file, line = _relative(task.get_path())
    return TaskCalls(file, line, task.name or task.action, task.action, fqcn, dict(task.args))


def listed(playbook: str | Path = "playbooks/windows.yml", inventory: str | Path = "inventories/rcr") -> list[TaskCalls]:
    """The Windows module tasks of `playbook` as `load` finds them, without rendering any call: what a
    test parametrizes on (about 1 s, where rendering the rcr tier takes about 20 s)."""
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        session = _Session(playbook, inventory, None)
        out: dict[tuple[str, int], TaskCalls] = {}
        for play in session.book.get_plays():
            for task in _play_tasks(play):
                entry = _entry(task)
                if entry is not None:
                    out.setdefault((entry.file, entry.line), entry)
        return list(out.values())
    finally:
        os.chdir(cwd)


@compiled_once()
def load(playbook: str | Path = "playbooks/windows.yml", inventory: str | Path = "inventories/rcr",
         extra_vars: dict | None = None, hosts: list[str] | None = None) -> list[TaskCalls]:
    """TaskCalls of every Windows module task of `playbook`, rendered on `inventory`.

    `extra_vars` take precedence over every other variable (like -e); `hosts` limits the hosts."""
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        session = _Session(playbook, inventory, extra_vars)
        out: dict[tuple[str, int], TaskCalls] = {}
        for play, play_hosts, tasks in session.plays():
            for task in tasks:
                listed_entry = _entry(task)
                if listed_entry is None:
                    continue
                entry = out.setdefault((listed_entry.file, listed_entry.line), listed_entry)
                for host in play_hosts:
                    if hosts is None or host.name in hosts:
                        _render_task(entry, task, session.templar(play, host, task))
        for entry in out.values():
            # A task no host runs under this inventory (its `when` is false everywhere) is still
            # checked, with the values it would get; an empty loop leaves only the option names.
            if not entry.calls:
                entry.calls = entry.when_false_calls or [
                    Call("", None, {k: Unrendered("no host runs the task under this inventory") for k in entry.raw_args})]
        return list(out.values())
    finally:
        os.chdir(cwd)


@compiled_once()
def variables_at(task_file: str, host: str, expressions: dict[str, str], playbook: str | Path = "playbooks/windows.yml",
                 inventory: str | Path = "inventories/rcr") -> dict[str, Any]:
    """`expressions` rendered for `host` in the context of the first task of `task_file` it runs."""
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        from ansible.template import trust_as_template
        session = _Session(playbook, inventory, None)
        for play, play_hosts, tasks in session.plays():
            for task in tasks:
                if _relative(task.get_path())[0] != task_file:
                    continue
                for candidate in play_hosts:
                    if candidate.name == host:
                        templar = session.templar(play, candidate, task)
                        return {k: templar.template(trust_as_template(v)) for k, v in expressions.items()}
        raise LookupError(f"{host} runs no task of {task_file}")
    finally:
        os.chdir(cwd)


def _password(templar) -> str:
    from ansible.template import trust_as_template
    value = render(templar, trust_as_template("{{ ansible_become_password | default(ansible_become_pass | default('')) }}"))
    if isinstance(value, Unrendered):
        return "vault secret" if value.why == "vault secret" else "missing"
    return "set" if value else "missing"


def _context(templar, task) -> dict:
    """Become and connection settings of one call, rendered like the TaskExecutor would."""
    from ansible.template import trust_as_template
    become = bool(render(templar, task.become)) if task.become is not None else False
    user = render(templar, task.become_user) if task.become_user else ""
    transport = render(templar, trust_as_template("{{ ansible_winrm_transport | default('') }}"))
    delegation = render(templar, trust_as_template("{{ ansible_winrm_kerberos_delegation | default(false) | bool }}"))
    delegate = render(templar, task.delegate_to) if task.delegate_to else None
    runs_on = delegate if isinstance(delegate, str) and delegate else templar.available_variables.get("inventory_hostname")
    return {"runs_on": runs_on, "become": become, "become_method": task.become_method or "", "become_user": user,
            "become_password": _password(templar) if become else "", "transport": transport,
            "delegation": delegation is True}


def _render_task(entry: TaskCalls, task, templar) -> None:
    task_vars = templar.available_variables
    host = task_vars["inventory_hostname"]
    items: list = [None]
    loop_var = (task.loop_control.loop_var if task.loop_control else None) or "item"
    if task.loop is not None:
        rendered = render(templar, task.loop)
        items = rendered if isinstance(rendered, list) else [Unrendered(f"loop: {getattr(rendered, 'why', rendered)}")]
    for item in items:
        local = dict(task_vars)
        if task.loop is not None:
            local[loop_var] = item
        templar.available_variables = local
        call = Call(host, item, render(templar, dict(task.args)), _context(templar, task))
        if _when(templar, task) is False:
            entry.skipped_hosts.append(host)
            entry.when_false_calls.append(call)
        else:
            entry.calls.append(call)


@functools.cache
def rcr_windows_tasks() -> tuple[TaskCalls, ...]:
    """The Windows tier as it would run on the customer site (rendered once per process, when a test
    first needs it: collection only lists the tasks, see rcr_windows_task_list)."""
    tasks = tuple(load())
    rendered, listed_ = [(t.file, t.line, t.name) for t in tasks], [(t.file, t.line, t.name) for t in rcr_windows_task_list()]
    assert rendered == listed_, f"the rendered tasks are not the listed ones: {set(rendered) ^ set(listed_)}"
    return tasks


@functools.cache
def rcr_windows_task_list() -> tuple[TaskCalls, ...]:
    """The Windows tasks of the tier as written, calls not rendered: what the tests parametrize on."""
    return tuple(listed())


def rcr_windows_task(where: str) -> TaskCalls:
    """One rendered task of the tier, by the file:line (TaskCalls.where) a test was parametrized with."""
    return next(t for t in rcr_windows_tasks() if t.where == where)
