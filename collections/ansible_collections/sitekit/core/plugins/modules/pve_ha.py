#!/usr/bin/python
"""Proxmox VE HA placement, version-aware: groups on PVE 8, affinity rules on PVE 9."""

from __future__ import annotations

DOCUMENTATION = r"""
module: pve_ha
short_description: HA resources and their placement, as HA groups (PVE 8) or HA rules (PVE 9)
description:
  - Takes the HA groups, HA rules and HA resources the site model's Proxmox view computes
    (C(pve_desired) filter - C(ha_groups), C(ha_rules), C(ha_resources)) and detects the PVE major
    version from C(/version) to apply the groups (PVE 8) or the rules (PVE 9). It computes nothing
    of the placement itself.
  - PVE 8 - one HA group per node (C(sitekit-<node>), the node preferred, the others as fallback)
    and every HA resource in the group of its node. PVE 8 has no anti-affinity; distinct
    preferred nodes keep redundant servers apart while all nodes are up.
  - PVE 9 - one node-affinity rule per node (same preference) and one negative resource-affinity
    rule per spread group (C(sitekit-spread-<group>)); C(/cluster/ha/groups) is never read, as
    PVE 9 refuses groups once they are migrated to rules. After an 8 to 9 upgrade whose groups
    are not migrated yet (resources still name a group), our resources leave their C(sitekit-*)
    group and those groups are deleted before the rules are created, so PVE does not migrate
    them into rules that would name the same resources; C(ha-group-sitekit-*) rules from an
    earlier migration are removed (purge).
  - Lists resources and groups/rules once (2 reads + /version) and compares locally.
  - "Gap filled: C(community.proxmox.proxmox_cluster_ha_groups) and C(_ha_resources) 1.4.0 do not
    support check mode (the play's --check would fail); with C(_ha_rules) (correct on the
    simulator) they manage one object per call with a list read each, so the rcr site costs one
    module run per group, rule and VM (rcr - 24 runs on PVE 8, 32 on PVE 9, against one); none of
    them chooses groups or rules from the cluster version."
  - Check mode makes no write call; diff mode returns before/after.
version_added: "0.1.0"
author: sitekit
options:
  groups:
    description: PVE 8 HA groups (POST /cluster/ha/groups parameters), applied when the cluster runs PVE 8.
    type: list
    elements: dict
    default: []
  rules:
    description: PVE 9 HA rules (POST /cluster/ha/rules parameters), applied when the cluster runs PVE 9.
    type: list
    elements: dict
    default: []
  resources:
    description: >-
      HA resources (C(sid), C(state), C(comment), C(group) for PVE 8); C(group) is dropped on PVE 9.
    type: list
    elements: dict
    required: true
  prefix:
    description: Name prefix of the groups and rules this module owns (what C(purge) may remove).
    type: str
    default: sitekit
  mode:
    description: C(auto) follows the cluster version; C(groups) or C(rules) forces one (C(groups) fails on PVE 9).
    type: str
    choices: [auto, groups, rules]
    default: auto
  purge:
    description: >-
      Remove C(sitekit-*) groups and rules that are no longer declared, and the C(ha-group-sitekit-*)
      rules PVE 9 made when it migrated our PVE 8 groups (an 8 to 9 upgrade).
    type: bool
    default: true
notes:
  - Connection options are those of every sitekit.core pve_* module (module_utils/pve_client.py).
"""

EXAMPLES = r"""
- name: HA placement of the site's VMs
  sitekit.core.pve_ha:
    api_host: "{{ proxmox_api_host }}"
    api_token_id: sitekit
    api_token_secret: "{{ vault_proxmox_api_token_secret }}"
    groups: "{{ proxmox_desired.ha_groups }}"
    rules: "{{ proxmox_desired.ha_rules }}"
    resources: "{{ proxmox_desired.ha_resources }}"
"""

RETURN = r"""
major: {description: PVE major version detected, type: int, returned: always}
mode: {description: groups or rules, type: str, returned: always}
actions: {description: Write calls made (or that would be), as "METHOD path", type: list, returned: always}
"""

from ansible.module_utils.basic import AnsibleModule  # noqa: E402
from ansible_collections.sitekit.core.plugins.module_utils.pve_client import (  # noqa: E402
    PVE_REQUIRED_ONE_OF,
    PVE_REQUIRED_TOGETHER,
    PveClient,
    as_flag,
    as_list,
    pve_argument_spec,
)


def _set(v):
    return ",".join(sorted(as_list(v)))


NORMALISE = {"nodes": _set, "resources": lambda v: ",".join(sorted(r if ":" in r else f"vm:{r}" for r in as_list(v))),
             "strict": as_flag, "restricted": as_flag, "nofailback": as_flag, "disable": as_flag}
IGNORED = {"digest", "order", "type", "sid", "rule", "group"}


def _norm(key, value):
    return NORMALISE.get(key, lambda v: "" if v is None else str(v))(value)


