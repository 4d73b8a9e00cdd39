"""ftp_archive on ftp01 (primary) and ftp02 (backup): what a device and an intruder see.

The tests talk FTP to the containers' addresses (docker bridge, this machine only) with
Python's ftplib, FTPS (explicit AUTH TLS) when the site asks for it.
"""

from __future__ import annotations

import ftplib
import io
import ssl
import uuid

import pytest
from testlib import container_ip, instance, lab_secret

SERVERS = ["ftp01", "ftp02"]
DEVICES = ["sw-core", "sw-stock", "sw-bp-1", "rt-01", "rt-02"]  # inventories/lab cisco_switches + cisco_routers
USER = "cfgarchive"  # inventories/lab site_config_archive.user
PASSIVE = (40000, 40049)
ROOT = "/srv/config-archive"


def tls_context() -> ssl.SSLContext:
    # The lab certificate is self-signed, generated on the server: encryption is what is tested here.
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def connect_tls(server: str) -> ftplib.FTP_TLS:
    """A session as sitekit.core.config_archive_put opens it (stock ftplib, private data channel)."""
    ftp = ftplib.FTP_TLS(context=tls_context(), timeout=10)
    ftp.connect(container_ip(server), 21)
    ftp.auth()
    ftp.login(USER, lab_secret("ftp_archive"))
    ftp.prot_p()
    return ftp


@pytest.mark.parametrize("server", SERVERS)
def test_vsftpd_runs_and_listens(server):
    host = instance(server)
    assert host.service("vsftpd").is_running
    assert host.service("vsftpd").is_enabled
    assert host.socket("tcp://0.0.0.0:21").is_listening


@pytest.mark.parametrize("server", SERVERS)
def test_upload_and_read_back_over_ftps(server):
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
        # Archived files are never renamed; the controller's retention may delete them.
        with pytest.raises(ftplib.error_perm):
            ftp.rename(name, "other.cfg")
        with pytest.raises(ftplib.error_perm):
            ftp.rmd("/sw-core")
        ftp.delete(name)
        assert name not in ftp.nlst()
        # The chroot root itself is not writable.
        with pytest.raises(ftplib.error_perm):
            ftp.storbinary("STOR /at-the-root.cfg", io.BytesIO(b"x"))

    # What stays on disk: owned by the archive account, not readable by others.
    keep = f"sw-core-{uuid.uuid4().hex[:8]}.cfg"
    with connect_tls(server) as ftp:
        ftp.storbinary(f"STOR /sw-core/{keep}", io.BytesIO(content))
    stored = instance(server).file(f"{ROOT}/sw-core/{keep}")
    assert stored.exists and stored.user == USER
    assert stored.mode == 0o640
    assert stored.content == content


@pytest.mark.parametrize("server", SERVERS)
def test_passive_port_comes_from_the_site_range(server):
    with connect_tls(server) as ftp:
        _host, port = ftplib.parse227(ftp.sendcmd("PASV"))
    assert PASSIVE[0] <= port <= PASSIVE[1]


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("user", ["anonymous", "ftp"])
def test_anonymous_login_refused(server, user):
    with ftplib.FTP(container_ip(server), timeout=10) as ftp, pytest.raises(ftplib.error_perm, match="^530"):
        ftp.login(user, "guest@example.org")
    with ftplib.FTP_TLS(context=tls_context(), timeout=10) as ftp:
        ftp.connect(container_ip(server), 21)
        ftp.auth()
        with pytest.raises(ftplib.error_perm, match="^530"):
            ftp.login(user, "guest@example.org")


@pytest.mark.parametrize("server", SERVERS)
def test_wrong_password_and_system_accounts_refused(server):
    with ftplib.FTP(container_ip(server), timeout=10) as ftp, pytest.raises(ftplib.error_perm, match="^530"):
        ftp.login(USER, "not-the-password")
    with ftplib.FTP(container_ip(server), timeout=10) as ftp, pytest.raises(ftplib.error_perm, match="^530"):
        ftp.login("root", lab_secret("ftp_archive"))


@pytest.mark.parametrize("server", SERVERS)
def test_one_upload_area_per_device(server):
    host = instance(server)
    root = host.file(ROOT)
    assert root.user == "root" and root.mode == 0o755
    for device in DEVICES:
        area = host.file(f"{ROOT}/{device}")
        assert area.is_directory and area.user == USER and area.mode == 0o750
    assert host.user(USER).shell == "/usr/sbin/nologin"


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
