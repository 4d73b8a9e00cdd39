"""glpi01 after converge, idempotence, check and side_effect (checksum refusal, half-finished install, password
rotation, a 10.0 upgrade stopped after an enable that wrote nothing, upgrade to the 11.0.1 STAND-IN with a
marketplace plugin, missing requirement, failing upgrade, backup → break → restore). The last tests break restores on purpose."""

from __future__ import annotations

import json
import shlex
import socket
import ssl
import time
import urllib.parse
import warnings

import pytest
import requests
from cryptography import x509
from cryptography.x509.oid import NameOID
from testlib import assert_check_changed_nothing, connect, container_ip, instance, lab_secret, probe_host

INSTALLED, UPGRADED, FAILING = "10.0.20", "11.0.1", "11.0.2"
REFUSED_ENABLE = "10.0.21"  # a 10.0 upgrade whose maintenance:enable wrote nothing
GLPI = "172.30.10.80"  # glpi01's lab address (inventories/lab/host_vars/glpi01.yml)
ADMIN_VLAN, USERS_VLAN = "172.30.30.70", "172.30.40.50"  # probe01's addresses (VLANs 30 and 40)
LAB_SPAN = 16  # 172.30.0.0/16 spans the lab's VLANs


@pytest.fixture(scope="module")
def host():
    return instance("glpi01")


@pytest.fixture(scope="module")
def probe():
    return probe_host("probe01", ADMIN_VLAN, [USERS_VLAN], LAB_SPAN)


def web(url: str) -> requests.Response:
    """GET from the controller (administrators' VLAN) to the container (self-signed certificate, no redirects)."""
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
              "mysqli", "session", "zlib", "bz2", "zip", "exif", "ldap", "zend opcache", "mbstring", "bcmath",
              "tokenizer", "openssl"}
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


# ---- finding 4: the database password is never on a command line -----------------------------------------
def test_the_db_password_never_appeared_in_the_process_table(host):
    sampled = host.file("/var/tmp/console-cmdlines.log").content_string
    assert "db:install" in sampled, "the sampler never saw the install: it proves nothing"
    # A stand-in db:update lasts ~50 ms and can fall between two samples (one every 20 ms plus the scan of /proc,
    # longer under load): its arguments are read from the console's own record instead.
    updates = [c["args"] for c in console_calls(host) if c["args"] and c["args"][0] == "db:update"]
    assert updates and not [a for args in updates for a in args if a.startswith(("--db-", "-p"))]
    assert lab_secret("glpi_db") not in sampled
    assert "--db-password" not in sampled


def test_db_install_used_the_configured_database_and_db_update_ran_once_per_upgrade(host):
    calls = [c for c in console_calls(host) if c["args"]]
    installs = [c for c in calls if c["args"][0] == "db:install"]
    # converge, then the half-finished install completed with --force
    assert [("--force" in c["args"]) for c in installs] == [False, True]
    assert all(not any(a.startswith(("--db-", "-p", "-u", "-H")) for a in c["args"]) for c in installs)
    updates = [(c["version"], c["exit"]) for c in calls if c["args"][0] == "db:update"]
    assert updates == [(UPGRADED, 0), (FAILING, 1)]
    assert all(c["user"] == "www-data" for c in calls)
    assert sql(host, "SELECT value FROM glpi_configs WHERE name = 'version'") == [[UPGRADED]]


# ---- finding 1: what GLPI writes is not world-readable ------------------------------------------------------
def test_config_db_and_the_security_key_are_private(host):
    config = host.file("/etc/glpi/config_db.php")
    assert (config.user, config.group, config.mode) == ("root", "www-data", 0o640)
    key = host.file("/etc/glpi/glpicrypt.key")
    assert (key.user, key.group, key.mode) == ("www-data", "www-data", 0o640)
    assert host.check_output("find /etc/glpi -perm /o+rwx -printf '%p\\n'") == ""
    for folder in ("/etc/glpi", "/var/lib/glpi", "/var/log/glpi"):
        assert host.file(folder).mode & 0o007 == 0, folder


def test_config_db_is_in_glpis_format_with_the_password_encoded(host):
    content = host.file("/etc/glpi/config_db.php").content_string
    assert "class DB extends DBmysql {" in content
    assert "public $dbdefault = 'glpi';" in content
    # PHP's rawurlencode(), as DBConnection::createMainConfig() writes it
    assert f"public $dbpassword = '{urllib.parse.quote(lab_secret('glpi_db'), safe='')}';" in content
    assert "public $allow_myisam" not in content  # 11.0's format (the upgraded release)


