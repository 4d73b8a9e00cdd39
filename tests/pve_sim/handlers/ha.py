"""HA groups, rules and resources (pve-ha-manager src/PVE/API2/HA/{Groups,Rules,Resources}.pm).

PVE 8.4 runs pve-ha-manager 4.0.7 (groups only); PVE 9.1 runs 5.0.8/5.1.0 (df1794d), where
(src/PVE/HA/Config.pm have_groups_been_migrated) the groups are "migrated" once groups.cfg has
no group left: until then rules cannot be created or updated, afterwards every group call is
refused. The CRM migrates groups by itself (Manager.pm try_persistent_group_migration); here
``migrate_groups`` (or POST /_sim/ha-migrate-groups) does what it does. Rule changes go
through the feasibility checker (ha_rules.py) and fail as API2/HA/Rules.pm $assert_feasibility
does: a PVE::Exception "Rule '<id>' is invalid." (code 400, errors per option) raised inside
lock_ha_domain, which stringifies it into a plain error: HTTP 500 "create ha rule failed: 400
Rule '<id>' is invalid.\\n<option>: <messages>\\n".
"""

from __future__ import annotations

import base64
import copy
import hashlib
import time

from .. import ha_rules
from ..formats import split_list
from ..state import ApiError, Cluster, die, locked
from .registry import api

GROUP_OPTIONS = {"nodes": False, "restricted": True, "nofailback": True, "comment": True}  # Groups.pm options (optional?)
RULE_OPTIONS = {  # Rules/NodeAffinity.pm and Rules/ResourceAffinity.pm options(): key -> optional
    "node-affinity": {"resources": False, "nodes": False, "strict": True, "disable": True, "comment": True},
    "resource-affinity": {"resources": False, "affinity": False, "disable": True, "comment": True},
}
RESOURCE_OPTIONS = {"state", "group", "max_restart", "max_relocate", "comment", "failback"}  # failback: PVE 9


def _resource_options(c: Cluster) -> set[str]:
    """Resources/PVEVM.pm options(): 4.0.7 (PVE 8) has no failback."""
    return RESOURCE_OPTIONS if c.version >= 9 else RESOURCE_OPTIONS - {"failback"}


def _no_line_feed(params: dict) -> None:
    """pve-common SectionConfig.pm check_value: "property contains a line feed" (rules, resources, groups)."""
    if any(isinstance(v, str) and ("\n" in v or "\r" in v) for v in params.values()):
        raise die("property contains a line feed")


def _defined(key: str, value) -> None:
    """pve-common SectionConfig.pm check_config: an undefined value (an empty form value, AnyEvent.pm
    decode_urlencoded) dies before check_value."""
    if value is None:
        raise die(f"got undefined value for option '{key}'")


def _sid(c: Cluster, value: str) -> str:
    """Config.pm parse_sid: a bare VMID names the guest that has it (here VMs only), else it is refused."""
    if ":" in value:
        return value
    if value.isdigit() and int(value) in c.vms:
        return f"vm:{value}"
    raise die(f"unable do detect SID from VMID - VM/CT {value} does not exist")


# ---- groups ------------------------------------------------------------------------------------
def _groups_api(c: Cluster, what: str):
    if c.version >= 9 and c.ha_groups_migrated:
        raise die(f"cannot {what}: ha groups have been migrated to rules")


def _group_out(c: Cluster, name: str, g: dict) -> dict:
    return {**g, "group": name, "type": "group", "digest": c.digest("ha/groups.cfg", sorted(c.ha_groups))}


@api("GET", "/cluster/ha/groups")
def ha_groups(c: Cluster, p, user):
    _groups_api(c, "index groups")
    return [_group_out(c, n, g) for n, g in sorted(c.ha_groups.items())]


@api("GET", "/cluster/ha/groups/{group}")
def ha_group_get(c: Cluster, p, user):
    _groups_api(c, "read group")
    if p["group"] not in c.ha_groups:
        raise die(f"no such ha group '{p['group']}'")
    return _group_out(c, p["group"], c.ha_groups[p["group"]])


def _group_values(p: dict) -> dict:
    _no_line_feed(p)
    out = {}
    for key, value in p.items():
        if key in ("group", "type", "digest", "delete"):
            continue
        _defined(key, value)
        if key not in GROUP_OPTIONS:
            raise die(f"unexpected property '{key}'")
        out[key] = int(value) if key in ("restricted", "nofailback") else str(value)
    return out


