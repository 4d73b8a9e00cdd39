#!/usr/bin/python
"""Proxmox VE scheduled backup jobs (/cluster/backup): create and update, with retention."""

from __future__ import annotations

DOCUMENTATION = r"""
module: pve_backup_job
short_description: Create and update Proxmox VE vzdump jobs, retention (prune-backups) included
description:
  - Reads C(GET /cluster/backup) once; creates each declared job that is missing (C(POST /cluster/backup)) and
    updates only the options that differ on an existing one (one C(PUT /cluster/backup/{id}) per changed job).
  - Values are compared after normalising both sides - C(prune-backups) as retention values (PVE returns an
    object, the API takes a string), C(enabled) and C(all) as flags, C(vmid) and C(mailto) as sets, C(dow) as a
    list - so a no-op run makes no write and changing one keep-* value makes exactly one update.
  - Jobs on the cluster that are not declared are left alone; no job is ever deleted.
  - Options set on a cluster job but not declared are left alone unless O(remove_undeclared_options).
  - "Gap filled: C(community.proxmox.proxmox_backup_schedule) 1.4.0 only adds or removes VMs in an
    existing job; it cannot create a job nor set schedule, storage, mode, compression or retention.
    C(community.proxmox.proxmox_backup) runs a one-off vzdump, it does not manage jobs."
version_added: "0.1.0"
author: sitekit maintainers (!UNKNOWN)
options:
  jobs:
    description:
      - Jobs as C(POST /cluster/backup) parameters (C(schedule), C(storage), C(mode), C(compress), C(vmid) or C(all),
        C(prune-backups), C(enabled)…); keys whose value is null are dropped.
      - An empty string means "not set" - left out of a new job, deleted (C(delete=)) from an existing job that has
        the option (PVE reads an empty form value as undefined and refuses it - "got undefined value for option").
      - C(id) is required in every job (the module fails without it), since PVE would otherwise generate one and the
        job could not be found again.
      - C(prune-backups) may be a string (C(keep-daily=7,keep-weekly=5)) or a mapping (C(keep_daily) or
        C(keep-daily) keys); it is sent as PVE's string with sorted keys, normalised as PVE stores it (pve-storage
        validate_prune_backups) - C(keep-all=0) is dropped, retention without a positive C(keep-*) value is
        C(keep-all=1).
    type: list
    elements: dict
    required: true
  remove_undeclared_options:
    description:
      - Delete (C(delete=) in the C(PUT)) the options an existing job has but the declaration lacks.
      - C(enabled), C(id), C(type), C(digest) and C(next-run) are never deleted.
    type: bool
    default: false
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - sitekit.core.proxmox
  - sitekit.core.proxmox.action_group
  - sitekit.core.proxmox.in_worker
attributes:
  check_mode:
    support: full
    details: Reads the jobs and reports what would be created or updated; makes no write call.
  diff_mode:
    support: full
    details: Before and after per created or updated job, with normalised values; a created job has no before.
  platform:
    platforms: posix
    details: Runs where the task runs (usually the controller) and calls the API over HTTPS.
"""

EXAMPLES = r"""
- name: Nightly backup of every VM to the NAS
  sitekit.core.pve_backup_job:
    api_host: "{{ proxmox_api_host }}"
    api_token_id: sitekit
    api_token_secret: "{{ vault_proxmox_api_token_secret }}"
    jobs:
      - id: sitekit-nightly
        schedule: "21:30"
        storage: nas-backup
        mode: snapshot
        compress: zstd
        prune-backups: {keep-daily: 7, keep-weekly: 5, keep-monthly: 2}
        vmid: "101,102"

- name: The jobs the site model computes
  sitekit.core.pve_backup_job:
    jobs: "{{ (hostvars | sitekit.core.pve_desired(groups)).backup_jobs }}"
  # connection from module_defaults: group/sitekit.core.proxmox
"""

RETURN = r"""
created:
  description: Ids of the jobs created (or that would be, in check mode).
  type: list
  elements: str
  returned: always
  sample: [sitekit-nightly]
updated:
  description:
    - Job id -> the declared options that differ, as declared (the C(PUT) sends C(prune-backups) as PVE's string),
      and C(delete) with the options removed by O(remove_undeclared_options).
  type: dict
  returned: always
  sample: {sitekit-nightly: {prune-backups: {keep-daily: 14, keep-weekly: 5, keep-monthly: 2}}}
"""

