"""plugin:activate as GLPI runs it (standin/inc/standin/Command/Plugin.php, after src/Console/Plugin/ActivateCommand.php).

10.0: db:update deactivates every active plugin (Update::doUpdates, Plugin::unactivateAll); plugin:activate brings a
plugin back only when its files are in a plugin directory (GLPI_MARKETPLACE_DIR or plugins/): a plugin whose
marketplace/ stayed inside the old release is gone after an upgrade and becomes "to be cleaned".
11.0: no plugin is deactivated, their execution is suspended (glpi_configs core plugins_execution_mode) by the first
console run that finds the database older than the code; db:update resumes it only within 11.0.x, otherwise
plugin:resume_execution does (standin/inc/standin/Plugins.php, Command/PluginExecution.php).
"""

from __future__ import annotations

import pytest

LINES = ["10.0.20", "11.0.1"]
ACTIVATED, TOBECONFIGURED, NOTACTIVATED, TOBECLEANED, NOTUPDATED = "1", "3", "4", "5", "6"


def setup_php(key: str, version: str = "1.0.0", requirements: str = "", csrf: bool = True, extra: str = "") -> str:
    """A plugin's setup.php as GLPI's plugin template writes it: version (and requirements), init with hooks."""
    hooks = f"$PLUGIN_HOOKS['csrf_compliant']['{key}'] = true;" if csrf else ""
    return (f"<?php\nfunction plugin_version_{key}() {{ return ['name' => '{key}', 'version' => '{version}'{requirements}]; }}\n"
            f"function plugin_init_{key}() {{ global $PLUGIN_HOOKS; {hooks} }}\n{extra}")


def add_plugin(glpi, key: str, state: str = ACTIVATED, files: bool = True, **setup) -> None:
    if files:
        folder = glpi.root / "marketplace" / key
        folder.mkdir(parents=True)
        (folder / "setup.php").write_text(setup_php(key, **setup))
        glpi.give(folder)
    glpi.sql(f"INSERT INTO glpi_plugins (directory, name, version, state) VALUES ('{key}', '{key}', '1.0.0', {state})")


def state(glpi, key: str) -> str:
    return glpi.sql(f"SELECT state FROM glpi_plugins WHERE directory = '{key}'")[0][0]


def test_update_deactivates_plugins_and_activate_brings_them_back_on_10_0(make_standin):
    glpi = make_standin("10.0.20")
    assert glpi.install().returncode == 0
    add_plugin(glpi, "formcreator")
    glpi.sql("UPDATE glpi_configs SET value = '10.0.19' WHERE name IN ('version', 'dbversion')")
    assert glpi.run("db:update", "-n").returncode == 0
    assert state(glpi, "formcreator") == NOTACTIVATED
    activated = glpi.run("plugin:activate", "formcreator", "-n")
    assert activated.returncode == 0, activated.stdout + activated.stderr
    assert 'Plugin "formcreator" has been activated.' in activated.stdout
    assert state(glpi, "formcreator") == ACTIVATED


@pytest.mark.parametrize("version", LINES)
def test_plugin_whose_files_are_gone_is_refused_and_marked_to_be_cleaned(make_standin, version):
    glpi = make_standin(version)
    assert glpi.install().returncode == 0
    add_plugin(glpi, "fields", state=NOTACTIVATED, files=False)
    refused = glpi.run("plugin:activate", "fields", "-n")
    assert refused.returncode == 1
    assert 'Invalid plugin directory "fields".' in refused.stdout
    assert state(glpi, "fields") == TOBECLEANED


@pytest.mark.parametrize("version", LINES)
def test_other_refusals_and_the_all_option(make_standin, version):
    glpi = make_standin(version)
    assert glpi.install().returncode == 0
    add_plugin(glpi, "active")
    add_plugin(glpi, "waiting", state=NOTACTIVATED)
    add_plugin(glpi, "unconfigured", state="3")
    already = glpi.run("plugin:activate", "active", "-n")
    assert already.returncode == 1 and 'Plugin "active" is already active.' in already.stdout
    unknown = glpi.run("plugin:activate", "nosuch", "-n")
    assert unknown.returncode == 1 and 'Invalid plugin directory "nosuch".' in unknown.stdout
    configure = glpi.run("plugin:activate", "unconfigured", "-n")
    assert configure.returncode == 1 and "have to be installed and configured prior to activation" in configure.stdout
    both = glpi.run("plugin:activate", "--all", "waiting", "-n")
    assert both.returncode == 1 and "Option --all is not compatible with usage of directory argument." in both.stderr
    every = glpi.run("plugin:activate", "--all", "-n")
    assert every.returncode == 0, every.stdout + every.stderr
    assert state(glpi, "waiting") == ACTIVATED and state(glpi, "unconfigured") == "3"


