"""The Debian roles' files rendered from both inventories, without containers.

squid.conf for rcr and the lab (allowed subnets from the VLAN roles, domain lists in squid's
form), and the ftp_archive rotation script run here on a scratch tree (retention keeps the
newest file of each device). The molecule scenarios test the same roles on real containers.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sitekit_paths import REPO

PLAY = """---
- name: Render the Debian roles' files
  hosts: "{group}"
  connection: local
  gather_facts: false
  vars_files: ["{repo}/roles/{role}/defaults/main.yml"]
  vars:
    ansible_connection: local  # the inventory's own connection (docker, ssh) is never used here
    ansible_python_interpreter: "{{{{ ansible_playbook_python }}}}"
  tasks:
    - name: Render
      ansible.builtin.template:
        src: "{repo}/roles/{role}/templates/{template}"
        dest: "{out}/{{{{ inventory_hostname }}}}-{template}"
        mode: "0600"
"""


def render(tmp_path: Path, inventory: str, group: str, role: str, template: str) -> dict[str, str]:
    playbook = tmp_path / "render.yml"
    playbook.write_text(PLAY.format(group=group, repo=REPO, role=role, template=template, out=tmp_path))
    env = {
        **os.environ,
        "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    out = subprocess.run(
        ["ansible-playbook", "-i", str(REPO / inventory), str(playbook)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    return {p.name.split("-" + template)[0]: p.read_text() for p in tmp_path.glob(f"*-{template}")}


def acl(conf: str, name: str) -> list[str]:
    lines = [line.split()[3:] for line in conf.splitlines() if line.startswith(f"acl {name} ")]
    assert len(lines) == 1, f"acl {name} defined {len(lines)} times"
    return lines[0]


@pytest.mark.parametrize(
    ("inventory", "subnets"),
    [
        ("inventories/rcr", ["10.0.10.0/24", "10.0.30.0/24", "10.0.40.0/24"]),
        ("inventories/lab", ["172.30.10.0/24", "172.30.30.0/24", "172.30.40.0/24"]),
    ],
)
@pytest.mark.requirement("SPEC-4-squid", "SPEC-5-vendor-access")
def test_squid_conf_from_the_site_model(tmp_path, inventory, subnets):
    conf = render(tmp_path, inventory, "squid", "squid", "squid.conf.j2")["proxy01"]
    # servers + clients VLANs (site_proxy.allowed_vlan_roles), never the management VLAN 20.
    assert acl(conf, "site_clients") == subnets
    # Vendor domains with subdomains, those a parent covers left out (squid -k parse warns otherwise).
    assert acl(conf, "cegid_vendor") == [".cegidlife.com", ".etafi.fr", ".teamviewer.com"]
    assert ".facebook.com" in acl(conf, "blocked_domains")
    rules = [line for line in conf.splitlines() if line.startswith("http_access ")]
    # The vendor allow comes before the domain block, the subnet check before both.
    assert rules.index("http_access deny !site_clients") < rules.index("http_access allow cegid_vendor")
    assert rules.index("http_access allow cegid_vendor") < rules.index("http_access deny blocked_domains")
    assert rules[-1] == "http_access deny all"
    assert "http_port 3128\n" in conf


def test_rotation_keeps_recent_files_and_the_newest_of_each_device(tmp_path):
    root = tmp_path / "archive"
    script = render(tmp_path, "inventories/lab", "ftp_archive", "ftp_archive", "config-archive-rotate.sh.j2")
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
