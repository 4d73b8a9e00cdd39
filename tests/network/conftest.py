"""Fixtures of the network tests: rendered rcr configurations, simulated lab devices (iospeer)."""

from __future__ import annotations

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


@pytest.fixture(scope="session")
def ftp_servers(tmp_path_factory):
    """Two throwaway FTP servers (pyftpdlib) on 127.0.0.1: stand-ins for the primary and backup archives."""
    pytest.importorskip("pyftpdlib")
    import secrets
    import threading

    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler
    from pyftpdlib.ioloop import IOLoop
    from pyftpdlib.servers import FTPServer

    password = secrets.token_urlsafe(12)
    servers = []
    for role in ("primary", "backup"):
        root = tmp_path_factory.mktemp(f"ftp-{role}")
        auth = DummyAuthorizer()
        auth.add_user("cfgarchive", password, str(root), perm="elradfmwMT")
        handler = type(f"Handler{role}", (FTPHandler,), {"authorizer": auth, "banner": f"{role} archive"})
        server = FTPServer(("127.0.0.1", 0), handler, ioloop=IOLoop())  # one loop per server thread
        thread = threading.Thread(target=server.serve_forever, kwargs={"timeout": 0.2, "blocking": True}, daemon=True)
        thread.start()
        servers.append({"role": role, "address": "127.0.0.1", "port": server.address[1], "root": root, "server": server})
    yield {"user": "cfgarchive", "password": password, "servers": servers}
    for s in servers:
        s["server"].close_all()