from ansible.module_utils.basic import AnsibleModule  # noqa: E402
from ansible_collections.sitekit.core.plugins.module_utils.pve_client import (  # noqa: E402
    PVE_REQUIRED_ONE_OF,
    PVE_REQUIRED_TOGETHER,
    PveClient,
    as_flag,
    as_list,
    prune_string,
    pve_argument_spec,
)

IGNORED = {"id", "type", "digest", "next-run"}
NORMALISE = {
    "prune-backups": prune_string,
    "enabled": as_flag,
    "all": as_flag,
    "vmid": lambda v: ",".join(sorted(as_list(v), key=lambda x: (len(x), x))),
    "mailto": lambda v: ",".join(sorted(as_list(v))),
    "dow": lambda v: ",".join(as_list(v)),
}


def _norm(key, value):
    return NORMALISE.get(key, lambda v: "" if v is None else str(v))(value)


def plan(current: list[dict], desired: list[dict], remove_undeclared: bool = False):
    """(jobs to create, {id: options to send}). An option declared as an empty string is not set: left out of a
    new job, deleted from an existing one that has it."""
    by_id = {j["id"]: j for j in current}
    create, update = [], {}
    for want in desired:
        unset = {k for k, v in want.items() if v == ""}
        want = {k: v for k, v in want.items() if k not in unset}
        have = by_id.get(want["id"])
        if have is None:
            create.append(want)
            continue
        changed = {k: v for k, v in want.items() if k not in IGNORED and _norm(k, have.get(k)) != _norm(k, v)}
        drop = {k for k in unset if k not in IGNORED and have.get(k) not in (None, "")}
        if remove_undeclared:
            drop |= {k for k in have if k not in want and k not in IGNORED and k not in ("enabled",)}
        if drop:
            changed["delete"] = ",".join(sorted(drop))
        if changed:
            update[want["id"]] = changed
    return create, update


def _api_value(key, value):
    return prune_string(value) if key == "prune-backups" else value


# The action plugin (plugins/action/pve_backup_job.py) validates a task's arguments against the same spec and runs run()
# inside Ansible's worker on a local connection (plugin_utils/in_process.py).
ARGUMENT_SPEC = pve_argument_spec()
ARGUMENT_SPEC.update(jobs=dict(type="list", elements="dict", required=True),
                     remove_undeclared_options=dict(type="bool", default=False))
ARGUMENT_SPEC_KWARGS = {"required_one_of": PVE_REQUIRED_ONE_OF, "required_together": PVE_REQUIRED_TOGETHER}


def run(module) -> None:
    """exit_json or fail_json, with the result RETURN documents."""
    desired = [{k: v for k, v in j.items() if v is not None} for j in module.params["jobs"]]
    if any(not j.get("id") for j in desired):
        module.fail_json(msg="every job needs an 'id' (otherwise PVE generates one and the job cannot be found again)")
    client = PveClient(module)
    current = client.get("cluster/backup")
    create, update = plan(current, desired, module.params["remove_undeclared_options"])
    changed = bool(create or update)
    if changed and not module.check_mode:
        for job in create:
            client.post("cluster/backup", **{k: _api_value(k, v) for k, v in job.items()})
        for job_id, params in update.items():
            client.put(f"cluster/backup/{job_id}", **{k: _api_value(k, v) for k, v in params.items()})
    by_id = {j["id"]: j for j in current}
    before = {i: {k: _norm(k, v) for k, v in by_id[i].items() if k not in IGNORED} for i in update}
    after = {j["id"]: {k: _norm(k, v) for k, v in j.items() if k not in IGNORED} for j in create}
    for j in desired:
        if j["id"] in update:
            deleted = set(as_list(update[j["id"]].get("delete")))
            merged = {**before[j["id"]], **{k: _norm(k, v) for k, v in j.items() if k not in IGNORED and v != ""}}
            after[j["id"]] = {k: v for k, v in merged.items() if k not in deleted}
    module.exit_json(changed=changed, created=[j["id"] for j in create], updated=update, diff={"before": before, "after": after})


def main():
    run(AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True, **ARGUMENT_SPEC_KWARGS))


if __name__ == "__main__":
    main()