@api("POST", "/cluster/ha/groups")
def ha_group_create(c: Cluster, p, user):
    _groups_api(c, "create group")
    opts = _group_values(p)
    if p["group"] in c.ha_groups:
        raise locked("create ha group failed", die(f"ha group ID '{p['group']}' already defined"))
    c.ha_groups[p["group"]] = opts
    c.touch("ha/groups.cfg")


@api("PUT", "/cluster/ha/groups/{group}")
def ha_group_update(c: Cluster, p, user):
    _groups_api(c, "update group")
    try:
        if p.get("digest") and p["digest"] != c.digest("ha/groups.cfg", sorted(c.ha_groups)):
            raise die("detected modified configuration - file changed by other user? Try again.")
        group = c.ha_groups.get(p["group"])
        if group is None:
            raise die(f"no such ha group '{p['group']}'")
        opts = _group_values(p)
        for key in split_list(p.get("delete")):
            if key not in GROUP_OPTIONS:
                raise die(f"no such option '{key}'")
            if not GROUP_OPTIONS[key]:
                raise die(f"unable to delete required option '{key}'")
    except ApiError as exc:
        raise locked("update ha group failed", exc) from None
    group.update(opts)
    for key in split_list(p.get("delete")):
        group.pop(key, None)
    c.touch("ha/groups.cfg")


@api("DELETE", "/cluster/ha/groups/{group}")
def ha_group_delete(c: Cluster, p, user):
    _groups_api(c, "delete group")
    for sid, res in sorted(c.ha_resources.items()):
        if res.get("group") == p["group"]:
            raise locked("delete ha group failed", die(f"ha group is used by service '{sid}'"))
    c.ha_groups.pop(p["group"], None)
    c.touch("ha/groups.cfg")


def migrate_groups(c: Cluster, rules: dict | None = None, persist: bool = True) -> dict:
    """Groups.pm migrate_groups_to_rules (+ migrate_groups_to_resources and the deletion of
    groups.cfg when ``persist``, as Manager.pm $migrate_group_persistently does)."""
    rules = c.ha_rules if rules is None else rules
    members: dict = {}
    for sid, res in sorted(c.ha_resources.items()):
        if res.get("group"):
            members.setdefault(res["group"], []).append(sid)
    for name, sids in members.items():
        group = c.ha_groups.get(name)
        if group is None:
            continue
        rules[f"ha-group-{name}"] = {
            "type": "node-affinity", "resources": ",".join(sorted(sids)),
            "nodes": ha_rules.encode_nodes(ha_rules.parse_nodes(group["nodes"])),
            **({"strict": int(group["restricted"])} if "restricted" in group else {}),  # undef unless set
            "comment": group.get("comment") or f"Generated from HA group '{name}'.",
            "order": _next_ordinal(rules)}
    if persist:  # Manager.pm: update_service_config writes failback on every resource
        for res in c.ha_resources.values():
            group = c.ha_groups.get(res.get("group") or "", {})
            res["failback"] = 0 if int(group.get("nofailback", 0)) else 1
            res.pop("group", None)
        c.ha_groups.clear()
        _renumber(rules)
        c.touch("ha/groups.cfg")
        c.touch("ha/rules.cfg")
        c.touch("ha/resources.cfg")
    return rules


# ---- rules (PVE 9) --------------------------------------------------------------------------------
def _renumber(rules: dict) -> None:
    """SectionConfig.pm write_config writes the rules sorted by order and parse_config numbers them 1..n by position:
    what GET shows after any write (ties keep their order here; Perl's hash order decides upstream)."""
    for number, rid in enumerate(sorted(rules, key=lambda r: rules[r].get("order", 0)), 1):
        rules[rid]["order"] = number


def _next_ordinal(rules: dict) -> int:
    """Rules.pm get_next_ordinal: the lowest order + 1 (sic)."""
    orders = [r.get("order", 0) for r in rules.values()]
    return (min(orders) if orders else 0) + 1


def _decoded(rule: dict) -> dict:
    """A stored rule as the checker sees it (resources set, nodes with priorities)."""
    return {**rule, "resources": set(split_list(rule.get("resources"))),
            "nodes": ha_rules.parse_nodes(rule.get("nodes", ""))}


def _full_rules(c: Cluster) -> dict:
    """API2/HA/Rules.pm $get_full_rules_config: the rules, plus groups not migrated yet as rules."""
    rules = copy.deepcopy(c.ha_rules)
    if c.ha_groups:
        migrate_groups(c, rules, persist=False)
    return rules


