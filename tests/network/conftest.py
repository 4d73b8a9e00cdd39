"""Fixtures of the network tests: rendered rcr configurations, simulated lab devices (iospeer)."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import netlab  # noqa: E402


@pytest.fixture(scope="module")
def lab_site():
    return netlab.load("inventories/lab")


@pytest.fixture(scope="module")
def lab_configs(lab_site):
    """The lab's rendered device configurations (per module: tests may change their copy)."""
    return netlab.render_lab(site=lab_site)


@pytest.fixture(scope="session")
def rcr_configs():
    return netlab.render("inventories/rcr")


@pytest.fixture(scope="session")
def lab_devices():
    """Every network device of inventories/lab as an iospeer device in its day-0 state, served
    over SSH on 127.0.0.1 (in-process threads), started and stopped here."""
    devices = netlab.lab_peers(netlab.load("inventories/lab"))
    yield devices
    for dev in devices.values():
        dev.stop()


# pyftpdlib permission letter of each FTP command vsftpd's cmds_denied may list.
_PERM_OF_COMMAND = {"DELE": "d", "RMD": "d", "MKD": "m", "RNFR": "f", "RNTO": "f", "APPE": "a", "SITE": "M"}


def site_archive_perm() -> str:
    """The archive account's rights on the site's vsftpd (roles/ftp_archive/templates/vsftpd.conf.j2,
    cmds_denied): what it refuses, this peer refuses too."""
    conf = (netlab.REPO / "roles/ftp_archive/templates/vsftpd.conf.j2").read_text()
    denied = re.search(r"^cmds_denied=(.+)$", conf, re.M).group(1).split(",")
    return "".join(p for p in "elradfmwMT" if p not in {_PERM_OF_COMMAND[c] for c in denied})


@pytest.fixture(scope="session")
def ftp_servers(tmp_path_factory):
    """Two throwaway FTP servers (pyftpdlib) on 127.0.0.1: stand-ins for the primary and backup archives.

    ``user`` is the site's archive account, as strict as the role's vsftpd: the commands it denies are
    refused, and a stored file is sealed (config-archive-seal makes it root's), so it is never written
    again. ``generic_user`` is an archive server's account that may create directories and delete
    (another vendor's server), for the module's own options."""
    pytest.importorskip("pyftpdlib")
    import secrets
    import threading

    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler
    from pyftpdlib.ioloop import IOLoop
    from pyftpdlib.servers import FTPServer

    class SealingAuthorizer(DummyAuthorizer):
        def has_perm(self, username, perm, path=None):
            if username == "cfgarchive" and perm == "w" and path and os.path.isfile(path):
                return False  # sealed: root's, read-only for the account
            return super().has_perm(username, perm, path)

    password = secrets.token_urlsafe(12)
    servers = []
    for role in ("primary", "backup"):
        root = tmp_path_factory.mktemp(f"ftp-{role}")
        auth = SealingAuthorizer()
        auth.add_user("cfgarchive", password, str(root), perm=site_archive_perm())
        auth.add_user("anyarchive", password, str(root), perm="elradfmwMT")
        handler = type(f"Handler{role}", (FTPHandler,), {"authorizer": auth, "banner": f"{role} archive"})
        server = FTPServer(("127.0.0.1", 0), handler, ioloop=IOLoop())  # one loop per server thread
        thread = threading.Thread(target=server.serve_forever, kwargs={"timeout": 0.2, "blocking": True}, daemon=True)
        thread.start()
        servers.append({"role": role, "address": "127.0.0.1", "port": server.address[1], "root": root, "server": server})
    yield {"user": "cfgarchive", "generic_user": "anyarchive", "password": password, "servers": servers}
    for s in servers:
        s["server"].close_all()
