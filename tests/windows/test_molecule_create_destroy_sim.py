"""molecule/windows create.yml and destroy.yml, on the scenario's inventory (the links of molecule.yml: its own
site, molecule/windows/inventory) and through the validation gate (the repository's ansible.cfg loads it),
against the Proxmox API simulator (tests/pve_sim):
the three Windows clones appear with their size, node and cloud-init address, then go away.
No VM boots in the simulator, so the WinRM wait is skipped (MOLECULE_WINDOWS_SKIP_WINRM_WAIT)."""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from sitekit_paths import REPO

PLATFORMS = yaml.safe_load((REPO / "molecule/windows/molecule.yml").read_text())["platforms"]


@pytest.fixture
def simulator(tmp_path):
    creds = tmp_path / "creds.json"
    proc = subprocess.Popen([sys.executable, "-m", "tests.pve_sim", "--version", "8", "--port", "0", "--tls",
                             "--credentials", str(creds)], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            if creds.exists() and creds.stat().st_size:
                break
            assert proc.poll() is None, proc.stderr.read().decode()
            time.sleep(0.1)
        yield json.loads(creds.read_text())
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _vms(sim) -> dict[int, dict]:
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # the simulator's throwaway certificate
    request = urllib.request.Request(f"{sim['url']}/cluster/resources?type=vm",
                                     headers={"Authorization": f"PVEAPIToken={sim['user']}!{sim['token_id']}={sim['token_secret']}"})
    with urllib.request.urlopen(request, context=context, timeout=10) as response:
        return {vm["vmid"]: vm for vm in json.load(response)["data"] if vm["vmid"] >= 9900}


def _inventory(tmp_path) -> Path:
    """The inventory molecule builds for the scenario: its hosts.yml and the links of molecule.yml."""
    links = yaml.safe_load((REPO / "molecule/windows/molecule.yml").read_text())["provisioner"]["inventory"]["links"]
    inventory = tmp_path / "inventory"
    inventory.mkdir(exist_ok=True)
    for key, target in links.items():
        source = (REPO / "molecule/windows" / target).resolve()
        link = inventory / ("hosts.yml" if key == "hosts" else key)
        if not link.exists():
            link.symlink_to(source)
    return inventory


def _play(name, sim, tmp_path) -> subprocess.CompletedProcess:
    extra = tmp_path / "molecule.yml"
    extra.write_text(yaml.safe_dump({"molecule_yml": {"platforms": PLATFORMS},
                                     "molecule_instance_config": str(tmp_path / "instance_config.yml")}))
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1",
           "PROXMOX_API_HOST": sim["host"], "PROXMOX_API_PORT": str(sim["port"]), "PROXMOX_API_USER": sim["user"],
           "PROXMOX_API_TOKEN_ID": sim["token_id"], "PROXMOX_API_TOKEN_SECRET": sim["token_secret"],
           "PROXMOX_API_VALIDATE_CERTS": "false", "MOLECULE_WINDOWS_SKIP_WINRM_WAIT": "1",
           "MOLECULE_PVE_STORAGE": "local-lvm", "SITEKIT_RUN_LOG_DIR": str(tmp_path / "runs")}
    return subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(_inventory(tmp_path)),
                           f"molecule/windows/{name}.yml", "-e", f"@{extra}",
                           "-e", f"ansible_python_interpreter={sys.executable}"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.integration
def test_create_clones_the_instances_and_destroy_removes_them(simulator, tmp_path):
    created = _play("create", simulator, tmp_path)
    assert created.returncode == 0, created.stdout[-4000:]
    vms = _vms(simulator)
    assert {vm["name"]: (vm["vmid"], vm["node"], vm["status"]) for vm in vms.values()} == {
        "molecule-dc01": (9901, "pve1", "running"), "molecule-sql01": (9902, "pve3", "running"),
        "molecule-rdsh01": (9903, "pve1", "running")}
    assert vms[9902]["maxmem"] == 16384 * 1024 * 1024, "sized from host_vars/sql01.yml"
    config = yaml.safe_load((tmp_path / "instance_config.yml").read_text())
    assert [(c["instance"], c["address"], c["port"], c["connection"]) for c in config] == [
        ("dc01", "172.30.10.21", 5986, "winrm"), ("sql01", "172.30.10.60", 5986, "winrm"), ("rdsh01", "172.30.10.51", 5986, "winrm")]
    assert all("password" not in c for c in config)

    destroyed = _play("destroy", simulator, tmp_path)
    assert destroyed.returncode == 0, destroyed.stdout[-4000:]
    assert _vms(simulator) == {}
    assert not (tmp_path / "instance_config.yml").exists()
    again = _play("destroy", simulator, tmp_path)
    assert again.returncode == 0 and "changed=0" in again.stdout, "destroying nothing changes nothing"