def _errors(c: Cluster, rules: dict) -> dict:
    return ha_rules.check_feasibility({rid: _decoded(r) for rid, r in rules.items()}, c.nodes)


def _rule_out(c: Cluster, rid: str, rule: dict, errors: dict | None) -> dict:
    out = {k: v for k, v in rule.items()}
    out.update(rule=rid, digest=c.digest("ha/rules.cfg", sorted(c.ha_rules)))
    # Rules.pm set_rule_defaults skips a default that is false (`next if !...->{default}`): strict 0 stays absent.
    if errors:
        out["errors"] = {opt: msgs for opt, msgs in errors.items()}
    return out


@api("GET", "/cluster/ha/rules")
def ha_rules_index(c: Cluster, p, user):
    rules = _full_rules(c)
    errors = _errors(c, rules)
    out = []
    for rid, rule in sorted(rules.items(), key=lambda kv: kv[1].get("order", 0)):
        if p.get("type") and rule["type"] != p["type"]:
            continue
        if p.get("resource") and p["resource"] not in split_list(rule["resources"]):
            continue
        out.append(_rule_out(c, rid, rule, errors.get(rid)))
    return out


@api("GET", "/cluster/ha/rules/{rule}")
def ha_rule_get(c: Cluster, p, user):
    rules = _full_rules(c)
    if p["rule"] not in rules:
        raise die(f"no such ha rule '{p['rule']}'")
    return _rule_out(c, p["rule"], rules[p["rule"]], _errors(c, rules).get(p["rule"]))


def _check_config(kind: str, params: dict, create: bool) -> dict:
    """SectionConfig.pm check_config for a rule type (keys of the type, required ones)."""
    options = RULE_OPTIONS[kind]
    _no_line_feed(params)
    out = {}
    for key, value in params.items():
        if key == "type" and value == kind:
            continue
        _defined(key, value)
        if key not in options:
            raise die(f"unexpected property '{key}'")
        if key == "resources":
            out[key] = ",".join(sorted(set(split_list(value))))
        elif key == "nodes":
            out[key] = ha_rules.encode_nodes(ha_rules.parse_nodes(value))
        elif key in ("strict", "disable"):
            out[key] = int(value)
        else:
            out[key] = str(value)
    if create:
        for key, optional in options.items():
            if not optional and key not in params:
                raise die(f"missing value for required option '{key}'")
    return out


def _assert_references(c: Cluster, opts: dict):
    """Rules.pm $assert_resources_are_configured and $assert_nodes_do_exist."""
    unmanaged = [s for s in sorted(split_list(opts.get("resources"))) if s not in c.ha_resources]
    if unmanaged:
        raise die(f"cannot use unmanaged resource(s) {', '.join(unmanaged)}.")
    unknown = [n for n in sorted(ha_rules.parse_nodes(opts.get("nodes", ""))) if n not in c.nodes]
    if unknown:
        raise die(f"cannot use non-existant node(s) {', '.join(unknown)}.")


def _assert_feasible(c: Cluster, rules: dict, rid: str):
    """Rules.pm $assert_feasibility: the rule's own errors, messages of one option joined by ', '."""
    errors = _errors(c, rules).get(rid)
    if errors:
        raise ApiError(400, f"Rule '{rid}' is invalid.\n", {opt: ", ".join(msgs) for opt, msgs in errors.items()})


@api("POST", "/cluster/ha/rules")
def ha_rule_create(c: Cluster, p, user):
    if c.ha_groups:
        raise die("cannot create ha rule: ha groups have not been migrated yet")
    params = {k: v for k, v in p.items() if k not in ("rule", "type")}
    if not int(params.get("disable", 0) or 0):
        params.pop("disable", None)
    opts = _check_config(p["type"], params, True)
    rid = p["rule"]
    try:
        if rid in c.ha_rules:
            raise die(f"HA rule '{rid}' already defined")
        _assert_references(c, opts)
        rules = copy.deepcopy(c.ha_rules)
        rules[rid] = {"type": p["type"], **opts, "order": _next_ordinal(rules)}
        _assert_feasible(c, rules, rid)
    except ApiError as exc:
        raise locked("create ha rule failed", exc) from None
    c.ha_rules[rid] = rules[rid]
    _renumber(c.ha_rules)
    c.touch("ha/rules.cfg")