# ---- the 10.0.x console checks the active plugins at start (src/Console/Application.php, Plugin::init) ----------
def test_console_start_deactivates_an_active_plugin_the_release_no_longer_suits(make_standin):
    glpi = make_standin("10.0.20")
    assert glpi.install().returncode == 0
    add_plugin(glpi, "legacy", requirements=", 'requirements' => ['glpi' => ['min' => '9.5', 'max' => '10.0.20']]")
    add_plugin(glpi, "picky", extra="function plugin_picky_check_prerequisites() { echo 'needs GLPI 9'; return false; }\n")
    add_plugin(glpi, "moved", version="2.0.0")
    add_plugin(glpi, "unset", extra="function plugin_unset_check_config() { return false; }\n")
    add_plugin(glpi, "fine", requirements=", 'requirements' => ['glpi' => ['min' => '10.0.0', 'max' => '10.0.99']]")
    run = glpi.run("system:check_requirements")
    assert run.returncode == 0, run.stdout + run.stderr
    assert state(glpi, "legacy") == NOTACTIVATED and state(glpi, "picky") == NOTACTIVATED
    assert 'Plugin "legacy" prerequisites are not matched. It has been deactivated.' in run.stderr
    assert state(glpi, "moved") == NOTUPDATED
    assert glpi.sql("SELECT version FROM glpi_plugins WHERE directory = 'moved'") == [["2.0.0"]]
    assert 'Plugin "moved" version changed. It has been deactivated as its update process has to be launched.' in run.stderr
    assert state(glpi, "unset") == TOBECONFIGURED and 'Plugin "unset" must be configured.' in run.stderr
    assert state(glpi, "fine") == ACTIVATED


def test_commands_that_force_no_plugins_and_no_plugins_leave_the_states(make_standin):
    glpi = make_standin("10.0.20")
    assert glpi.install().returncode == 0
    add_plugin(glpi, "legacy", requirements=", 'requirements' => ['glpi' => ['max' => '10.0.0']]")
    assert glpi.run("system:check_requirements", "--no-plugins").returncode == 0
    assert glpi.run("plugin:activate", "legacy", "-n").returncode == 1  # already active: plugin:* start no plugin
    assert state(glpi, "legacy") == ACTIVATED
    assert glpi.run("maintenance:enable", "-n").returncode == 0
    assert state(glpi, "legacy") == NOTACTIVATED


# ---- plugin:activate goes through Plugin::activate() -------------------------------------------------------------
@pytest.mark.parametrize("version", LINES)
def test_activation_refused_by_the_plugins_own_prerequisites(make_standin, version):
    glpi = make_standin(version)
    assert glpi.install().returncode == 0
    add_plugin(glpi, "picky", state=NOTACTIVATED,
               extra="function plugin_picky_check_prerequisites() { echo 'This plugin requires GLPI 9.5'; return false; }\n")
    refused = glpi.run("plugin:activate", "picky", "-n")
    assert refused.returncode == 1
    assert 'Plugin "picky" activation failed.' in refused.stdout
    assert "Plugin prerequisites are not matching, it cannot be activated. This plugin requires GLPI 9.5" in refused.stdout
    assert state(glpi, "picky") == NOTACTIVATED


def test_activation_refused_for_a_plugin_not_csrf_compliant_on_10_0(make_standin):
    glpi = make_standin("10.0.20")
    assert glpi.install().returncode == 0
    add_plugin(glpi, "oldstyle", state=NOTACTIVATED, csrf=False)
    add_plugin(glpi, "modern", state=NOTACTIVATED)
    refused = glpi.run("plugin:activate", "oldstyle", "modern", "-n")
    assert refused.returncode == 1
    assert "Plugin oldstyle is not CSRF compliant!" in refused.stdout
    assert state(glpi, "oldstyle") == NOTACTIVATED and state(glpi, "modern") == ACTIVATED


# ---- 11.0: plugins' execution suspended by an update, resumed (src/Plugin.php checkStates, src/Update.php) -------
def mode(glpi) -> str | None:
    return glpi.config("plugins_execution_mode")


def upgraded_to_11(make_standin, source: str = "10.0.20", target: str = "11.0.2", **plugins):
    """`source` installed with the given plugins active, then the code of `target` (the role's upgrade: new code, old
    data). The plugins' files go to the new release's marketplace/, the stand-in's GLPI_MARKETPLACE_DIR."""
    glpi = make_standin(source)
    assert glpi.install().returncode == 0
    glpi.replace_release(target)
    for key, setup in plugins.items():
        add_plugin(glpi, key, **setup)
    return glpi


