"""ftp_archive on ftp01 (primary) and ftp02 (backup): what a device, the controller and an intruder see.

The tests talk FTP to the containers' docker addresses from the controller (an administrators' VLAN address,
the network's gateway) with Python's ftplib, and connect from ftp-probe's VLAN addresses to test the firewalls.
Accounts (inventories/lab config_archive.yml): the devices' IOS account on the primary only (plain FTP: IOS has
no FTPS), and the controller's own account on each server (FTPS).
"""

from __future__ import annotations

import ftplib
import io
import ssl
import time
import uuid

import pytest
from testlib import connect, container_ip, instance, lab_secret, probe_host

SERVERS = ["ftp01", "ftp02"]
DEVICES = ["sw-core", "sw-stock", "sw-bp-1", "rt-01", "rt-02"]  # inventories/lab cisco_switches + cisco_routers
DEVICE_ACCOUNT = ("cfgarchive", "ftp_archive")  # site_config_archive.user, vault_ftp_archive_password
CONTROLLER = {"ftp01": ("cfgsave-a", "ftp_archive_primary"), "ftp02": ("cfgsave-b", "ftp_archive_backup")}
PASSIVE = (40000, 40049)
ROOT = "/srv/config-archive"
SITE = {"ftp01": "172.30.10.81", "ftp02": "172.30.10.82"}  # inventories/lab host_vars site_ip
ADMIN, MANAGEMENT, USERS = "172.30.30.100", "172.30.20.50", "172.30.40.50"  # ftp-probe's addresses
LAB_SPAN = 16


def tls_context() -> ssl.SSLContext:
    # The lab certificate is self-signed, generated on the server: encryption is what is tested here.
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def account(server: str, kind: str = "controller") -> tuple[str, str]:
    user, secret = CONTROLLER[server] if kind == "controller" else DEVICE_ACCOUNT
    return user, lab_secret(secret)


def connect_tls(server: str, kind: str = "controller") -> ftplib.FTP_TLS:
    """A session as sitekit.core.config_archive_put opens it (stock ftplib, private data channel)."""
    ftp = ftplib.FTP_TLS(context=tls_context(), timeout=10)
    ftp.connect(container_ip(server), 21)
    ftp.auth()
    ftp.login(*account(server, kind))
    ftp.prot_p()
    return ftp


def connect_plain(server: str, kind: str) -> ftplib.FTP:
    """A session as IOS's `archive` opens it: plain FTP."""
    ftp = ftplib.FTP(timeout=10)
    ftp.connect(container_ip(server), 21)
    ftp.login(*account(server, kind))
    return ftp


def sealed(server: str, path: str) -> bool:
    host = instance(server)
    for _ in range(50):
        if host.file(path).user == "root":
            return True
        time.sleep(0.1)
    return False


@pytest.fixture(scope="module")
def probe():
    return probe_host("ftp-probe", ADMIN, [MANAGEMENT, USERS], LAB_SPAN)


@pytest.mark.parametrize("server", SERVERS)
def test_vsftpd_runs_and_listens(server):
    host = instance(server)
    assert host.service("vsftpd").is_running
    assert host.service("vsftpd").is_enabled
    assert host.socket("tcp://0.0.0.0:21").is_listening