@api("PUT", "/cluster/ha/rules/{rule}")
def ha_rule_update(c: Cluster, p, user):
    if c.ha_groups:
        raise die("cannot update ha rule: ha groups have not been migrated yet")
    rid = p["rule"]
    params = {k: v for k, v in p.items() if k not in ("rule", "digest", "delete")}
    if not int(params.get("disable", 0) or 0):
        params.pop("disable", None)
    delete = split_list(p.get("delete")) if p.get("delete") else []
    try:
        if p.get("digest") and p["digest"] != c.digest("ha/rules.cfg", sorted(c.ha_rules)):
            raise die("detected modified configuration - file changed by other user? Try again.")
        rule = c.ha_rules.get(rid)
        if rule is None:
            raise die(f"HA rule '{rid}' does not exist")
        opts = _check_config(rule["type"], params, False)
        _assert_references(c, opts)  # an update without resources checks none (`keys %$undef` is empty)
        options = RULE_OPTIONS[rule["type"]]
        for key in delete:  # SectionConfig.pm delete_from_config
            if key not in options:
                raise die(f"no such option '{key}'")
            if not options[key]:
                raise die(f"unable to delete required option '{key}'")
            if key in opts:
                raise die(f"cannot set and delete property '{key}' at the same time!")
        rules = copy.deepcopy(c.ha_rules)
        new = {k: v for k, v in rule.items() if k not in delete}
        new.update(opts)
        rules[rid] = new
        _assert_feasible(c, rules, rid)
    except ApiError as exc:
        raise locked("update HA rules failed", exc) from None
    c.ha_rules[rid] = new
    _renumber(c.ha_rules)
    c.touch("ha/rules.cfg")


@api("DELETE", "/cluster/ha/rules/{rule}")
def ha_rule_delete(c: Cluster, p, user):
    c.ha_rules.pop(p["rule"], None)
    _renumber(c.ha_rules)
    c.touch("ha/rules.cfg")


# ---- resources -----------------------------------------------------------------------------------
def _resource_values(c: Cluster, p: dict) -> dict:
    _no_line_feed(p)
    out = {}
    for key, value in p.items():
        if key in ("sid", "type", "digest", "delete"):
            continue
        _defined(key, value)
        if key not in _resource_options(c):
            raise die(f"unexpected property '{key}'")
        out[key] = int(value) if key in ("max_restart", "max_relocate", "failback") else str(value)
    return out


def _resource_out(c: Cluster, r: dict) -> dict:
    """Resources.pm $api_copy_config: what resources.cfg holds (no defaults), its sid and the file's digest."""
    out = dict(r)
    if c.version >= 9 and c.ha_groups_migrated:
        out.pop("group", None)  # Resources.pm $api_copy_config($exclude_group_property)
    return {**out, "digest": c.digest("ha/resources.cfg", sorted(c.ha_resources))}


@api("GET", "/cluster/ha/resources")
def ha_resources(c: Cluster, p, user):
    """Resources.pm index: a resource naming a group that does not exist carries ``errors.group``."""
    out = [_resource_out(c, r) for _, r in sorted(c.ha_resources.items()) if not p.get("type") or r["type"] == p["type"]]
    for resource in out:
        if resource.get("group") and resource["group"] not in c.ha_groups:
            resource["errors"] = {"group": f"group '{resource['group']}' does not exist"}
    return out


@api("GET", "/cluster/ha/resources/{sid}")
def ha_resource_get(c: Cluster, p, user):
    sid = _sid(c, p["sid"])
    if sid not in c.ha_resources:
        raise die(f"no such resource '{sid}'")
    return _resource_out(c, c.ha_resources[sid])


@api("POST", "/cluster/ha/resources")
def ha_resource_create(c: Cluster, p, user):
    sid = _sid(c, p["sid"])
    kind, name = sid.split(":", 1)
    if p.get("type") and p["type"] != kind:
        raise die("types does not match")
    if c.version >= 9 and p.get("group") is not None and c.ha_groups_migrated:
        raise die("invalid parameter 'group': ha groups have been migrated to rules")
    if kind == "vm" and int(name) not in c.vms:  # Resources/PVEVM.pm exists
        raise die(f"resource '{sid}' does not exist in cluster")
    opts = _resource_values(c, p)
    if sid in c.ha_resources:
        raise locked("create resource failed", die(f"resource ID '{sid}' already defined"))
    # Resources.pm create writes the options given, nothing else (the CRM applies the defaults when it reads them);
    # the group is not checked there (only on update).
    c.ha_resources[sid] = {"sid": sid, "type": kind, **opts}
    c.touch("ha/resources.cfg")
    if c.ha_state(sid) == "started":  # the CRM starts it
        c.vms[int(name)]["status"] = "running"


