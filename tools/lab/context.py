"""What the lab harness knows about the lab: paths, names, the site model of inventories/lab.

Names: containers and the docker networks carry the prefix $SITEKIT_LAB_PREFIX (default
``sitekit-lab``, the name the inventory reaches them by), the label ``org.sitekit.lab=<prefix>`` and
the label ``org.sitekit.lab.repo=<this checkout's absolute path>``: the names are the same in every
clone, so ``make lab-down`` removes exactly what ``make lab`` started in this checkout, never another's.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
INVENTORY = REPO / "inventories" / "lab"
BUILD = REPO / "build" / "lab"
RUN = BUILD / "run"  # pid files, endpoints, daemon logs of the running lab (kept across make clean)
LOGS = BUILD / "logs"
SECRETS = REPO / ".cache" / "lab-secrets"  # where the lab's password lookups keep their values
ENDPOINTS = RUN / "endpoints.yml"
PREFIX = os.environ.get("SITEKIT_LAB_PREFIX", "sitekit-lab")
LAB_KEY, REPO_KEY = "org.sitekit.lab", "org.sitekit.lab.repo"
LABEL = f"{LAB_KEY}={PREFIX}"
REPO_LABEL = f"{REPO_KEY}={REPO}"
IMAGE = os.environ.get("SITEKIT_DEBIAN_IMAGE", "sitekit/debian12-systemd:latest")
VENV_BIN = Path(sys.executable).parent
# Container tiers of the lab: the Debian hosts and the Proxmox node stand-ins.
CONTAINER_GROUPS = ("debian", "proxmox_nodes")


def container_name(host: str) -> str:
    return f"{PREFIX}-{str(host)}"


@cache
def site():
    """The lab's site model (inventories/lab), loaded with Ansible's loader like validation does."""
    collections = str(REPO / "collections")
    if collections not in sys.path:
        sys.path.insert(0, collections)
    from ansible.plugins.loader import init_plugin_loader

    if not any(type(f).__name__ == "_AnsibleCollectionFinder" for f in sys.meta_path):
        init_plugin_loader([collections])
    from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader import load_site

    return load_site(str(INVENTORY))


def container_hosts() -> list[str]:
    s = site()
    return sorted({str(h) for g in CONTAINER_GROUPS for h in s.groups.get(g, [])})


def tier_of_host(host: str) -> str:
    groups = site().groups
    for tier, group in (("proxmox", "proxmox_nodes"), ("network", "network"), ("windows", "windows"), ("linux", "debian")):
        if host in groups.get(group, []):
            return tier
    return "controller"


def secret(name: str, length: int = 24) -> str:
    """A lab secret as the inventory's password lookup reads it (created the same way when missing)."""
    import secrets
    import string

    path = SECRETS / name
    if not path.exists() or not path.read_text().strip():
        SECRETS.mkdir(parents=True, exist_ok=True)
        value = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(length))
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(value + "\n")
    return path.read_text().split()[0]


def write_secret(name: str, value: str) -> None:
    SECRETS.mkdir(parents=True, exist_ok=True)
    fd = os.open(SECRETS / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
