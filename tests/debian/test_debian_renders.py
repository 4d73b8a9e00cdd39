"""The Debian roles' files rendered from both inventories, without containers.

squid.conf for rcr and the lab (allowed subnets from the VLAN roles, domain lists as declared,
internal destinations, the order of the access rules, domain or local users), the host firewall of
each rcr Debian server, and the ftp_archive rotation script run here on a scratch tree (retention
keeps the newest file of each device). The molecule scenarios test the same roles on real containers.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sitekit_paths import REPO

# One play per (group, role, template); all of an inventory's plays in one ansible-playbook run (each run
# costs ~2 s of CPU before its first task), rendered once per module.
PLAY = """
- name: Render {role}/{template}
  hosts: "{group}"
  connection: local
  gather_facts: false
  vars_files: ["{repo}/roles/{role}/defaults/main.yml"]
  vars:
    ansible_connection: local  # the inventory's own connection (docker, ssh) is never used here
    ansible_become: false  # nor its sudo (inventories/lab: debian has ansible_become): nothing escalates on the runner
    ansible_python_interpreter: "{{{{ ansible_playbook_python }}}}"
  tasks:
    - name: Render
      ansible.builtin.template:
        src: "{repo}/roles/{role}/templates/{template}"
        dest: "{out}/{{{{ inventory_hostname }}}}-{template}"
        mode: "0600"