@api("PUT", "/cluster/ha/resources/{sid}")
def ha_resource_update(c: Cluster, p, user):
    sid = _sid(c, p["sid"])
    if p.get("group"):
        if c.version >= 9 and c.ha_groups_migrated:
            raise die("invalid parameter 'group': ha groups have been migrated to rules")
        if p["group"] not in c.ha_groups:
            raise die(f"HA group '{p['group']}' does not exist")
    try:
        if p.get("digest") and p["digest"] != c.digest("ha/resources.cfg", sorted(c.ha_resources)):
            raise die("detected modified configuration - file changed by other user? Try again.")
        res = c.ha_resources.get(sid)
        if res is None:
            raise die(f"no such resource '{sid}'")
        opts = _resource_values(c, p)
        for key in split_list(p.get("delete")):
            if key not in _resource_options(c):
                raise die(f"no such option '{key}'")
    except ApiError as exc:
        raise locked("update resources config failed", exc) from None
    res.update(opts)
    for key in split_list(p.get("delete")):
        res.pop(key, None)
    c.touch("ha/resources.cfg")


@api("DELETE", "/cluster/ha/resources/{sid}")
def ha_resource_delete(c: Cluster, p, user):
    sid = _sid(c, p["sid"])
    if sid not in c.ha_resources:
        raise die(f"cannot delete service '{sid}', not HA managed!")
    del c.ha_resources[sid]
    c.touch("ha/resources.cfg")
    if c.version >= 9 and str(p.get("purge", "1")) == "1":  # Config.pm delete_service_from_config
        ha_rules.remove_resource(c.ha_rules, sid)
        c.touch("ha/rules.cfg")


def _service_config(c: Cluster) -> dict:
    """Config.pm read_and_check_resources_config: the state defaults to 'started' ('enabled' read so), max_restart and
    max_relocate to 1, failback (5.x, PVE 9) to 1; ``node`` is where the guest is (absent for a missing guest)."""
    out = {}
    for sid, res in c.ha_resources.items():
        sc = {**{k: v for k, v in res.items() if k not in ("sid", "type")}, "state": c.ha_state(sid)}
        sc.setdefault("max_restart", 1)
        sc.setdefault("max_relocate", 1)
        if c.version >= 9:
            sc.setdefault("failback", 1)
        vm = c.vms.get(int(sid.split(":", 1)[1])) if sid.startswith("vm:") else None
        if vm is not None:
            sc["node"] = vm["node"]
        out[sid] = sc
    return out


def _manager_status(c: Cluster, services: dict) -> dict:
    """The CRM's manager_status as a settled cluster has it (pve-ha-manager df1794d src/PVE/HA/Manager.pm: new ->
    ``master_node``, flush_master_status -> ``node_status``, ``service_status``, ``timestamp``; 53d8e48 the same): the
    first node is master, every node online, each managed service (not 'ignored', which the manager drops) on its
    guest's node, 'started' or 'stopped', with the ``uid`` of its last command ($change_service_state
    compute_new_uuid, an md5_base64) and ``running`` 1 once the LRM reported a start (absent otherwise); no HA
    resource configured: no CRM status yet. ``node_request`` (maintenance) is not modelled."""
    if not services:
        return {}
    service_status = {}
    for sid, sc in services.items():
        if sc["state"] == "ignored" or "node" not in sc:
            continue
        ss = {"node": sc["node"], "state": "started" if sc["state"] == "started" else "stopped"}
        ss["uid"] = _uid(sid, ss["state"])
        if ss["state"] == "started" and c.vms[int(sid.split(":", 1)[1])]["status"] == "running":
            ss["running"] = 1  # set on the LRM's success, deleted otherwise (never 0)
        service_status[sid] = ss
    return {"master_node": c.nodes[0], "timestamp": int(time.time()), "node_status": dict.fromkeys(c.nodes, "online"),
            "service_status": service_status}


def _uid(sid: str, state: str) -> str:
    """Manager.pm compute_new_uuid: md5_base64 of the state, the CRM's pid, the time and a counter (22 characters)."""
    return base64.b64encode(hashlib.md5(f"{state}{sid}".encode()).digest()).decode().rstrip("=")


