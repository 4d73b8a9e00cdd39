"""db:install / db:configure as GLPI runs them (standin/inc/standin/Command/Install.php, AbstractConfigure.php)."""

from __future__ import annotations

import hashlib
import subprocess

import pytest

LINES = ["10.0.20", "11.0.1"]


def verify(glpi, password: str, stored_hash: str) -> bool:
    check = subprocess.run(["php", "-r", "exit(password_verify($argv[1], $argv[2]) ? 0 : 1);", password, stored_hash])
    return check.returncode == 0


@pytest.mark.parametrize("version", LINES)
def test_existing_configuration_needs_reconfigure(make_standin, version):
    glpi = make_standin(version)
    assert glpi.install().returncode == 0
    glpi.sql("DROP TABLE glpi_users")  # not relevant to the refusal, checked before any table
    refused = glpi.install()
    assert refused.returncode == 3
    assert "Use --reconfigure option to override existing configuration." in refused.stdout
    configure = glpi.run("db:configure", "-d", glpi.database, "-u", glpi.user, "-p", glpi.password, "-n")
    assert configure.returncode == 3
    # Password rotation: MariaDB first, then `db:configure -r` (it connects with the new password).
    stale = glpi.run("db:configure", "-r", "-d", glpi.database, "-u", glpi.user, "-p", "an-other-pw", "-n")
    assert stale.returncode == 1 and "Database connection failed" in stale.stdout
    glpi.db.sql(f"ALTER USER '{glpi.user}'@'localhost' IDENTIFIED BY 'an-other-pw'")
    rotated = glpi.run("db:configure", "-r", "-d", glpi.database, "-u", glpi.user, "-p", "an-other-pw", "-n")
    assert rotated.returncode == 0, rotated.stdout + rotated.stderr
    assert "public $dbpassword = 'an-other-pw';" in (glpi.config_dir / "config_db.php").read_text()


