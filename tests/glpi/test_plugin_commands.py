"""plugin:activate as GLPI runs it (standin/inc/standin/Command/Plugin.php, after src/Console/Plugin/ActivateCommand.php).

db:update deactivates every active plugin (Update::doUpdates, Plugin::unactivateAll); plugin:activate brings a
plugin back only when its files are in a plugin directory (GLPI_MARKETPLACE_DIR or plugins/): a plugin whose
marketplace/ stayed inside the old release is gone after an upgrade and becomes "to be cleaned".
"""

from __future__ import annotations

import pytest

LINES = ["10.0.20", "11.0.1"]
ACTIVATED, NOTACTIVATED, TOBECLEANED = "1", "4", "5"


def add_plugin(glpi, key: str, state: str = ACTIVATED, files: bool = True) -> None:
    if files:
        folder = glpi.root / "marketplace" / key
        folder.mkdir(parents=True)
        (folder / "setup.php").write_text(f"<?php\nfunction plugin_version_{key}() {{ return ['name' => '{key}', 'version' => '1.0.0']; }}\n")
        glpi.give(folder)
    glpi.sql(f"INSERT INTO glpi_plugins (directory, name, version, state) VALUES ('{key}', '{key}', '1.0.0', {state})")


def state(glpi, key: str) -> str:
    return glpi.sql(f"SELECT state FROM glpi_plugins WHERE directory = '{key}'")[0][0]


@pytest.mark.parametrize("version", LINES)
def test_update_deactivates_plugins_and_activate_brings_them_back(make_standin, version):
    glpi = make_standin(version)
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
