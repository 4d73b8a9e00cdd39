"""playbooks/backup_network.yml against the real vsftpd of this scenario: a simulated switch's
running configuration lands on BOTH archive servers (ftp01 primary, ftp02 backup), dated,
over FTPS, each with the controller's own account on that server, and an unchanged configuration
is not stored twice.

The playbook still takes one account for both servers (backup_network_ftp_user/_password, issue 12's
scope): it runs once per server here, with that server's account from sitekit.core.debian_archive_targets.
The playbook deletes nothing over FTP (the accounts cannot; each server rotates its own archive).

The switch is a fake-switches process on 127.0.0.1 (tests/network/fakeswitch.py); the FTP
servers are this scenario's containers on the docker bridge.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from testlib import container_ip, lab_secret

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "tests" / "network"))

import netlab  # noqa: E402
from fakeswitch import FakeDevice  # noqa: E402
from test_ftp_archive import CONTROLLER, connect_tls  # noqa: E402

DEVICE = "sw-core"
SERVERS = ["ftp01", "ftp02"]


@pytest.fixture(scope="module")
def switch():
    intent = netlab.intents(netlab.load("inventories/lab"))[DEVICE]
    device = FakeDevice(DEVICE, netlab.fake_model(intent), netlab.fake_ports(intent)).start()
    yield device
    device.stop()


def backup(switch, tmp_path, server: str) -> dict:
    overlay = {"all": {"hosts": {DEVICE: {"backup_network_ssh_port": switch.port, "backup_network_ssh_user": switch.user,
                                          "backup_network_ssh_password": switch.password,
                                          "backup_network_enable_secret": switch.password}}}}
    (tmp_path / "fake.json").write_text(json.dumps(overlay))
    user, secret = CONTROLLER[server]
    extra = {"vault_ftp_archive_password": lab_secret("ftp_archive"), "backup_network_host_key_checking": False,
             "backup_network_tls_verify": False,  # the lab certificate is self-signed
             "backup_network_ftp_user": user, "backup_network_ftp_password": lab_secret(secret),
             "backup_network_servers": [{"role": server, "address": container_ip(server), "port": 21}]}
    (tmp_path / "extra.json").write_text(json.dumps(extra))
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json"}
    proc = subprocess.run([str(REPO / ".venv/bin/ansible-playbook"), "-i", "inventories/lab", "-i", str(tmp_path / "fake.json"),
                           "--limit", DEVICE, "playbooks/backup_network.yml", "-e", f"@{tmp_path / 'extra.json'}"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    return json.JSONDecoder().raw_decode(proc.stdout[proc.stdout.index("{"):])[0]["stats"]


def archived(server: str) -> dict[str, str]:
    with connect_tls(server) as ftp:
        ftp.cwd(f"/{DEVICE}")
        files = {}
        for name in ftp.nlst():
            if re.fullmatch(rf"{DEVICE}-\d{{8}}-\d{{6}}-\d{{6}}\.cfg", name):
                lines: list[str] = []
                ftp.retrlines(f"RETR {name}", lines.append)
                files[name] = "\n".join(lines)
        return files


def test_backup_lands_on_both_vsftpd_servers_then_is_not_repeated(switch, tmp_path):
    for server in SERVERS:
        before = set(archived(server))
        backup(switch, tmp_path, server)
        new = {n: t for n, t in archived(server).items() if n not in before}
        assert len(new) == 1, (server, sorted(new))
        assert f"hostname {DEVICE}" in next(iter(new.values()))
        stats = backup(switch, tmp_path, server)
        assert all(s["changed"] == 0 for s in stats.values()), stats