def test_a_major_update_suspends_the_plugins_and_only_resume_execution_brings_them_back(make_standin):
    glpi = upgraded_to_11(make_standin, formcreator={},
                          legacy={"requirements": ", 'requirements' => ['glpi' => ['min' => '10.0.0', 'max' => '10.0.99']]"})
    enabled = glpi.run("maintenance:enable", "-n")  # the first run of the new code on the old data
    assert enabled.returncode == 0, enabled.stdout + enabled.stderr
    assert mode(glpi) == "suspended_by_update"
    assert state(glpi, "formcreator") == ACTIVATED and state(glpi, "legacy") == ACTIVATED  # suspended, not deactivated
    updated = glpi.run("db:update", "-n")
    assert updated.returncode == 0, updated.stdout + updated.stderr
    assert mode(glpi) == "suspended_by_update"  # 10.0 -> 11.0: not resumed by the update
    assert state(glpi, "formcreator") == ACTIVATED
    refused = glpi.run("plugin:activate", "formcreator", "-n")  # what the role used to run
    assert refused.returncode == 1
    assert "Checking a plugin state is forbidden when plugins execution is suspended." in refused.stderr
    resumed = glpi.run("plugin:resume_execution", "-n")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "Execution of all active plugins has been resumed." in resumed.stdout
    assert mode(glpi) == "on"
    checked = glpi.run("cache:clear", "-n")  # the next boot checks the active plugins again
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert state(glpi, "formcreator") == ACTIVATED
    assert state(glpi, "legacy") == NOTACTIVATED
    assert 'Plugin "legacy" prerequisites are not matched. It has been deactivated.' in checked.stderr
    already = glpi.run("plugin:activate", "formcreator", "-n")
    assert already.returncode == 1 and 'Plugin "formcreator" is already active.' in already.stdout


def test_a_bugfix_update_resumes_the_plugins_itself(make_standin):
    glpi = upgraded_to_11(make_standin, source="11.0.1", target="11.0.2", formcreator={})
    assert glpi.run("maintenance:enable", "-n").returncode == 0
    assert mode(glpi) == "suspended_by_update"
    updated = glpi.run("db:update", "-n")
    assert updated.returncode == 0, updated.stdout + updated.stderr
    assert "Execution of all active plugins has been resumed." in updated.stdout
    assert mode(glpi) == "on" and state(glpi, "formcreator") == ACTIVATED


def test_a_manual_suspension_is_not_resumed_by_a_bugfix_update(make_standin):
    glpi = make_standin("11.0.1")
    assert glpi.install().returncode == 0
    add_plugin(glpi, "formcreator")
    suspended = glpi.run("plugin:suspend_execution", "-n")
    assert suspended.returncode == 0 and "Execution of all active plugins has been suspended." in suspended.stdout
    glpi.sql("DELETE FROM glpi_plugins")  # files gone with the old release; the row comes back below
    glpi.replace_release("11.0.2")
    add_plugin(glpi, "formcreator")
    assert glpi.run("maintenance:enable", "-n").returncode == 0
    assert glpi.run("db:update", "-n").returncode == 0
    assert mode(glpi) == "suspended_manually"


def test_without_any_plugin_nothing_is_suspended(make_standin):
    glpi = upgraded_to_11(make_standin)
    assert glpi.run("maintenance:enable", "-n").returncode == 0
    assert mode(glpi) is None
    assert glpi.run("db:update", "-n").returncode == 0
    assert mode(glpi) == "on"  # update_10.0.x_to_11.0.0/configs.php


def test_resume_execution_does_not_exist_in_10_0_and_needs_an_updated_database_in_11_0(make_standin):
    old = make_standin("10.0.20")
    assert old.install().returncode == 0
    refused = old.run("plugin:resume_execution", "-n")
    assert refused.returncode == 1 and 'Command "plugin:resume_execution" is not defined.' in refused.stderr
    glpi = upgraded_to_11(make_standin, formcreator={})
    outdated = glpi.run("plugin:resume_execution", "-n")
    assert outdated.returncode == 131 and "The update of the GLPI database is necessary." in outdated.stdout
    assert mode(glpi) == "suspended_by_update"
    assert glpi.run("db:update", "-n").returncode == 0
    extra = glpi.run("plugin:resume_execution", "formcreator", "-n")  # no argument of its own
    assert extra.returncode == 1 and mode(glpi) == "suspended_by_update", extra.stderr


def test_with_glpi_skip_updates_only_a_new_intermediate_version_suspends(make_standin):
    """Update::isUpdateMandatory() with GLPI_SKIP_UPDATES: only when the intermediate version changes."""
    glpi = upgraded_to_11(make_standin, source="11.0.1", target="11.0.2", formcreator={})
    glpi.downstream("define('GLPI_SKIP_UPDATES', true);")
    assert glpi.run("maintenance:enable", "-n").returncode == 0
    assert mode(glpi) is None and state(glpi, "formcreator") == ACTIVATED  # 11.0 -> 11.0: checked, not suspended
    major = upgraded_to_11(make_standin, formcreator={})
    major.downstream("define('GLPI_SKIP_UPDATES', true);")
    assert major.run("maintenance:enable", "-n").returncode == 0
    assert mode(major) == "suspended_by_update"  # 10.0 -> 11.0