def plan(current: dict, desired: list[dict], key: str, *, compare_type: bool = False, ignored=IGNORED):
    """(create, update {id: params}, recreate) for one keyed collection."""
    create, update, recreate = [], {}, []
    for want in desired:
        have = current.get(want[key])
        if have is None:
            create.append(want)
        elif compare_type and have.get("type") != want.get("type"):
            recreate.append(want)
        else:
            changed = {k: v for k, v in want.items() if (k not in ignored or (k == "group" and key == "sid"))
                       and k != key and _norm(k, have.get(k)) != _norm(k, v)}
            if changed:
                update[want[key]] = changed
    return create, update, recreate


def main():
    spec = pve_argument_spec()
    spec.update(groups=dict(type="list", elements="dict", default=[]),
                rules=dict(type="list", elements="dict", default=[]),
                resources=dict(type="list", elements="dict", required=True),
                prefix=dict(type="str", default="sitekit"),
                mode=dict(type="str", choices=["auto", "groups", "rules"], default="auto"),
                purge=dict(type="bool", default=True))
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True,
                           required_one_of=PVE_REQUIRED_ONE_OF, required_together=PVE_REQUIRED_TOGETHER)
    prefix = module.params["prefix"]
    client = PveClient(module)
    major = client.version()["major"]
    mode = module.params["mode"] if module.params["mode"] != "auto" else ("rules" if major >= 9 else "groups")
    if mode == "groups" and major >= 9:
        module.fail_json(msg="PVE 9 replaces HA groups by HA rules (groups are refused once migrated): use mode rules or auto")
    if mode == "rules" and major < 9:
        module.fail_json(msg=f"HA rules need PVE 9; this cluster runs {client.version().get('version')}")
    actions, calls, before, after = [], [], {}, {}

    resources = {r["sid"]: r for r in client.get("cluster/ha/resources")}
    want_resources = [r if mode == "groups" else {k: v for k, v in r.items() if k != "group"}
                      for r in module.params["resources"]]
    r_create, r_update, _ = plan(resources, want_resources, "sid")

    if mode == "groups":
        groups = {g["group"]: g for g in client.get("cluster/ha/groups")}
        want = module.params["groups"]
        g_create, g_update, _ = plan(groups, want, "group")
        g_remove = [g for g in groups if module.params["purge"] and g.startswith(f"{prefix}-") and g not in {w["group"] for w in want}]
        calls += [("POST", "cluster/ha/groups", g) for g in g_create]
        calls += [("PUT", f"cluster/ha/groups/{i}", p) for i, p in g_update.items()]
        calls += [("POST", "cluster/ha/resources", r) for r in r_create]
        calls += [("PUT", f"cluster/ha/resources/{i}", p) for i, p in r_update.items()]
        calls += [("DELETE", f"cluster/ha/groups/{g}", {}) for g in g_remove]
        before["groups"] = {i: groups[i] for i in list(g_update) + g_remove}
        after["groups"] = {w["group"]: w for w in want if w["group"] in g_update or w in g_create}
    else:
        rules = {r["rule"]: r for r in client.get("cluster/ha/rules")}
        want = module.params["rules"]
        u_create, u_update, u_recreate = plan(rules, want, "rule", compare_type=True)
        # Also the rules PVE 9 made from our PVE 8 groups (ha-group-sitekit-*): they name the same
        # resources as our node-affinity rules, which PVE refuses (one node-affinity rule per resource).
        u_remove = [r for r in rules if module.params["purge"] and r.startswith((f"{prefix}-", f"ha-group-{prefix}-"))
                    and r not in {w["rule"] for w in want}]
        # PVE 8 groups not migrated yet (resources still name a group): take our resources out of
        # their group and drop our groups, so that PVE does not turn them into rules that would
        # name the same resources as ours (PVE allows one node-affinity rule per resource).
        ours = {r["sid"] for r in want_resources}
        for sid, res in resources.items():
            if sid in ours and res.get("group"):
                r_update.setdefault(sid, {})["delete"] = "group"
        legacy = sorted({res["group"] for sid, res in resources.items() if sid in ours and str(res.get("group", "")).startswith(f"{prefix}-")})
        # Resources first: a rule may only name configured HA resources.
        calls += [("POST", "cluster/ha/resources", r) for r in r_create]
        calls += [("PUT", f"cluster/ha/resources/{i}", p) for i, p in r_update.items()]
        calls += [("DELETE", f"cluster/ha/groups/{g}", {}) for g in legacy if module.params["purge"]]
        calls += [("DELETE", f"cluster/ha/rules/{r}", {}) for r in u_remove + [w["rule"] for w in u_recreate]]
        calls += [("POST", "cluster/ha/rules", w) for w in u_create + u_recreate]
        calls += [("PUT", f"cluster/ha/rules/{i}", {"type": rules[i]["type"], **p}) for i, p in u_update.items()]
        before["rules"] = {i: rules[i] for i in list(u_update) + u_remove + [w["rule"] for w in u_recreate]}
        after["rules"] = {w["rule"]: w for w in want if w["rule"] in u_update or w in u_create or w in u_recreate}
    before["resources"] = {i: resources[i] for i in r_update}
    after["resources"] = {r["sid"]: r for r in want_resources if r["sid"] in r_update or r in r_create}

    for method, path, params in calls:
        actions.append(f"{method} /{path}")
        if not module.check_mode:
            client.call(method, path, **params)
    module.exit_json(changed=bool(calls), major=major, mode=mode, actions=actions, diff={"before": before, "after": after})


if __name__ == "__main__":
    main()