# ---- findings 9, 10, 12: upgrade -------------------------------------------------------------------------------
def test_web_root_points_at_the_upgraded_release_and_the_failed_one_never_served(host):
    assert host.file("/var/www/glpi").linked_to == f"/opt/glpi/releases/{UPGRADED}/glpi"
    assert host.file(f"/opt/glpi/releases/{INSTALLED}/glpi/version/{INSTALLED}").exists
    backups = host.check_output("ls /var/backups/glpi").split()
    assert any(b.endswith(f"-pre-upgrade-{UPGRADED}") for b in backups)
    assert any(b.endswith(f"-pre-upgrade-{FAILING}") for b in backups)


def test_marketplace_lives_outside_the_release_and_its_plugin_is_active(host):
    assert "define('GLPI_MARKETPLACE_DIR', '/var/lib/glpi/marketplace')" in host.file("/etc/glpi/local_define.php").content_string
    assert host.file("/var/lib/glpi/marketplace/sitekitdemo/setup.php").exists
    assert sql(host, "SELECT state FROM glpi_plugins WHERE directory = 'sitekitdemo'") == [["1"]]
    # 10.0 -> 11.0: GLPI 11.0 deactivates no plugin, it suspends their execution at the new release's first console
    # run; the role resumed it (plugin:activate would be refused while suspended)
    assert sql(host, "SELECT value FROM glpi_configs WHERE context = 'core' AND name = 'plugins_execution_mode'") == [["on"]]
    resumes = [c for c in console_calls(host) if c["args"] and c["args"][0] == "plugin:resume_execution"]
    assert resumes and resumes[0]["exit"] == 0


def test_an_upgrade_whose_maintenance_enable_wrote_nothing_stopped_right_after_it(host):
    # side_effect: maintenance:enable of the 10.0.21 STAND-IN could not write (exit 0, GLPI's SQL error line);
    # the role read the mode back and ran nothing else of that release's upgrade
    commands = [(c["args"][0], c["exit"]) for c in console_calls(host) if c["args"] and c["version"] == REFUSED_ENABLE]
    assert ("maintenance:enable", 0) in commands
    assert [name for name, _ in commands[commands.index(("maintenance:enable", 0)):]] == ["maintenance:enable"]
    assert not [b for b in host.check_output("ls /var/backups/glpi").split() if b.endswith(f"-pre-upgrade-{REFUSED_ENABLE}")]


def test_upgrade_went_through_maintenance_update_plugins_cache(host):
    commands = [c["args"][0] for c in console_calls(host) if c["args"] and c["version"] == UPGRADED]
    # 10.0 -> 11.0: the plugins come back by plugin:resume_execution (11.0 suspends them, plugin:activate is refused)
    expected = iter(["system:check_requirements", "maintenance:enable", "db:update", "plugin:resume_execution", "cache:clear",
                     "maintenance:disable"])
    step = next(expected)
    for command in commands:
        if command == step:
            step = next(expected, None)
            if step is None:
                break
    assert step is None, f"{step} missing or out of order in {commands}"


# ---- finding 7: the system cron runs GLPI's automatic actions -------------------------------------------------
def test_automatic_actions_are_in_cli_mode_and_the_system_cron_runs_slaticket(host):
    modes = dict(sql(host, "SELECT name, mode FROM glpi_crontasks WHERE name IN ('slaticket', 'queuednotification', "
                           "'closeticket', 'watcher')"))
    assert modes == {"slaticket": "2", "queuednotification": "2", "closeticket": "2", "watcher": "1"}
    assert "define('GLPI_SYSTEM_CRON', true);" in host.file("/var/www/glpi/inc/downstream.php").content_string
    deadline = time.monotonic() + 360
    while "Launch slaticket" not in host.run("cat /var/log/glpi/cron.log").stdout:
        assert time.monotonic() < deadline, "the system cron never ran slaticket:\n" + host.run("tail -20 /var/log/glpi/cron.log").stdout
        time.sleep(10)
    cron = host.file("/etc/cron.d/glpi").content_string
    assert "* * * * * www-data umask 027; /usr/bin/php /var/www/glpi/front/cron.php" in cron


