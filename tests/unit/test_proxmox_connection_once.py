"""The Proxmox plays set the API connection once (module_defaults for the action group sitekit.core.proxmox);
no role or playbook task repeats it, and every play that runs a pve_* task sets it."""

from __future__ import annotations

import yaml
from sitekit_paths import COLLECTION, REPO
from task_files import tasks_of

CONNECTION = {"api_host", "api_port", "api_user", "api_password", "api_token_id", "api_token_secret", "validate_certs",
              "ca_path", "api_fingerprint"}
GROUP = "group/sitekit.core.proxmox"


def pve_modules() -> set[str]:
    runtime = yaml.safe_load((COLLECTION / "meta/runtime.yml").read_text())
    return {f"sitekit.core.{name}" for name in runtime["action_groups"]["proxmox"]}


def pve_tasks(items) -> list[dict]:
    modules = pve_modules()
    return [task for task in tasks_of(items) if modules & set(task)]


def repeated_connection(items) -> list[str]:
    return [f"{task.get('name')}: {sorted(CONNECTION & set(task[m] or {}))}"
            for task in pve_tasks(items) for m in pve_modules() & set(task) if CONNECTION & set(task[m] or {})]


def test_no_role_task_passes_the_connection():
    found = {str(path.relative_to(REPO)): repeated_connection(yaml.safe_load(path.read_text()))
             for path in sorted(REPO.glob("roles/*/tasks/*.yml"))}
    assert {path: bad for path, bad in found.items() if bad} == {}
    assert any(pve_tasks(yaml.safe_load(path.read_text())) for path in REPO.glob("roles/proxmox_*/tasks/*.yml"))


def test_every_play_running_pve_tasks_sets_the_connection_once():
    plays = {}
    for path in sorted(REPO.glob("playbooks/*.yml")):
        for play in yaml.safe_load(path.read_text()) or []:
            runs_pve = pve_tasks(play.get("tasks")) or any(
                str(role.get("role", role) if isinstance(role, dict) else role).startswith("proxmox_")
                and str(role.get("role", role) if isinstance(role, dict) else role) not in ("proxmox_node", "proxmox_cluster")
                for role in play.get("roles") or [])
            if runs_pve:
                plays[f"{path.name}: {play['name']}"] = (GROUP in (play.get("module_defaults") or {}),
                                                         repeated_connection(play.get("tasks")))
    assert {"proxmox.yml: Cluster configuration through the API (storage, backup job, VMs, HA)",
            "pra_drill.yml: PRA drill - restore a VM from its latest backup"} <= set(plays)
    assert {play: found for play, found in plays.items() if found != (True, [])} == {}


def test_a_task_repeating_the_connection_is_found():
    play = [{"name": "x", "block": [{"name": "restore", "sitekit.core.pve_restore": {"api_host": "h", "vmid": 1}}]}]
    assert repeated_connection(play) == ["restore: ['api_host']"]
    assert repeated_connection([{"name": "ok", "sitekit.core.pve_restore": {"vmid": 1}}]) == []
