"""db:update, upgrades and restores as GLPI handles them (standin/inc/standin/Command/Update.php, Schema.php)."""

from __future__ import annotations

import pytest

LINES = ["10.0.20", "11.0.1"]


def installed(make_standin, version: str, *extra: str):
    glpi = make_standin(version)
    result = glpi.install(*extra)
    assert result.returncode == 0, result.stdout + result.stderr
    return glpi


@pytest.mark.parametrize("version", LINES)
def test_up_to_date_database_needs_no_migration(make_standin, version):
    glpi = installed(make_standin, version)
    result = glpi.run("db:update", "-n")
    assert result.returncode == 0 and "No migration needed." in result.stdout


def test_upgrade_stores_the_new_version_and_deactivates_plugins(make_standin):
    glpi = installed(make_standin, "10.0.20")
    glpi.sql("INSERT INTO glpi_plugins (directory, name, version, state) VALUES ('fields', 'Fields', '1.0', 1)")
    glpi.replace_release("10.0.99")
    outdated = glpi.run("maintenance:enable", "-n")
    assert outdated.returncode == 0  # maintenance commands do not need an up-to-date database
    updated = glpi.run("db:update", "-n")
    assert updated.returncode == 0, updated.stdout + updated.stderr
    assert "Migration done." in updated.stdout
    assert glpi.config("version") == "10.0.99" and glpi.config("dbversion").startswith("10.0.99@")
    assert glpi.sql("SELECT state FROM glpi_plugins") == [["4"]]  # Plugin::unactivateAll()
    assert glpi.run("db:update", "-n").stdout.count("No migration needed.") == 1


def test_upgrade_to_11_needs_bcmath_and_adds_its_tables(make_standin):
    from glpi_env import php_extensions

    glpi = installed(make_standin, "10.0.20")
    glpi.replace_release("11.0.1")
    refused = glpi.run("db:update", "-n", php_args=["-n", *php_extensions(without=("bcmath",))])
    assert refused.returncode == 128
    assert "bcmath" in refused.stdout and glpi.config("version") == "10.0.20"
    accepted = glpi.run("db:update", "-n")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert glpi.config("version") == "11.0.1"
    assert glpi.sql("SHOW TABLES LIKE 'glpi_forms_forms'") == [["glpi_forms_forms"]]


@pytest.mark.parametrize("older", ["10.0.20", "10.0.99"])
def test_a_database_newer_than_the_code_is_refused(make_standin, older):
    glpi = installed(make_standin, "11.0.1" if older == "10.0.99" else "10.0.99")
    glpi.replace_release(older)  # e.g. a restore of older code over a newer database
    refused = glpi.run("db:update", "-n")
    assert refused.returncode == 1
    assert "Unsupported version (" in refused.stdout
    assert glpi.config("version") in {"10.0.99", "11.0.1"}


@pytest.mark.parametrize("version", LINES)
def test_a_failing_migration_leaves_the_stored_version(make_standin, version):
    glpi = installed(make_standin, "10.0.20")
    target = "10.0.98" if version == "10.0.20" else "11.0.2"
    glpi.replace_release(target, failing_update=True)
    failed = glpi.run("db:update", "-n")
    assert failed.returncode == 1
    assert "Error during the database query" in failed.stderr
    assert glpi.config("version") == "10.0.20"
    assert glpi.sql("SHOW TABLES LIKE 'glpi_standin_halfway'") == [["glpi_standin_halfway"]]  # half-migrated
    glpi.replace_release(target)
    assert glpi.run("db:update", "-n").returncode == 0
    assert glpi.config("version") == target


@pytest.mark.parametrize("version", LINES)
def test_missing_security_key_stops_a_non_interactive_update(make_standin, version):
    glpi = installed(make_standin, "10.0.20")
    glpi.replace_release("10.0.99" if version == "10.0.20" else version)
    (glpi.config_dir / "glpicrypt.key").unlink()
    refused = glpi.run("db:update", "-n")
    assert refused.returncode == 2 and "glpicrypt.key" in refused.stdout
    assert glpi.run("db:update", "--no-telemetry", stdin="yes\n").returncode == 0  # interactive: warned, asked


@pytest.mark.parametrize("version", LINES)
def test_schema_integrity_is_checked_before_updating(make_standin, version):
    glpi = installed(make_standin, version)
    glpi.replace_release("10.0.99" if version == "10.0.20" else "11.0.2")
    glpi.sql("DROP TABLE glpi_slas")
    refused = glpi.run("db:update", "-n")
    assert refused.returncode == 4
    assert "The database schema is not consistent with the installed GLPI version" in refused.stdout
    skipped = glpi.run("db:update", "-n", "--skip-db-checks")
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr


def test_an_unreachable_database_is_an_error_1_in_10_and_130_in_11(make_standin):
    for version, code in (("10.0.20", 1), ("11.0.1", 130)):
        glpi = installed(make_standin, version)
        glpi.db.sql(f"ALTER USER '{glpi.user}'@'localhost' IDENTIFIED BY 'changed-behind-glpis-back'")
        refused = glpi.run("db:update", "-n")
        assert refused.returncode == code
        assert "Unable to connect to database." in refused.stdout + refused.stderr


def test_commands_needing_a_current_database_refuse_an_outdated_one(make_standin):
    glpi = installed(make_standin, "11.0.1")
    assert glpi.run("user:disable", "normal", "-n").returncode == 0
    glpi.replace_release("11.0.2")
    refused = glpi.run("user:disable", "normal", "-n")
    assert refused.returncode == 131
    assert "The GLPI codebase has been updated. The update of the GLPI database is necessary." in refused.stdout


@pytest.mark.parametrize("version", LINES)
def test_system_cron_is_applied_again_by_update(make_standin, version):
    glpi = installed(make_standin, version)
    glpi.replace_release("10.0.99" if version == "10.0.20" else "11.0.2")
    glpi.downstream("define('GLPI_SYSTEM_CRON', true);")
    assert glpi.run("db:update", "-n").returncode == 0
    assert glpi.sql("SELECT mode FROM glpi_crontasks WHERE name = 'slaticket'") == [["2"]]
    assert glpi.sql("SELECT mode FROM glpi_crontasks WHERE name = 'watcher'") == [["1"]]