# ---- findings 2/3: default accounts ---------------------------------------------------------------------------
def test_default_accounts_have_vault_passwords_and_glpi_system_is_left_alone(host):
    secrets = {"glpi": "glpi_admin", "tech": "glpi_tech", "normal": "glpi_normal", "post-only": "glpi_postonly"}
    rows = {name: (pw, active) for name, pw, active in sql(host, "SELECT name, password, is_active FROM glpi_users")}
    assert set(rows) == set(secrets) | {"glpi-system"}
    assert rows["glpi-system"][0] == ""  # GLPI's own: no password, cannot log in
    for login, secret in secrets.items():
        stored, active = rows[login]
        assert active == "1"
        check = host.run(f"printf %s {shlex.quote(lab_secret(secret))} | "
                         f"php -r 'exit(password_verify(stream_get_contents(STDIN), $argv[1]) ? 0 : 1);' {shlex.quote(stored)}")
        assert check.rc == 0, f"{login}: stored hash does not match the vault password"
        default = {"post-only": "postonly"}.get(login, login)
        assert host.run(f"php -r 'exit(password_verify($argv[1], $argv[2]) ? 0 : 1);' {shlex.quote(default)} "
                        f"{shlex.quote(stored)}").rc == 1, f"{login}: GLPI's default password still works"


def test_contract_slas_are_declared(host):
    rows = sql(host, "SELECT a.name, a.type, a.number_time, a.definition_time, m.name FROM glpi_slas a "
                     "JOIN glpi_slms m ON m.id = a.slms_id ORDER BY a.name")
    assert rows == [["grave", "0", "6", "hour", "Contrat de maintenance"],
                    ["majeur", "0", "4", "hour", "Contrat de maintenance"],
                    ["mineur", "0", "1", "day", "Contrat de maintenance"]]


# ---- layout ---------------------------------------------------------------------------------------------------
def test_config_data_and_logs_live_outside_the_web_root(host):
    downstream = host.file("/var/www/glpi/inc/downstream.php")
    assert "define('GLPI_CONFIG_DIR', '/etc/glpi')" in downstream.content_string
    local_define = host.file("/etc/glpi/local_define.php").content_string
    assert "'/var/lib/glpi'" in local_define and "'/var/log/glpi'" in local_define
    assert not host.file("/var/www/glpi/config/config_db.php").exists


def test_www_data_owns_only_what_glpi_writes(host):
    for path in ("/etc/glpi", "/var/lib/glpi", "/var/lib/glpi/_sessions", "/var/log/glpi", "/var/lib/glpi/marketplace"):
        f = host.file(path)
        assert (f.user, f.group, f.mode) == ("www-data", "www-data", 0o750), path
    assert host.check_output("find /opt/glpi -user www-data -printf '%p\\n'") == ""


def test_web_installer_is_removed(host):
    assert not host.file("/var/www/glpi/install/install.php").exists


# ---- hardening -----------------------------------------------------------------------------------------------
def test_https_serves_glpi_public_dir_without_disclosing_the_server(host):
    page = web("https://glpi01/")
    assert page.status_code == 200
    assert f"GLPI STAND-IN {UPGRADED}" in page.text
    assert f"database version: {UPGRADED}" in page.text
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    assert page.headers["Server"] == "Apache"  # ServerTokens Prod
    assert "X-Powered-By" not in page.headers  # expose_php off
    # GLPI's router: paths that are not files of public/ reach public/index.php
    assert "path: /front/central.php" in web("https://glpi01/front/central.php").text
    redirect = web("http://glpi01/")  # a page Apache itself writes
    assert redirect.status_code == 301 and "<address>" not in redirect.text  # ServerSignature Off


def test_no_directory_listing_anywhere(host):
    assert "autoindex_module" not in host.check_output("apache2ctl -M")
    listing = web("https://glpi01/icons/")
    assert listing.status_code in (403, 404) or "Index of" not in listing.text


def _handshake(version: ssl.TLSVersion, ciphers: str | None = None) -> bool:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    ctx.minimum_version = ctx.maximum_version = version
    if ciphers:
        ctx.set_ciphers(ciphers)
    try:
        with socket.create_connection((container_ip("glpi01"), 443), timeout=5) as raw, ctx.wrap_socket(raw):
            return True
    except (ssl.SSLError, OSError):
        return False


def test_tls_is_mozilla_intermediate():
    assert _handshake(ssl.TLSVersion.TLSv1_3)
    assert _handshake(ssl.TLSVersion.TLSv1_2, "ECDHE-ECDSA-AES128-GCM-SHA256")
    assert not _handshake(ssl.TLSVersion.TLSv1_2, "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA")  # SHA-1 MAC
    assert not _handshake(ssl.TLSVersion.TLSv1_2, "ECDHE-ECDSA-AES128-SHA256")  # CBC


def test_certificate_is_self_signed_by_the_labs_choice_and_names_the_host(host):
    pem = ssl.get_server_certificate((container_ip("glpi01"), 443))
    cert = x509.load_pem_x509_certificate(pem.encode())
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "glpi.lab.test"


