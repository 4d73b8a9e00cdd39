"""bin/console parses its options as GLPI's Symfony console does (tests/glpi/standin/inc/standin/Input.php)."""

from __future__ import annotations

import pytest
from glpi_env import IS_ROOT

LINES = ["10.0.20", "11.0.1"]


@pytest.mark.parametrize("version", LINES)
def test_unknown_long_option_is_refused_known_ones_accepted(make_standin, version):
    glpi = make_standin(version)
    refused = glpi.install("--bogus")
    assert refused.returncode == 1
    assert 'The "--bogus" option does not exist.' in refused.stderr
    assert not (glpi.config_dir / "config_db.php").exists()
    accepted = glpi.install()
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "Installation done." in accepted.stdout


@pytest.mark.parametrize("version", LINES)
def test_short_forms_are_glpis(make_standin, version):
    glpi = make_standin(version)
    refused = glpi.run("db:install", "-x", "-n")
    assert refused.returncode == 1 and 'The "-x" option does not exist.' in refused.stderr
    accepted = glpi.run("db:install", "-H", "localhost", "-d", glpi.database, "-u", glpi.user, "-p", glpi.password,
                        "-L", "fr_FR", "-n")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert glpi.config("language") == "fr_FR"


@pytest.mark.parametrize("version", LINES)
def test_db_host_defaults_to_localhost(make_standin, version):
    glpi = make_standin(version)
    result = glpi.run("db:install", f"-d{glpi.database}", f"-u{glpi.user}", f"-p{glpi.password}", "-n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "public $dbhost = 'localhost';" in (glpi.config_dir / "config_db.php").read_text()


@pytest.mark.parametrize("version", LINES)
def test_value_rules(make_standin, version):
    glpi = make_standin(version)
    missing = glpi.run("db:install", "-n", "--db-name")
    assert missing.returncode == 1 and 'The "--db-name" option requires a value.' in missing.stderr
    no_value = glpi.run("db:install", "-n", "--force=yes")
    assert no_value.returncode == 1 and 'The "--force" option does not accept a value.' in no_value.stderr
    attached = glpi.run("db:install", f"-d{glpi.database}", f"-u{glpi.user}", f"-p{glpi.password}", "-f", "-n")
    assert attached.returncode == 0, attached.stdout + attached.stderr


@pytest.mark.parametrize("version", LINES)
def test_unknown_command_is_refused_names_aliases_and_glpi_prefix_accepted(make_standin, version):
    glpi = make_standin(version)
    refused = glpi.run("db:frobnicate", "-n")
    assert refused.returncode == 1 and 'Command "db:frobnicate" is not defined.' in refused.stderr
    no_namespace = glpi.run("dbx:install", "-n")
    assert no_namespace.returncode == 1 and 'There are no commands defined in the "dbx" namespace.' in no_namespace.stderr
    assert glpi.run("glpi:system:check_requirements").returncode == 0
    assert glpi.run("sys:check").returncode == 0  # Symfony accepts an unambiguous abbreviation
    assert glpi.run("database:install", "--help").returncode == 0
    assert glpi.run("glpi:database:install", "-d", glpi.database, "-u", glpi.user, "-p", glpi.password,
                    "-n").returncode == 0


def test_env_option_exists_in_11_only(make_standin):
    ten, eleven = make_standin("10.0.20"), make_standin("11.0.1")
    refused = ten.run("system:check_requirements", "--env=production")
    assert refused.returncode == 1 and 'The "--env" option does not exist.' in refused.stderr
    assert eleven.run("system:check_requirements", "--env=production").returncode == 0
    assert eleven.run("system:check_requirements", "--env=nowhere").returncode != 0


def test_no_plugins_option_exists_in_10_only(make_standin):
    ten, eleven = make_standin("10.0.20"), make_standin("11.0.1")
    assert ten.run("system:check_requirements", "--no-plugins").returncode == 0
    refused = eleven.run("system:check_requirements", "--no-plugins")
    assert refused.returncode == 1 and 'The "--no-plugins" option does not exist.' in refused.stderr


def test_allow_superuser_is_an_11_option(make_standin):
    ten, eleven = make_standin("10.0.20"), make_standin("11.0.1")
    refused = ten.run("system:check_requirements", "--allow-superuser")
    assert refused.returncode == 1 and 'The "--allow-superuser" option does not exist.' in refused.stderr
    assert eleven.run("system:check_requirements", "--allow-superuser").returncode == 0


@pytest.mark.skipif(not IS_ROOT, reason="the refusal of root needs the tests to run as root")
def test_11_console_refuses_root_unless_allowed(make_standin):
    eleven, ten = make_standin("11.0.1"), make_standin("10.0.20")
    refused = eleven.run("system:check_requirements", as_root=True)
    assert refused.returncode == 1 and "Use --allow-superuser option to bypass this limitation." in refused.stdout
    allowed = eleven.run("system:check_requirements", "--allow-superuser", as_root=True)
    assert allowed.returncode == 0 and "WARNING: running as root is discouraged." in allowed.stdout
    assert ten.run("system:check_requirements", as_root=True).returncode == 0


@pytest.mark.parametrize("version", LINES)
def test_quiet_and_verbose(make_standin, version):
    glpi = make_standin(version)
    quiet = glpi.install("-q")
    assert quiet.returncode == 0 and quiet.stdout == ""
    # -q hides what GLPI writes at normal verbosity (install's own refusal), not what it writes as QUIET
    # (an EarlyExitException: db:configure's refusal).
    silent = glpi.install("-q")
    assert silent.returncode == 3 and silent.stdout == ""
    refused = glpi.run("db:configure", "-d", glpi.database, "-u", glpi.user, "-q")
    assert refused.returncode == 3 and "Database configuration already exists" in refused.stdout
    verbose = make_standin(version).install("-v")
    assert "Creating the database..." in verbose.stdout and "Installation done." in verbose.stdout


@pytest.mark.parametrize("version", LINES)
def test_version_and_lang(make_standin, version):
    glpi = make_standin(version)
    shown = glpi.run("--version")
    assert shown.returncode == 0 and shown.stdout.strip() == f"GLPI CLI {version}"
    assert glpi.run("system:check_requirements", "--lang=fr_FR").returncode == 0
    for code in ("kn", "eo"):  # $CFG_GLPI['languages'] holds codes without a country too (inc/define.php)
        assert glpi.run("system:check_requirements", f"--lang={code}").returncode == 0
    bad = glpi.run("system:check_requirements", "--lang=xx_XX")
    assert bad.returncode == 255 and 'Invalid "--lang" option value "xx_XX".' in bad.stderr


@pytest.mark.parametrize("version", LINES)
def test_interactive_run_reads_its_answers_from_stdin(make_standin, version):
    glpi = make_standin(version)
    args = ("db:install", "-d", glpi.database, "-u", glpi.user, "-p", glpi.password, "--no-telemetry")
    aborted = glpi.run(*args, stdin="")
    assert aborted.returncode == 1 and "Aborted." in aborted.stderr
    declined = glpi.run(*args, stdin="no\n")
    assert declined.returncode == 0 and "Aborted." in declined.stdout and not glpi.sql("SHOW TABLES")
    confirmed = glpi.run(*args, stdin="yes\n")
    assert confirmed.returncode == 0 and "Installation done." in confirmed.stdout
