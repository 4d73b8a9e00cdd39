"""glpi01 after converge, idempotence, check and side_effect (checksum refusal, upgrade to
the 10.0.99 STAND-IN, backup → break → restore)."""

from __future__ import annotations

import json
import shlex
import ssl
import warnings

import pytest
import requests
from cryptography import x509
from cryptography.x509.oid import NameOID
from testlib import assert_check_changed_nothing, container_ip, instance, lab_secret

INSTALLED, UPGRADED = "10.0.20", "10.0.99"


@pytest.fixture(scope="module")
def host():
    return instance("glpi01")


def web(url: str) -> requests.Response:
    """GET from the controller to the container (self-signed certificate, no redirect following)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return requests.get(url.replace("//glpi01", "//" + container_ip("glpi01")), verify=False,
                            allow_redirects=False, timeout=10)


def sql(host, query: str) -> list[list[str]]:
    out = host.check_output(f"mysql -N -B glpi -e {shlex.quote(query)}")
    return [line.split("\t") for line in out.splitlines()]


def console_calls(host) -> list[dict]:
    log = host.file("/var/log/glpi/standin-console.log")
    return [json.loads(line) for line in log.content_string.splitlines()]


def test_check_mode_after_converge_changes_nothing():
    assert_check_changed_nothing()


def test_php_has_every_extension_glpi_needs(host):
    loaded = {m.strip().lower() for m in host.check_output("php -m").splitlines()}
    wanted = {"dom", "fileinfo", "filter", "libxml", "simplexml", "xmlreader", "xmlwriter", "curl", "gd", "intl",
              "mysqli", "session", "zlib", "bz2", "zip", "exif", "ldap", "zend opcache", "mbstring"}
    assert wanted - loaded == set()


def test_mariadb_listens_on_localhost_only(host):
    sockets = host.socket.get_listening_sockets()
    assert "tcp://127.0.0.1:3306" in sockets
    assert not [s for s in sockets if s.endswith(":3306") and "127.0.0.1" not in s]


def test_mariadb_is_hardened_and_the_glpi_user_is_least_privilege(host):
    assert host.check_output("mysql -N -e \"SELECT COUNT(*) FROM mysql.user WHERE user = ''\"") == "0"
    assert host.check_output("mysql -N -e \"SHOW DATABASES LIKE 'test'\"") == ""
    charset = host.check_output("mysql -N -e \"SELECT default_character_set_name FROM information_schema.schemata "
                                "WHERE schema_name = 'glpi'\"")
    assert charset == "utf8mb4"
    grants = host.check_output("mysql -N -e \"SHOW GRANTS FOR 'glpi'@'localhost'\"").splitlines()
    privileges = sorted(g.split(" IDENTIFIED")[0] for g in grants)
    assert privileges == ["GRANT ALL PRIVILEGES ON `glpi`.* TO `glpi`@`localhost`",
                          "GRANT SELECT ON `mysql`.`time_zone_name` TO `glpi`@`localhost`",
                          "GRANT USAGE ON *.* TO `glpi`@`localhost`"]
    assert int(host.check_output("mysql -N -e 'SELECT COUNT(*) FROM mysql.time_zone_name'")) > 400
    # root: unix_socket only, no password login over TCP
    assert host.run("mysql -h 127.0.0.1 -u root -e 'SELECT 1'").rc != 0


def test_db_install_ran_once_and_db_update_once_after_the_version_bump(host):
    calls = console_calls(host)
    commands = [c["args"][0] for c in calls]
    assert commands.count("db:install") == 1, commands
    assert commands.count("db:update") == 1, commands
    update = next(c for c in calls if c["args"][0] == "db:update")
    assert update["version"] == UPGRADED
    assert all(c["user"] == "www-data" for c in calls)
    raw = host.file("/var/log/glpi/standin-console.log").content_string
    assert "--db-password=***" in raw
    assert lab_secret("glpi_db") not in raw
    assert sql(host, "SELECT value FROM glpi_configs WHERE name = 'version'") == [[UPGRADED]]


def test_previous_release_is_kept_and_web_root_points_at_the_pinned_one(host):
    assert host.file(f"/opt/glpi/releases/{INSTALLED}/glpi/version/{INSTALLED}").exists
    assert host.file("/var/www/glpi").linked_to == f"/opt/glpi/releases/{UPGRADED}/glpi"
    assert host.file(f"/opt/glpi/archives/glpi-{UPGRADED}-STANDIN.tgz").exists


def test_config_data_and_logs_live_outside_the_web_root(host):
    downstream = host.file("/var/www/glpi/inc/downstream.php")
    assert "define('GLPI_CONFIG_DIR', '/etc/glpi')" in downstream.content_string
    local_define = host.file("/etc/glpi/local_define.php").content_string
    assert "'/var/lib/glpi'" in local_define and "'/var/log/glpi'" in local_define
    assert host.file("/etc/glpi/config_db.php").exists
    assert not host.file("/var/www/glpi/config/config_db.php").exists


def test_www_data_owns_only_what_glpi_writes(host):
    for path in ("/etc/glpi", "/var/lib/glpi", "/var/lib/glpi/_sessions", "/var/log/glpi",
                 "/var/www/glpi/marketplace"):
        f = host.file(path)
        assert (f.user, f.group, f.mode) == ("www-data", "www-data", 0o750), path
    foreign = host.check_output("find /opt/glpi -user www-data -not -path '*/marketplace' -printf '%p\\n'")
    assert foreign == ""
    assert host.file("/etc/glpi/config_db.php").user == "www-data"
    assert host.file("/etc/glpi/config_db.php").mode & 0o007 == 0


def test_nothing_is_world_writable(host):
    found = host.check_output("find /opt/glpi /etc/glpi /var/lib/glpi /var/log/glpi /var/backups/glpi "
                              "-perm -o+w -not -type l -printf '%p\\n'")
    assert found == ""


def test_web_installer_is_removed(host):
    assert not host.file("/var/www/glpi/install/install.php").exists


def test_https_serves_glpi_public_dir(host):
    page = web("https://glpi01/")
    assert page.status_code == 200
    assert f"GLPI STAND-IN {UPGRADED}" in page.text
    assert f"database version: {UPGRADED}" in page.text
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    # GLPI's router: paths that are not files of public/ reach public/index.php
    assert "path: /front/central.php" in web("https://glpi01/front/central.php").text
    assert "installer" not in web("https://glpi01/install/install.php").text


def test_certificate_names_the_glpi_host(host):
    pem = ssl.get_server_certificate((container_ip("glpi01"), 443))
    cert = x509.load_pem_x509_certificate(pem.encode())
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "glpi.lab.test"


def test_http_redirects_to_https(host):
    answer = web("http://glpi01/front/ticket.php")
    assert answer.status_code == 301
    assert answer.headers["Location"] == "https://glpi.lab.test/front/ticket.php"


def test_php_session_cookies_are_hardened(host):
    for sapi in ("apache2", "cli"):
        ini = host.file(f"/etc/php/8.2/{sapi}/conf.d/90-glpi.ini").content_string
        for line in ("session.cookie_httponly = On", "session.cookie_secure = On", "session.cookie_samesite = Lax"):
            assert line in ini, (sapi, line)
    values = host.check_output("php -r 'echo ini_get(\"session.cookie_httponly\"), ini_get(\"session.cookie_secure\"), "
                               "ini_get(\"session.cookie_samesite\");'")
    assert values == "11Lax"


def test_default_accounts_have_vault_passwords(host):
    secrets = {"glpi": "glpi_admin", "tech": "glpi_tech", "normal": "glpi_normal", "post-only": "glpi_postonly"}
    rows = dict((name, (pw, active)) for name, pw, active in sql(host, "SELECT name, password, is_active FROM glpi_users"))
    assert set(rows) == set(secrets)
    for login, secret in secrets.items():
        stored, active = rows[login]
        assert active == "1"
        check = host.run(f"printf %s {shlex.quote(lab_secret(secret))} | "
                         f"php -r 'exit(password_verify(stream_get_contents(STDIN), $argv[1]) ? 0 : 1);' {shlex.quote(stored)}")
        assert check.rc == 0, f"{login}: stored hash does not match the vault password"
        assert host.run(f"php -r 'exit(password_verify($argv[1], $argv[2]) ? 0 : 1);' {shlex.quote(login)} "
                        f"{shlex.quote(stored)}").rc == 1, f"{login}: default password still works"


def test_contract_slas_are_declared(host):
    rows = sql(host, "SELECT a.name, a.type, a.number_time, a.definition_time, m.name FROM glpi_slas a "
                     "JOIN glpi_slms m ON m.id = a.slms_id ORDER BY a.name")
    assert rows == [["grave", "0", "6", "hour", "Contrat de maintenance"],
                    ["majeur", "0", "4", "hour", "Contrat de maintenance"],
                    ["mineur", "0", "1", "day", "Contrat de maintenance"]]


def test_cron_runs_glpi_automatic_actions(host):
    cron = host.file("/etc/cron.d/glpi").content_string
    assert "* * * * * www-data /usr/bin/php /var/www/glpi/front/cron.php" in cron
    assert host.service("cron").is_running
    assert host.run("runuser -u www-data -- /usr/bin/php /var/www/glpi/front/cron.php").rc == 0
    assert host.file("/var/log/glpi/standin-cron.log").user == "www-data"


def test_logrotate_covers_glpi_logs(host):
    assert "/var/log/glpi/*.log" in host.file("/etc/logrotate.d/glpi").content_string
    assert host.run("logrotate --debug /etc/logrotate.d/glpi").rc == 0


def test_nightly_backup_timer_and_rotation(host):
    assert host.service("glpi-backup.timer").is_enabled
    assert host.file("/var/backups/glpi").mode == 0o700
    backups = host.check_output("ls /var/backups/glpi").split()
    assert backups, "no backup made"
    latest = f"/var/backups/glpi/{sorted(backups)[-1]}"
    for name in ("db.sql.gz", "files.tar.gz", "SHA256SUMS"):
        assert host.file(f"{latest}/{name}").exists


def test_restore_brought_back_the_data_the_test_broke(host):
    # side_effect deleted glpi_users, dropped glpi_slas and removed config_db.php after
    # the backup, then ran playbooks/restore_glpi.yml; no converge ran since.
    assert sql(host, "SELECT COUNT(*) FROM glpi_users") == [["4"]]
    assert sql(host, "SELECT COUNT(*) FROM glpi_slas") == [["3"]]
    assert host.file("/etc/glpi/config_db.php").exists
    assert host.service("apache2").is_running
    assert f"database version: {UPGRADED}" in web("https://glpi01/").text


def test_backup_rotation_keeps_the_newest(host):
    # Runs after the restore check: 15 old fake backups + the real ones, one more backup,
    # and only the 14 newest (glpi_backup_keep) remain, the real ones among them.
    before = set(host.check_output("ls /var/backups/glpi").split())
    host.check_output("for i in $(seq -w 1 15); do mkdir /var/backups/glpi/20000101-0000$i; done")
    host.check_output("/usr/local/sbin/glpi-backup")
    after = set(host.check_output("ls /var/backups/glpi").split())
    assert len(after) == 14
    assert before <= after
    assert "20000101-000001" not in after and "20000101-000015" in after