def test_http_redirects_to_https(host):
    answer = web("http://glpi01/front/ticket.php")
    assert answer.status_code == 301
    assert answer.headers["Location"] == "https://glpi.lab.test/front/ticket.php"


def test_php_sessions_are_strict_and_cookies_hardened(host):
    values = host.check_output("php -r 'echo ini_get(\"session.cookie_httponly\"), ini_get(\"session.cookie_secure\"), "
                               "ini_get(\"session.cookie_samesite\"), ini_get(\"session.use_strict_mode\");'")
    assert values == "11Lax1"
    ini = host.file("/etc/php/8.2/apache2/conf.d/90-glpi.ini").content_string
    assert "session.use_strict_mode = On" in ini


# ---- host firewall, seen from another container ---------------------------------------------------------------
def test_firewall_admits_each_service_from_the_vlans_the_model_names(probe):
    assert connect(probe, USERS_VLAN, GLPI, 443) == "open"  # users reach GLPI
    assert connect(probe, ADMIN_VLAN, GLPI, 443) == "open"
    assert connect(probe, ADMIN_VLAN, GLPI, 22) == "open"  # SSH admitted from the administrators and served (the converge runs over it)
    assert connect(probe, USERS_VLAN, GLPI, 22) == "timeout"  # ... and dropped from the users' VLAN


def test_firewall_drops_a_port_the_model_does_not_name(host, probe):
    host.run("systemd-run --unit=sitekit-test-listener python3 -m http.server 8081")
    try:
        time.sleep(1)
        assert host.run("python3 -c \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:8081/')\"").rc == 0
        assert connect(probe, ADMIN_VLAN, GLPI, 8081) == "timeout"
    finally:
        host.run("systemctl stop sitekit-test-listener")


def test_logrotate_covers_glpi_logs(host):
    assert "/var/log/glpi/*.log" in host.file("/etc/logrotate.d/glpi").content_string
    assert host.run("logrotate --debug /etc/logrotate.d/glpi").rc == 0


def test_nightly_backup_timer_and_contents(host):
    assert host.service("glpi-backup.timer").is_enabled
    assert host.file("/var/backups/glpi").mode == 0o700
    latest = host.check_output("ls -d /var/backups/glpi/* | grep -E '/[0-9]{8}-[0-9]{6}$' | sort | tail -n 1")
    for name in ("db.sql.gz", "files.tar.gz", "SHA256SUMS", "glpi-version", "release"):
        assert host.file(f"{latest}/{name}").exists
    assert "USE `glpi`" not in host.check_output(f"gunzip -c {latest}/db.sql.gz | head -c 200000")


# ---- restores that cannot lose data ---------------------------------------------------------------------------
def test_restore_brought_back_the_data_and_files_the_test_broke(host):
    # side_effect deleted glpi_users, dropped glpi_slas and removed the plugin's files after the backup, then
    # ran playbooks/restore_glpi.yml; no converge ran since.
    assert sql(host, "SELECT COUNT(*) FROM glpi_users") == [["5"]]
    assert sql(host, "SELECT COUNT(*) FROM glpi_slas") == [["3"]]
    assert host.file("/var/lib/glpi/marketplace/sitekitdemo/setup.php").exists
    assert any(b.endswith("-pre-restore") for b in host.check_output("ls /var/backups/glpi").split())
    assert f"database version: {UPGRADED}" in web("https://glpi01/").text


def _state(host) -> tuple:
    return (sql(host, "SELECT COUNT(*) FROM glpi_users"), sql(host, "SELECT name FROM glpi_slms"),
            host.file("/var/lib/glpi/marketplace/sitekitdemo/setup.php").exists, host.file("/var/www/glpi").linked_to)


def _copy_backup(host, source: str, name: str, edit: str) -> None:
    """A copy of a backup with its dump edited by a sed expression and fresh checksums (a consistent backup
    whose content is broken, as a truncated or bad dump would be)."""
    host.check_output(f"rm -rf /var/backups/glpi/{name} && cp -a {source} /var/backups/glpi/{name} && cd /var/backups/glpi/{name}"
                      f" && gunzip -c db.sql.gz | sed {shlex.quote(edit)} | gzip > db.new && mv db.new db.sql.gz"
                      " && sha256sum db.sql.gz files.tar.gz release glpi-version > SHA256SUMS")