@pytest.mark.parametrize("server", SERVERS)
def test_controller_uploads_and_reads_back_but_never_deletes_renames_or_overwrites(server):
    name = f"sw-core-{uuid.uuid4().hex[:8]}.cfg"
    content = f"hostname sw-core\n! test {name}\n".encode()
    with connect_tls(server) as ftp:
        assert ftp.pwd() == "/", "the account is chrooted in the archive root"
        ftp.cwd("/sw-core")
        ftp.storbinary(f"STOR {name}", io.BytesIO(content))
        back = io.BytesIO()
        ftp.retrbinary(f"RETR {name}", back.write)
        assert back.getvalue() == content
        assert name in ftp.nlst()
        for refused in (lambda: ftp.delete(name), lambda: ftp.rename(name, "other.cfg"), lambda: ftp.rmd("/sw-core"),
                        lambda: ftp.mkd("/sw-core/x"), lambda: ftp.storbinary("STOR /at-the-root.cfg", io.BytesIO(b"x"))):
            with pytest.raises(ftplib.error_perm):
                refused()
    # Sealed at once: root's, read-only for the accounts; an overwrite is refused.
    assert sealed(server, f"{ROOT}/sw-core/{name}")
    stored = instance(server).file(f"{ROOT}/sw-core/{name}")
    assert (stored.user, stored.group, stored.mode) == ("root", "config-archive", 0o640)
    assert stored.content == content
    with connect_tls(server) as ftp, pytest.raises(ftplib.error_perm):
        ftp.storbinary(f"STOR /sw-core/{name}", io.BytesIO(b"hostname wiped\n"))
    assert instance(server).file(f"{ROOT}/sw-core/{name}").content == content


def test_backup_server_requires_ftps_of_every_login():
    with pytest.raises(ftplib.error_perm, match="^530 Non-anonymous sessions must use encryption"):
        connect_plain("ftp02", "controller")


def test_primary_takes_the_devices_plain_ftp_uploads_and_forces_tls_data_on_the_controller():
    name = f"rt-01-{uuid.uuid4().hex[:8]}.cfg"
    with connect_plain("ftp01", "ios") as ftp:  # IOS 15.x: no FTPS client
        ftp.storbinary(f"STOR /rt-01/{name}", io.BytesIO(b"hostname rt-01\n"))
        with pytest.raises(ftplib.error_perm):
            ftp.delete(f"/rt-01/{name}")
    assert sealed("ftp01", f"{ROOT}/rt-01/{name}")
    with connect_plain("ftp01", "controller") as ftp, pytest.raises(ftplib.error_perm, match="^522"):
        ftp.nlst("/rt-01")  # the controller's account moves data over TLS only


def test_each_account_exists_on_its_own_server_only():
    with pytest.raises(ftplib.error_perm, match="^530"):
        connect_tls("ftp02", "ios")  # the device account is the primary's
    ftp = ftplib.FTP_TLS(context=tls_context(), timeout=10)
    ftp.connect(container_ip("ftp02"), 21)
    ftp.auth()
    with pytest.raises(ftplib.error_perm, match="^530"):
        ftp.login(*account("ftp01"))  # the primary's controller account and password
    ftp.close()


@pytest.mark.parametrize("server", SERVERS)
def test_passive_port_comes_from_the_site_range(server):
    with connect_tls(server) as ftp:
        _host, port = ftplib.parse227(ftp.sendcmd("PASV"))
    assert PASSIVE[0] <= port <= PASSIVE[1]


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("user", ["anonymous", "ftp"])
def test_anonymous_login_refused(server, user):
    with ftplib.FTP_TLS(context=tls_context(), timeout=10) as ftp:
        ftp.connect(container_ip(server), 21)
        ftp.auth()
        with pytest.raises(ftplib.error_perm, match="^530"):
            ftp.login(user, "guest@example.org")


@pytest.mark.parametrize("server", SERVERS)
def test_wrong_password_and_system_accounts_refused(server):
    for user, password in ((CONTROLLER[server][0], "not-the-password"), ("root", lab_secret("ftp_archive"))):
        with ftplib.FTP_TLS(context=tls_context(), timeout=10) as ftp:
            ftp.connect(container_ip(server), 21)
            ftp.auth()
            with pytest.raises(ftplib.error_perm, match="^530"):
                ftp.login(user, password)


@pytest.mark.parametrize("server", SERVERS)
def test_tls_below_1_2_is_refused(server):
    ctx = tls_context()
    ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_1
    ctx.set_ciphers("ALL:@SECLEVEL=0")
    with ftplib.FTP_TLS(context=ctx, timeout=10) as ftp:
        ftp.connect(container_ip(server), 21)
        with pytest.raises((ssl.SSLError, OSError, ftplib.Error)):
            ftp.auth()