"""
RENDERS = {  # inventory -> (group, role, template) rendered from it
    "inventories/rcr": [("squid", "squid", "squid.conf.j2"), ("glpi", "nftables", "host.nft.j2"),
                        ("ftp_archive", "nftables", "host.nft.j2"), ("squid", "nftables", "host.nft.j2")],
    "inventories/lab": [("squid", "squid", "squid.conf.j2"), ("ftp_archive", "ftp_archive", "config-archive-rotate.sh.j2")],
}


def render_all(tmp_path: Path, inventory: str, renders: list[tuple[str, str, str]]) -> dict[tuple[str, str], dict[str, str]]:
    """{(role, template): {host: text}} for every render of ``inventory``, in one ansible-playbook run."""
    for _, role, _ in renders:
        (tmp_path / role).mkdir(parents=True, exist_ok=True)
    playbook = tmp_path / "render.yml"
    plays = [PLAY.format(group=group, repo=REPO, role=role, template=template, out=tmp_path / role)
             for group, role, template in renders]
    playbook.write_text("---" + "".join(plays))
    # The rcr secrets are the committed placeholders, encrypted with the README's example vault password.
    vault = tmp_path / "vault-password"
    vault.write_text("sitekit-example-vault\n")
    env = {
        **os.environ,
        "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    out = subprocess.run(
        ["ansible-playbook", "-i", str(REPO / inventory), "--vault-password-file", str(vault), str(playbook)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    return {(role, template): {p.name.split("-" + template)[0]: p.read_text()
                               for p in (tmp_path / role).glob(f"*-{template}")}
            for _, role, template in renders}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, dict[tuple[str, str], dict[str, str]]]:
    return {inventory: render_all(tmp_path_factory.mktemp("render"), inventory, renders)
            for inventory, renders in RENDERS.items()}


def acl(conf: str, name: str) -> list[str]:
    lines = [line.split()[3:] for line in conf.splitlines() if line.startswith(f"acl {name} ")]
    assert len(lines) == 1, f"acl {name} defined {len(lines)} times"
    return lines[0]


ACCESS_ORDER = ["http_access deny !site_clients", "http_access deny blocked_domains !cegid_vendor",
                "http_access deny to_localhost", "http_access deny internal_dst",
                "http_access allow service_hosts cegid_vendor", "http_access deny ftp_relay shared_hosts",
                "http_access allow ftp_relay", "http_access deny !authenticated", "http_access allow site_clients",
                "http_access deny all"]


@pytest.mark.parametrize(
    ("inventory", "subnets", "internal"),
    [
        ("inventories/rcr", ["10.0.10.0/24", "10.0.30.0/24", "10.0.40.0/24"], ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]),
        ("inventories/lab", ["172.30.10.0/24", "172.30.30.0/24", "172.30.40.0/24"], ["172.30.0.0/16"]),
    ],
)
@pytest.mark.requirement("SPEC-4-squid", "SPEC-5-vendor-access")
def test_squid_conf_from_the_site_model(rendered, inventory, subnets, internal):
    conf = rendered[inventory]["squid", "squid.conf.j2"]["proxy01"]
    # servers + clients VLANs (site_proxy.allowed_vlan_roles), never the management VLAN 20.
    assert acl(conf, "site_clients") == subnets
    # Vendor domains exactly as declared (get.teamviewer.com is that name, not .teamviewer.com).
    assert acl(conf, "cegid_vendor") == ["portail.etafi.fr", "etafi.fr", "get.teamviewer.com", "teamviewer.com", "cegidlife.com"]
    assert ".facebook.com" in acl(conf, "blocked_domains")
    assert acl(conf, "internal_dst") == internal
    rules = [line for line in conf.splitlines() if line.startswith("http_access ")]
    assert [r for r in rules if r in ACCESS_ORDER] == ACCESS_ORDER
    assert rules[-1] == "http_access deny all"
    assert "http_port 3128\n" in conf and "ftp_port 2121 name=ftp_relay\n" in conf
    assert "%[un" in conf  # the user's name in every access log line


def test_squid_authenticates_domain_users_on_the_site_and_local_users_in_the_lab(rendered):
    site = rendered["inventories/rcr"]["squid", "squid.conf.j2"]["proxy01"]
    helper = next(line for line in site.splitlines() if line.startswith("auth_param basic program"))
    assert "/usr/lib/squid/basic_ldap_auth -v 3 -ZZ" in helper
    assert '-b "DC=rcr,DC=local"' in helper
    assert '-D "CN=svc-proxy,OU=Comptes de service,OU=RCR,DC=rcr,DC=local" -W /etc/squid/ldap-bind.secret' in helper
    assert '-H "ldap://10.0.10.21 ldap://10.0.10.22"' in helper  # the domain controllers
    assert "CHANGE_ME" not in site  # the bind password is in its own file, never in squid.conf
    lab = rendered["inventories/lab"]["squid", "squid.conf.j2"]["proxy01"]
    assert "auth_param basic program /usr/lib/squid/basic_ncsa_auth /etc/squid/users.passwd" in lab


@pytest.mark.parametrize("host", ["glpi01", "ftp01", "ftp02", "proxy01"])
def test_host_firewall_rendered_from_the_model(rendered, host):
    nft = rendered["inventories/rcr"]["nftables", "host.nft.j2"][host]
    assert "type filter hook input priority filter; policy drop;" in nft
    assert "flush ruleset" not in nft  # other tables (Docker's, an operator's) stay
    assert 'ip saddr { 10.0.20.0/24, 10.0.30.0/24 } tcp dport { 22 } accept comment "ssh"' in nft
    accepts = [line.strip() for line in nft.splitlines() if line.strip().startswith("ip saddr") and "dport" in line]
    assert all("0.0.0.0/0" not in a for a in accepts)
    if host == "proxy01":
        assert 'tcp dport { 2121 } ct helper set "ftp-relay"' in nft


def test_rotation_keeps_recent_files_and_the_newest_of_each_device(rendered, tmp_path):
    root = tmp_path / "archive"
    script = rendered["inventories/lab"]["ftp_archive", "config-archive-rotate.sh.j2"]
    text = next(iter(script.values())).replace("root=/srv/config-archive", f"root={root}")
    day = 86400
    files = {"sw-core/old.cfg": 30, "sw-core/new.cfg": 1, "rt-01/ancient.cfg": 400, "rt-01/older.cfg": 500}
    for rel, age in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rel)
        os.utime(path, (time.time() - age * day, time.time() - age * day))
    (tmp_path / "rotate.sh").write_text(text)
    subprocess.run(["sh", str(tmp_path / "rotate.sh")], check=True, capture_output=True)
    left = sorted(str(p.relative_to(root)) for p in root.rglob("*.cfg"))
    # lab retention_days is 7: old files go, the newest of rt-01 stays although old.
    assert left == ["rt-01/ancient.cfg", "sw-core/new.cfg"]