def test_a_restore_whose_dump_fails_half_way_leaves_glpi_serving_its_data(host):
    host.check_output("mysql glpi -e \"INSERT INTO glpi_slms (name, entities_id, is_recursive, comment) VALUES "
                      "('written after the backup', 0, 1, 'x')\"")
    before = _state(host)
    latest = host.check_output("ls -d /var/backups/glpi/* | grep -E '/2[0-9]{7}-[0-9]{6}$' | sort | tail -n 1")
    _copy_backup(host, latest, "20000101-000001", "/INSERT INTO `glpi_slas`/i INSERT INTO glpi_no_such_table VALUES (1);")
    result = host.run("/usr/local/sbin/glpi-restore --yes 20000101-000001")
    assert result.rc == 1, result.stdout + result.stderr
    assert "could not be loaded" in result.stderr and "keeps its current data" in result.stderr
    assert _state(host) == before
    page = web("https://glpi01/").text
    assert f"database version: {UPGRADED}" in page and "MAINTENANCE" not in page
    assert host.check_output("mysql -N -e \"SHOW DATABASES LIKE 'glpi_restore'\"") == ""


def test_a_restore_that_fails_after_the_swap_puts_the_previous_data_back(host):
    # The pre-upgrade backup holds 10.0.20: restored, it needs db:update; without glpi_slms GLPI's schema
    # check refuses the update (exit 4) after the swap, and the previous data must come back. The table goes
    # whole: its CREATE, its INSERT (MariaDB's dump puts the rows on the lines after it) and its LOCK/ALTER lines.
    before = _state(host)
    pre_upgrade = host.check_output(f"ls -d /var/backups/glpi/*-pre-upgrade-{UPGRADED}")
    _copy_backup(host, pre_upgrade, "20000101-000002", "/CREATE TABLE `glpi_slms`/,/;$/d; /INSERT INTO `glpi_slms`/,/;$/d; /`glpi_slms`/d")
    result = host.run("/usr/local/sbin/glpi-restore --yes 20000101-000002")
    assert result.rc == 1, result.stdout + result.stderr
    assert "putting the previous data back" in result.stderr
    assert _state(host) == before
    page = web("https://glpi01/").text
    assert f"database version: {UPGRADED}" in page and "MAINTENANCE" not in page


def test_a_backup_of_a_newer_release_is_refused(host):
    latest = host.check_output("ls -d /var/backups/glpi/* | grep -E '/2[0-9]{7}-[0-9]{6}$' | sort | tail -n 1")
    host.check_output(f"rm -rf /var/backups/glpi/20000101-000003 && cp -a {latest} /var/backups/glpi/20000101-000003"
                      " && cd /var/backups/glpi/20000101-000003 && printf 'version=12.0.0\\n' > glpi-version"
                      " && sha256sum db.sql.gz files.tar.gz release glpi-version > SHA256SUMS")
    before = _state(host)
    result = host.run("/usr/local/sbin/glpi-restore --yes 20000101-000003")
    assert result.rc == 3 and "newer than the running 11.0.1" in result.stderr
    assert _state(host) == before


def test_an_older_backup_is_restored_then_updated_by_glpi(host):
    pre_upgrade = host.check_output(f"ls -d /var/backups/glpi/*-pre-upgrade-{UPGRADED} | xargs -n 1 basename")
    result = host.run(f"/usr/local/sbin/glpi-restore --yes {pre_upgrade}")
    assert result.rc == 0, result.stdout + result.stderr
    assert f"updating it to the running {UPGRADED}" in result.stderr
    assert sql(host, "SELECT value FROM glpi_configs WHERE name = 'version'") == [[UPGRADED]]
    assert sql(host, "SELECT name FROM glpi_slms WHERE name = 'written after the backup'") == []
    assert sql(host, "SELECT state FROM glpi_plugins WHERE directory = 'sitekitdemo'") == [["1"]]  # reactivated
    page = web("https://glpi01/").text
    assert f"database version: {UPGRADED}" in page and "MAINTENANCE" not in page


def test_restore_asks_for_confirmation(host):
    result = host.run("/usr/local/sbin/glpi-restore latest < /dev/null")
    assert result.rc == 4 and "not confirmed" in result.stderr


def test_backup_rotation_keeps_the_newest_nightly_ones(host):
    labelled = {b for b in host.check_output("ls /var/backups/glpi").split() if not b[-1].isdigit()}
    host.check_output("for i in $(seq -w 10 24); do mkdir -p /var/backups/glpi/20000102-0000$i; done")
    host.check_output("/usr/local/sbin/glpi-backup")
    after = set(host.check_output("ls /var/backups/glpi").split())
    nightly = {b for b in after if b[-1].isdigit() and "-" in b and len(b) == 15}
    assert len(nightly) == 14
    assert labelled <= after  # pre-upgrade, pre-restore… are never rotated
    assert "20000102-000010" not in after and "20000102-000024" in after
