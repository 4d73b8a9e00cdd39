"""playbooks/backup_network.yml: every device's running configuration lands on BOTH archive
servers, dated; nothing is deleted over FTP (each server rotates its own archive); an unchanged
configuration is not stored twice. The devices
are the lab's simulated IOS devices (iospeer, day-0 state).

The archive servers here are two pyftpdlib servers on 127.0.0.1 (plain FTP) with the site account's
rights on the role's vsftpd (no MKD, no DELE, sealed files; tests/network/conftest.py): each device's
upload area exists, as the ftp_archive role makes it. The vsftpd role (roles/ftp_archive) is tested by
its own molecule scenario."""

from __future__ import annotations

import json
import os
import re
import subprocess

import netlab
import pytest

REPO = netlab.REPO
pytestmark = pytest.mark.integration
DEVICES = ["sw-core", "sw-stock", "rt-01"]


def _backup(tmp_path, lab_devices, ftp, *args):
    overlay = {"all": {"hosts": {h: {"backup_network_ssh_port": d.port, "backup_network_ssh_password": d.password,
                                     "backup_network_enable_secret": d.password, "backup_network_ssh_user": d.user}
                                 for h, d in lab_devices.items()}}}
    (tmp_path / "fake.yml").write_text(json.dumps(overlay))
    extra = {"vault_ftp_archive_password": ftp["password"], "backup_network_host_key_checking": False,
             "backup_network_ftps": False,
             "backup_network_servers": [{k: s[k] for k in ("role", "address", "port")} for s in ftp["servers"]]}
    (tmp_path / "extra.json").write_text(json.dumps(extra))
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json"}
    proc = subprocess.run([str(REPO / ".venv/bin/ansible-playbook"), "-i", "inventories/lab", "-i", str(tmp_path / "fake.yml"),
                           "--limit", ":".join(DEVICES), "playbooks/backup_network.yml", "-e", f"@{tmp_path / 'extra.json'}",
                           *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    report = json.JSONDecoder().raw_decode(proc.stdout[proc.stdout.index("{"):])[0]
    return report["stats"]


@pytest.fixture(scope="module")
def archived(tmp_path_factory, lab_devices, ftp_servers):
    for server in ftp_servers["servers"]:
        for device in DEVICES:
            (server["root"] / device).mkdir()
    primary = ftp_servers["servers"][0]["root"]
    for old in ("sw-core-20200101-000000.cfg", "sw-core-20200102-000000.cfg"):
        (primary / "sw-core" / old).write_text("old\n")
    (primary / "sw-core" / "notes.txt").write_text("not an archive file\n")
    stats = _backup(tmp_path_factory.mktemp("backup1"), lab_devices, ftp_servers)
    return stats


def _files(root, host):
    return sorted(p.name for p in (root / host).iterdir()) if (root / host).is_dir() else []


@pytest.mark.requirement("SPEC-2-config-backup")
def test_every_device_lands_on_both_servers_dated(archived, ftp_servers, lab_devices):
    for server in ftp_servers["servers"]:
        for host in DEVICES:
            dated = [f for f in _files(server["root"], host) if re.fullmatch(rf"{host}-\d{{8}}-\d{{6}}-\d{{6}}\.cfg", f)]
            assert len(dated) == 1, (server["role"], host, _files(server["root"], host))
            text = (server["root"] / host / dated[0]).read_text()
            assert text == netlab.read(lab_devices[host]), (server["role"], host)
            assert f"hostname {host}" in text


def test_the_backup_deletes_nothing_each_server_rotates_its_own(archived, ftp_servers):
    """The archive account cannot delete (vsftpd's cmds_denied): a playbook that asked would fail on the site."""
    files = _files(ftp_servers["servers"][0]["root"], "sw-core")
    assert {"sw-core-20200101-000000.cfg", "sw-core-20200102-000000.cfg", "notes.txt"} <= set(files), files


def test_an_unchanged_configuration_is_not_stored_again(archived, ftp_servers, lab_devices, tmp_path):
    stats = _backup(tmp_path, lab_devices, ftp_servers)
    assert all(s["changed"] == 0 for s in stats.values()), stats
    for server in ftp_servers["servers"]:
        assert len(_files(server["root"], "sw-stock")) == 1