@pytest.mark.parametrize("version", LINES)
def test_existing_glpi_tables_need_force(make_standin, version):
    glpi = make_standin(version)
    assert glpi.install().returncode == 0
    glpi.sql("INSERT INTO glpi_slms (name) VALUES ('kept?')")
    refused = glpi.install("--reconfigure")
    assert refused.returncode == 6
    assert 'Database already contains "glpi_*" tables. Use --force option to override existing database.' in refused.stdout
    assert glpi.sql("SELECT name FROM glpi_slms") == [["kept?"]]
    forced = glpi.install("--reconfigure", "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert glpi.sql("SELECT COUNT(*) FROM glpi_slms") == [["0"]]


@pytest.mark.parametrize("version", LINES)
def test_existing_configuration_without_db_options_installs_into_it(make_standin, version):
    glpi = make_standin(version)
    configured = glpi.run("db:configure", "-d", glpi.database, "-u", glpi.user, "-p", glpi.password, "-n")
    assert configured.returncode == 0
    assert glpi.sql("SHOW TABLES") == []
    # The password stays out of the command line: db:install reads config_db.php.
    installed = glpi.run("db:install", "-n")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert glpi.config("version") is not None


@pytest.mark.parametrize("version", LINES)
def test_config_db_php_is_written_before_the_schema(make_standin, version):
    # A GLPI account without DROP: GLPI's schema file starts each table with DROP TABLE IF EXISTS.
    glpi = make_standin(version, tables_privilege="SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX")
    first = glpi.install()
    assert first.returncode == 7, first.stdout + first.stderr
    assert (glpi.config_dir / "config_db.php").exists()
    retry = glpi.install()  # what a role guarded by `creates: config_db.php` would never get to do
    assert retry.returncode == 3


@pytest.mark.parametrize("version", LINES)
def test_connection_failure(make_standin, version):
    glpi = make_standin(version)
    refused = glpi.run("db:install", "-d", glpi.database, "-u", glpi.user, "-p", "wrong-password", "-n")
    assert refused.returncode == 1
    assert "Database connection failed with message" in refused.stdout
    assert "wrong-password" not in refused.stdout + refused.stderr
    assert not (glpi.config_dir / "config_db.php").exists()
    assert glpi.install().returncode == 0


@pytest.mark.parametrize("version", LINES)
def test_empty_name_or_user_and_null_password_are_refused(make_standin, version):
    glpi = make_standin(version)
    no_name = glpi.run("db:install", "-d", "", "-u", glpi.user, "-p", glpi.password, "-n")
    assert no_name.returncode == 1 and "Database name defined by --db-name option cannot be empty." in no_name.stderr
    no_user = glpi.run("db:install", "-d", glpi.database, "-p", glpi.password, "-n")
    assert no_user.returncode == 1 and "Database user defined by --db-user option cannot be empty." in no_user.stderr
    bare_password = glpi.run("db:install", "-d", glpi.database, "-u", glpi.user, "-n", "-p")
    assert bare_password.returncode == 1 and "--db-password option value cannot be null." in bare_password.stderr
    assert not (glpi.config_dir / "config_db.php").exists()


def test_missing_password_option_is_empty_in_10_and_null_in_11(make_standin):
    ten, eleven = make_standin("10.0.20"), make_standin("11.0.1")
    ten_run = ten.run("db:install", "-d", ten.database, "-u", ten.user, "-n")
    assert ten_run.returncode == 1 and "Database connection failed" in ten_run.stdout  # tried with ''
    eleven_run = eleven.run("db:install", "-d", eleven.database, "-u", eleven.user, "-n")
    assert eleven_run.returncode == 1 and "--db-password option value cannot be null." in eleven_run.stderr


@pytest.mark.parametrize("version", LINES)
def test_default_accounts_and_their_passwords(make_standin, version):
    glpi = make_standin(version)
    assert glpi.install().returncode == 0
    rows = {name: (pw, active, auth) for name, pw, active, auth in
            glpi.sql("SELECT name, password, is_active, authtype FROM glpi_users")}
    assert set(rows) == {"glpi", "tech", "normal", "post-only", "glpi-system"}
    for login, password in {"glpi": "glpi", "tech": "tech", "normal": "normal", "post-only": "postonly"}.items():
        stored, active, authtype = rows[login]
        assert stored.startswith("$2y$10$") and active == "1" and authtype == "1"
        assert verify(glpi, password, stored), login
    assert not verify(glpi, "post-only", rows["post-only"][0])  # the login is not post-only's password
    assert rows["glpi-system"][0] == ""


@pytest.mark.parametrize("version", LINES)
def test_schema_version_is_stored(make_standin, version):
    glpi = make_standin(version)
    assert glpi.install().returncode == 0
    assert glpi.config("version") == version
    schema = (glpi.root / "install" / "mysql" / "glpi-empty.sql").read_bytes()
    assert glpi.config("dbversion") == f"{version}@{hashlib.sha1(schema).hexdigest()}"
    assert glpi.config("language") == "fr_FR"


@pytest.mark.parametrize("version", LINES)
def test_config_db_php_format_and_mode_follow_glpi(make_standin, version):
    glpi = make_standin(version)
    password = "p@ss w%rd'q"
    glpi.sql(f"ALTER USER '{glpi.user}'@'localhost' IDENTIFIED BY 'p@ss w%rd''q'")
    assert glpi.run("db:install", "-d", glpi.database, "-u", glpi.user, f"--db-password={password}", "-n",
                    umask=0o022).returncode == 0
    config = glpi.config_dir / "config_db.php"
    assert "public $dbpassword = 'p%40ss%20w%25rd%27q';" in config.read_text()  # rawurlencode()
    assert config.stat().st_mode & 0o777 == 0o644  # GLPI sets no umask: the caller's decides
    key = glpi.config_dir / "glpicrypt.key"
    assert len(key.read_bytes()) == 32 and key.stat().st_mode & 0o777 == 0o644
    strict = make_standin(version)
    assert strict.run("db:install", "-d", strict.database, "-u", strict.user, "-p", strict.password, "-n",
                      umask=0o027).returncode == 0
    assert (strict.config_dir / "config_db.php").stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("version", LINES)
def test_security_key_is_regenerated_by_every_install(make_standin, version):
    glpi = make_standin(version)
    assert glpi.install().returncode == 0
    first = (glpi.config_dir / "glpicrypt.key").read_bytes()
    assert glpi.install("--reconfigure").returncode == 6  # refused for the tables, after regenerating the key
    assert (glpi.config_dir / "glpicrypt.key").read_bytes() != first


@pytest.mark.parametrize("version", LINES)
def test_timezones_are_used_when_the_account_can_read_them(make_standin, version):
    glpi = make_standin(version)
    assert glpi.install().returncode == 0
    assert "public $use_timezones = true;" in (glpi.config_dir / "config_db.php").read_text()
    blind = make_standin(version)
    blind.db.sql(f"REVOKE SELECT ON mysql.time_zone_name FROM '{blind.user}'@'localhost'")
    result = blind.install()
    assert result.returncode == 0
    assert "Timezones usage cannot be activated" in result.stdout
    assert "use_timezones" not in (blind.config_dir / "config_db.php").read_text()


@pytest.mark.parametrize("version", LINES)
def test_configuration_write_access_is_checked_first(make_standin, version):
    glpi = make_standin(version)
    glpi.config_dir.chmod(0o555)
    refused = glpi.install()
    assert refused.returncode == 129
    assert "A temporary write access to the following files is required" in refused.stdout
    glpi.config_dir.chmod(0o755)
    assert glpi.install().returncode == 0


# ---- 10.0.x GLPIKey::generate(): the existing key is read back when the configured database is reachable ----------
def configured_with_key(make_standin, key: bytes):
    """A 10.0 stand-in whose config_db.php is written (as the role does) and whose glpicrypt.key holds `key`."""
    glpi = make_standin("10.0.20")
    assert glpi.run("db:configure", "-d", glpi.database, "-u", glpi.user, "-p", glpi.password, "-n").returncode == 0
    path = glpi.config_dir / "glpicrypt.key"
    path.write_bytes(key)
    glpi.give(path)
    return glpi, path


def test_10_install_into_the_configured_database_refuses_a_key_it_cannot_read_back(make_standin):
    glpi, key = configured_with_key(make_standin, b"truncated")  # what a half-written key file holds
    refused = glpi.run("db:install", "-n", "--force")
    assert refused.returncode == 8, refused.stdout + refused.stderr
    assert "Security key cannot be generated!" in refused.stdout
    assert key.read_bytes() == b"truncated" and glpi.sql("SHOW TABLES") == []


def test_10_install_replaces_a_readable_key_and_ignores_one_without_a_reachable_database(make_standin):
    glpi, key = configured_with_key(make_standin, bytes(range(32)))
    installed = glpi.run("db:install", "-n", "--force")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert len(key.read_bytes()) == 32 and key.read_bytes() != bytes(range(32))
    # Database not created yet: GLPI's $DB is not connected, the old key is not read, a new one is written.
    fresh, fresh_key = configured_with_key(make_standin, b"truncated")
    fresh.db.sql(f"DROP DATABASE {fresh.database}")
    created = fresh.run("db:install", "-n")
    assert created.returncode == 0, created.stdout + created.stderr
    assert len(fresh_key.read_bytes()) == 32
