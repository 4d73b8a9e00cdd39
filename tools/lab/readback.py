"""Read the running lab back: the API simulator's objects and each device's pending remediation.

Used by the lab's verification (tools/lab/verify) and by the summary (what exists). The
desired state comes from the same views the roles apply (proxmox ``desired_state``, the
configurations the cisco_ios role rendered into build/configs/lab/).
"""

from __future__ import annotations

import json
import ssl
import urllib.request

from context import INVENTORY, REPO, secret, site
from daemons import info


def pve_get(path: str):
    """GET /api2/json<path> on the lab's simulator with the lab's API token."""
    s = site()
    from ansible_collections.sitekit.core.plugins.plugin_utils.site.proxmox import api_connection

    api = api_connection(s)
    port = info("pve-sim")["port"]
    token = f"PVEAPIToken={api.api_user}!{api.api_token_id}={secret('pve_token', 36)}"
    request = urllib.request.Request(f"https://127.0.0.1:{port}/api2/json{path}", headers={"Authorization": token})
    context = ssl._create_unverified_context()  # the simulator's throwaway self-signed certificate
    with urllib.request.urlopen(request, context=context, timeout=20) as answer:
        return json.loads(answer.read())["data"]


def pve_desired() -> dict:
    s = site()
    from ansible_collections.sitekit.core.plugins.plugin_utils.site.proxmox import desired_state

    return desired_state(s)


def pve_objects() -> dict:
    """What the simulated cluster holds: VM ids, storage ids, HA resources, backup jobs."""
    resources = pve_get("/cluster/resources")
    return {"vms": sorted(int(r["vmid"]) for r in resources if r.get("type") == "qemu" and not r.get("template")),
            "storage": sorted({r["storage"] for r in resources if r.get("type") == "storage"}),
            "ha": sorted(r["sid"] for r in pve_get("/cluster/ha/resources")),
            "backup_jobs": len(pve_get("/cluster/backup"))}


def device_pending(host: str) -> list[str]:
    """The lines a push would still send to ``host``: running config vs what the role rendered."""
    site()  # installs the collection finder
    from ansible_collections.sitekit.core.plugins.module_utils import ios_remediation, ios_ssh

    intended = (REPO / "build" / "configs" / INVENTORY.name / f"{host}.cfg").read_text()
    peers = info("ios-peers")
    with ios_ssh.Session(host, "127.0.0.1", peers["devices"][host], peers["user"], secret("network_admin"),
                         secret("network_admin"), host_key_checking=False, timeout=20) as session:
        running = session.running_config()
    policy = push_policy(host)
    commands, _, _ = ios_remediation.remediate(running, intended, policy["include"], policy["exclude"])
    return commands


def push_policy(host: str) -> dict:
    """The scope the push owns on ``host`` (the same view as the role's): lines outside it are the operator's."""
    import sys

    sys.path.insert(0, str(REPO / "tests" / "network"))
    import netlab  # the device intents with placeholder secrets: the scope does not depend on them

    return netlab.intents(site())[host]["push"]
