"""The PowerShell the Windows tier runs: every .ps1 under roles/*/files and every inline script of a
win_powershell / win_shell task, as rendered by ws_tasks (Jinja rendered first), each with the
parameters its tasks pass to it."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from sitekit_paths import REPO
from ws_argcheck import Unrendered
from ws_tasks import TaskCalls, rcr_windows_task_list, rcr_windows_tasks

SCRIPT_MODULES = {"ansible.windows.win_powershell": "script", "ansible.windows.win_shell": "_raw_params"}


@dataclass
class Script:
    file: str  # the .ps1, or the task file of an inline script
    unit: str  # the .ps1's name, or the task's name
    source: str
    # (task, host, rendered `parameters`, names given through sensitive_parameters) of every call
    calls: list[tuple[TaskCalls, str, dict | Unrendered | None, list[str]]] = field(default_factory=list)
    contexts: list[dict] = field(default_factory=list)  # become and connection of each call (ws_tasks.Call.context)


def scripts(tasks: list[TaskCalls] | tuple[TaskCalls, ...], files: bool = True) -> list[Script]:
    out: dict[tuple[str, str], Script] = {}
    by_text: dict[str, Script] = {}
    if files:
        for path in sorted(REPO.glob("roles/*/files/**/*.ps1")):
            source = path.read_text(encoding="utf-8-sig")
            script = Script(str(path.relative_to(REPO)), path.name, source)
            out[(script.file, script.unit)] = script
            by_text[source.strip()] = script
    for task in tasks:
        key = SCRIPT_MODULES.get(task.fqcn)
        if key is None:
            continue
        for call in task.calls:
            source = call.args.get(key)
            if not isinstance(source, str):
                continue
            script = by_text.get(source.strip())
            if script is None:
                script = out.setdefault((task.file, task.name), Script(task.file, task.name, source))
                by_text[source.strip()] = script
            sensitive = call.args.get("sensitive_parameters")
            names = [p.get("name") for p in sensitive if isinstance(p, dict)] if isinstance(sensitive, list) else []
            script.calls.append((task, call.host, call.args.get("parameters"), names))
            script.contexts.append(call.context)
    return list(out.values())


# A task that runs a role's .ps1 passes the file's text: `script: "{{ lookup('ansible.builtin.file', 'x.ps1') }}"`.
FILE_LOOKUP = re.compile(r"""\{\{\s*lookup\(\s*'(?:ansible\.builtin\.)?file'\s*,\s*'[^']+\.ps1'\s*\)\s*\}\}""")


def script_keys(tasks: list[TaskCalls] | tuple[TaskCalls, ...]) -> list[tuple[str, str]]:
    """The (file, unit) of each script `scripts` finds, read from the tasks as written (nothing rendered):
    every .ps1, and one inline script per distinct text of a win_powershell / win_shell task."""
    out = [(str(p.relative_to(REPO)), p.name) for p in sorted(REPO.glob("roles/*/files/**/*.ps1"))]
    texts = set()
    for task in tasks:
        source = task.raw_args.get(SCRIPT_MODULES.get(task.fqcn, ""))
        if isinstance(source, str) and not FILE_LOOKUP.fullmatch(source.strip()) and source.strip() not in texts:
            texts.add(source.strip())
            out.append((task.file, task.name))
    return out


@functools.cache
def rcr_windows_scripts() -> dict[tuple[str, str], Script]:
    """The tier's scripts rendered on rcr, by (file, unit); the same keys as the tests were parametrized with."""
    found = {(s.file, s.unit): s for s in scripts(rcr_windows_tasks())}
    keys = script_keys(rcr_windows_task_list())
    assert list(found) == keys, f"rendered scripts differ from the listed ones: {set(found) ^ set(keys)}"
    return found
