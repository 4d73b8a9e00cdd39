"""build/lab/run/endpoints.yml: where the running lab answers, as a second inventory source.

Only connection details and the lab's stand-in artefacts, nothing of the site model (so the
site_gate vars plugin validates inventories/lab alone): the SSH address, key and host keys of each
Debian host and node stand-in (and its container's name, for the preparation over the Docker API),
the port of each simulated IOS device, the API simulator's port, and the GLPI
STAND-IN archive (the lab has no GLPI release to download).
"""

from __future__ import annotations

import subprocess

import transport
import yaml
from containers import plan
from context import ENDPOINTS, REPO, VENV_BIN, site

GLPI_STANDIN_DIR = REPO / "build" / "lab" / "glpi-standin"


def glpi_standin() -> dict:
    """Build (reproducibly, so a rebuild changes nothing) the STAND-IN archive of the lab's GLPI version."""
    version = str(site().vars["site_glpi"]["version"])
    archive, sha = subprocess.run([str(VENV_BIN / "python"), str(REPO / "tests/glpi/build_standin.py"), version,
                                   str(GLPI_STANDIN_DIR)], capture_output=True, text=True, check=True).stdout.split()[:2]
    return {"glpi_archive_path": archive, "glpi_archive_sha256": sha}


def write(pve: dict, peers: dict) -> dict:
    s = site()
    hosts: dict[str, dict] = {str(h): {**transport.host_vars(spec["admin_ip"]), "lab_container": spec["name"],
                                       "lab_admin_address": spec["admin_ip"]}
                              for h, spec in plan().items()}
    for host, port in peers["devices"].items():
        hosts[str(host)] = {"ansible_port": int(port)}
    for host in s.groups.get("glpi", []):
        hosts.setdefault(str(host), {}).update(glpi_standin())
    data = {"all": {"vars": {"proxmox_api_override": {"api_port": int(pve["port"])}}, "hosts": hosts}}
    ENDPOINTS.parent.mkdir(parents=True, exist_ok=True)
    ENDPOINTS.write_text("---\n# Written by make lab (tools/lab/endpoints.py) for the running lab; removed by make lab-down.\n"
                         + yaml.safe_dump(data, sort_keys=True))
    return data