def _verbose_state(ss: dict | None, sc: dict | None) -> str:
    """pve-ha-manager src/PVE/HA/Tools.pm get_verbose_service_state."""
    if not sc:
        return "deleting"
    req = sc.get("state") or "ignored"
    if req == "ignored":
        return "ignored"
    if sc.get("node") is None:
        return "not found"
    if ss is None or ss.get("state") is None:
        return "queued"
    cur = state = ss["state"]
    if cur == "stopped":
        state = {"started": "starting", "disabled": "disabled"}.get(req, state)
    elif cur == "started":
        if req in ("stopped", "disabled"):
            state = "stopping"
        if not ss.get("running"):
            state = "starting"
    elif cur == "error" and req == "disabled":
        state = "clearing error flag"
    return state


def _lrm_status(c: Cluster, status: dict) -> dict:
    """Each node's LRM (pve-ha-manager df1794d src/PVE/HA/LRM.pm update_lrm_status: state, mode, results,
    timestamp): 'active' with a service to run there (Tools.pm count_active_services), else waiting for its agent
    lock; an active LRM keeps the result of the last command it ran for each service of its node, keyed by the
    command's uid (LRM.pm resource_command_finished: sid, state, exit_code - 0, SUCCESS - pruned to the uids the
    CRM still lists); an idle one runs none."""
    out = {}
    for node in sorted(status.get("node_status", {})):
        mine = {sid: ss for sid, ss in status["service_status"].items() if ss["node"] == node}
        active = any(ss["state"] == "started" for ss in mine.values())
        results = {ss["uid"]: {"sid": sid, "state": ss["state"], "exit_code": 0} for sid, ss in mine.items()} if active else {}
        out[node] = {"mode": "active", "state": "active" if active else "wait_for_agent_lock",
                     "timestamp": status["timestamp"], "results": results}
    return out


@api("GET", "/cluster/ha/status/current")
def ha_status(c: Cluster, p, user):
    """pve-ha-manager src/PVE/API2/HA/Status.pm status: the quorum, the CRM master and each LRM ("<node> (<state>,
    <localtime>)"; an LRM in wait_for_agent_lock without service is 'idle'), then each service: node, crm_state,
    the verbose state, ``status`` "<sid> (<node>, <state>)", request_state and group, max_restart, max_relocate,
    failback (PVE 9) and comment when set; services the CRM has not processed after those it has."""
    node = c.nodes[0]
    res = [{"id": "quorum", "type": "quorum", "node": node, "status": "OK", "quorate": 1}]
    services = _service_config(c)
    status = _manager_status(c, services)
    if status:
        res.append({"id": "master", "type": "master", "node": status["master_node"], "timestamp": status["timestamp"],
                    "status": f"{status['master_node']} (active, {time.ctime(status['timestamp'])})"})
    for lrm_node, lrm in _lrm_status(c, status).items():
        state = "idle" if lrm["state"] == "wait_for_agent_lock" else lrm["state"]
        res.append({"id": f"lrm:{lrm_node}", "type": "lrm", "node": lrm_node, "timestamp": lrm["timestamp"],
                    "status": f"{lrm_node} ({state}, {time.ctime(lrm['timestamp'])})"})
    keys = ("group", "max_restart", "max_relocate", "failback", "comment") if c.version >= 9 else (
        "group", "max_restart", "max_relocate", "comment")
    service_status = status.get("service_status", {})
    for sid in [*sorted(service_status), *sorted(s for s in services if s not in service_status)]:
        sc, ss = services.get(sid), service_status.get(sid)
        data = {"id": f"service:{sid}", "type": "service", "sid": sid}
        if ss:
            data.update(node=ss["node"], crm_state=ss["state"])
        elif sc and sc.get("node"):
            data["node"] = sc["node"]
        data["state"] = _verbose_state(ss, sc)
        data["status"] = f"{sid} ({data.get('node', '---')}, {data['state']})"
        if sc:
            data["request_state"] = sc["state"]
            data.update({k: sc[k] for k in keys if sc.get(k) is not None})
        res.append(data)
    return res


@api("GET", "/cluster/ha/status/manager_status")
def ha_manager_status(c: Cluster, p, user):
    """Status.pm manager_status: the CRM's status file, the quorum, each node's LRM status."""
    status = _manager_status(c, _service_config(c))
    data = {"manager_status": status, "quorum": {"node": c.nodes[0], "quorate": 1}}
    if status:
        data["lrm_status"] = _lrm_status(c, status)
    return data