@pytest.mark.parametrize("server", SERVERS)
def test_one_sticky_upload_area_per_device(server):
    host = instance(server)
    root = host.file(ROOT)
    assert root.user == "root" and root.mode == 0o755
    for device in DEVICES:
        area = host.file(f"{ROOT}/{device}")
        assert area.is_directory and (area.user, area.group, area.mode) == ("root", "config-archive", 0o1770)
    for user, _ in [CONTROLLER[server]] + ([DEVICE_ACCOUNT] if server == "ftp01" else []):
        assert host.user(user).shell == "/usr/sbin/nologin"
    allowed = host.file("/etc/vsftpd.allowed_users").content_string.split()
    assert allowed == ([DEVICE_ACCOUNT[0]] if server == "ftp01" else []) + [CONTROLLER[server][0]]


@pytest.mark.parametrize("server", SERVERS)
def test_rotation_deletes_old_configs_but_keeps_the_newest(server):
    host = instance(server)
    area = f"{ROOT}/sw-bp-1"
    host.run_test(
        f"touch -d '30 days ago' {area}/old-a.cfg {area}/old-b.cfg && touch -d '2 days ago' {area}/recent.cfg"
    )
    lone = f"{ROOT}/rt-02"
    host.run_test(f"touch -d '60 days ago' {lone}/only-one.cfg")
    host.run_test("systemctl start config-archive-rotate.service")
    assert not host.file(f"{area}/old-a.cfg").exists
    assert not host.file(f"{area}/old-b.cfg").exists
    assert host.file(f"{area}/recent.cfg").exists
    assert host.file(f"{lone}/only-one.cfg").exists, "the newest file of a device is kept, however old"
    timer = host.service("config-archive-rotate.timer")
    assert timer.is_enabled and timer.is_running


@pytest.mark.parametrize("server", SERVERS)
def test_self_signed_certificate_generated_and_key_private(server):
    host = instance(server)
    key = host.file("/etc/ssl/private/vsftpd-config-archive.key")
    assert key.exists and key.mode == 0o600 and key.user == "root"
    subject = host.check_output("openssl x509 -noout -subject -in /etc/ssl/certs/vsftpd-config-archive.pem")
    assert server in subject


def test_firewall_admits_ftp_from_the_vlans_the_model_names(probe):
    # The primary: the devices (management VLAN, routers) and the administrators; the backup: the administrators'
    # VLANs only (site_security.linux_admin_vlans: network administration and administrators), never the users.
    assert connect(probe, MANAGEMENT, SITE["ftp01"], 21) == "open"
    assert connect(probe, ADMIN, SITE["ftp01"], 21) == "open"
    assert connect(probe, USERS, SITE["ftp01"], 21) == "timeout"
    assert connect(probe, ADMIN, SITE["ftp02"], 21) == "open"
    assert connect(probe, MANAGEMENT, SITE["ftp02"], 21) == "open"
    assert connect(probe, USERS, SITE["ftp02"], 21) == "timeout"
    assert connect(probe, USERS, SITE["ftp02"], 40000) == "timeout"


@pytest.mark.parametrize("server", SERVERS)
def test_firewall_admits_ssh_from_the_administrators_only(probe, server):
    assert connect(probe, ADMIN, SITE[server], 22) == "open"
    assert connect(probe, MANAGEMENT, SITE[server], 22) == "open"
    assert connect(probe, USERS, SITE[server], 22) == "timeout"


@pytest.mark.parametrize("server", SERVERS)
def test_sshd_admits_the_administration_account_only_by_key(server):
    settings = dict(line.split(" ", 1) for line in instance(server).check_output("sshd -T").splitlines() if " " in line)
    assert settings["allowusers"] == "exploit"  # inventories/lab site_security.linux_admin_user
    assert (settings["permitrootlogin"], settings["passwordauthentication"], settings["kbdinteractiveauthentication"]) == (
        "no", "no", "no")
