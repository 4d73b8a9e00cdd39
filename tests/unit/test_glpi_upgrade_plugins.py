"""The glpi role's upgrade brings back the plugins that were active, so it must read them before GLPI can change
them. GLPI 10.0's console checks the active plugins whenever it starts with a database (src/Console/Application.php
usePlugins, Plugin::init -> checkPluginState) and deactivates, with only a PHP warning, a plugin whose
prerequisites the new release does not meet (tests/glpi/test_plugin_commands.py shows it on the stand-in). Read
after the first console run of the new release, such a plugin was missing from the list: never reactivated, never
reported. Found by review against GLPI's source."""

from __future__ import annotations

import yaml
from sitekit_paths import REPO
from task_files import tasks_of

TASKS = REPO / "roles" / "glpi" / "tasks"


def _tasks(name: str) -> list[dict]:
    return list(tasks_of(yaml.safe_load((TASKS / name).read_text())))


def _runs_the_new_release(task: dict) -> bool:
    command = task.get("ansible.builtin.command")
    text = command if isinstance(command, str) else " ".join(map(str, (command or {}).get("argv", [])))
    return "--release" in text


def test_active_plugins_are_read_before_the_new_release_console_first_runs():
    schema = _tasks("0050-schema.yml")
    reads = [i for i, t in enumerate(schema) if t.get("register") == "_glpi_active_plugins"]
    consoles = [i for i, t in enumerate(schema) if _runs_the_new_release(t)]
    assert reads and consoles, "the schema step reads the active plugins and runs the pinned release's console"
    assert reads[0] < consoles[0], "the active plugins are read after the pinned release's console has run"
    upgrade = next(t for t in schema if "0055-upgrade.yml" in str(t.get("ansible.builtin.include_tasks", "")))
    assert set(upgrade["when"]) <= set(schema[reads[0]]["when"]), "the list is read whenever the upgrade runs"


def test_the_upgrade_reads_no_second_list_after_its_console_runs():
    upgrade = _tasks("0055-upgrade.yml")
    assert not [t["name"] for t in upgrade if t.get("register") == "_glpi_active_plugins"]
    assert any(_runs_the_new_release(t) for t in upgrade)
