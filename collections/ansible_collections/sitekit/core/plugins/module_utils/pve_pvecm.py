"""Parse ``pvecm status`` (run over SSH on a node) into facts the cluster role decides on.

Cluster create/join must be idempotent: a node that is already a member is left
alone, and HA is refused while the cluster has fewer than 3 votes (nodes + QDevice).
"""

from __future__ import annotations

import re

NOT_IN_CLUSTER = ("does not exist - is this node part of a cluster", "Cannot initialize CMAP service")


def parse_pvecm_status(text: str) -> dict:
    """Facts from ``pvecm status``; ``in_cluster`` is False for a standalone node."""
    out = {"in_cluster": False, "name": None, "config_version": None, "quorate": False, "nodes": 0,
           "expected_votes": 0, "total_votes": 0, "quorum": 0, "qdevice": False, "members": []}
    if not text or any(marker in text for marker in NOT_IN_CLUSTER):
        return out
    fields = {}
    for line in text.splitlines():
        m = re.match(r"^([A-Za-z][A-Za-z ]+?):\s+(.*?)\s*$", line)
        if m:
            fields.setdefault(m.group(1).strip().lower(), m.group(2))
    if "name" not in fields and "quorate" not in fields:
        return out
    out.update(in_cluster=True, name=fields.get("name"),
               config_version=int(fields["config version"]) if fields.get("config version", "").isdigit() else None,
               quorate=fields.get("quorate", "").lower().startswith("yes"),
               nodes=int(fields.get("nodes", "0") or 0),
               expected_votes=int(fields.get("expected votes", "0") or 0),
               total_votes=int(fields.get("total votes", "0") or 0),
               quorum=int((fields.get("quorum", "0") or "0").split()[0]),
               qdevice="qdevice" in fields.get("flags", "").lower().split())
    member = re.compile(r"^\s*(0x[0-9a-fA-F]+)\s+(\d+)\s+(?:([A-Z,]+)\s+)?(\S+)(\s+\(local\))?\s*$")
    in_members = False
    for line in text.splitlines():
        if line.strip().startswith("Nodeid"):
            in_members = True
            continue
        if in_members:
            m = member.match(line)
            if not m:
                continue
            if m.group(4) == "Qdevice":
                out["qdevice"] = True
                continue
            out["members"].append({"nodeid": int(m.group(1), 16), "votes": int(m.group(2)), "address": m.group(4),
                                   "local": bool(m.group(5)), "qdevice_flags": m.group(3) or ""})
    return out


HA_MIN_VOTES = 3


def ha_votes(nodes: int, qdevice_votes: int) -> tuple[bool, str]:
    """(allowed, reason): HA needs 3 votes, i.e. 3 nodes or 2 nodes and a QDevice (SITE-SPEC §3).

    The one place this rule lives: validation asks it with the declared nodes and QDevice,
    the cluster and HA roles with what the cluster reports.
    """
    votes = nodes + qdevice_votes
    if votes >= HA_MIN_VOTES and nodes >= 2:
        return True, f"{nodes} nodes" + (f" + QDevice = {votes} votes" if qdevice_votes else "")
    qdevice = "a QDevice" if qdevice_votes else "no voting QDevice"
    return False, f"HA refused: {nodes} node(s) and {qdevice} = {votes} vote(s); HA needs {HA_MIN_VOTES}"


def ha_allowed(status: dict, qdevice_declared: bool) -> tuple[bool, str]:
    """``ha_votes`` on what ``pvecm status`` reports; a QDevice counts once declared and voting."""
    nodes = len(status.get("members") or []) or status.get("nodes", 0)
    votes = status.get("total_votes") or nodes
    voting = 1 if qdevice_declared and status.get("qdevice") and votes > nodes else 0
    return ha_votes(nodes, voting)


def join_plan(node: str, own: dict, others: dict, nodes: list, first: str, cluster: str, check_mode: bool) -> dict:
    """What ``node`` does to be a member of ``cluster``: ``{action: none|create|join, via, reason, error}``.

    ``own`` is this node's parsed ``pvecm status``; ``others`` maps every other node to its parsed status, or None when
    it could not be read. The cluster is created only when every other node answered and none is a member: a
    reinstalled first node, or a run limited to it, joins the cluster the others form instead of creating a second one
    (pvecm create on it would succeed and split the site). A node joins through the first member in inventory order.
    """
    if own.get("in_cluster"):
        return {"action": "none", "via": None, "reason": f"member of {own.get('name')}", "error": ""}
    members = [h for h in nodes if h != node and (others.get(h) or {}).get("in_cluster")
               and others[h].get("name") == cluster]
    if members:
        return {"action": "join", "via": members[0], "reason": f"{members[0]} is a member of {cluster}", "error": ""}
    unknown = [h for h in nodes if h != node and others.get(h) is None]
    if node == first:
        if unknown:
            return {"action": "none", "via": None, "reason": "", "error": (
                f"{node} would create cluster {cluster}, but the membership of {', '.join(unknown)} could not be read: "
                "if the cluster exists there, creating it here would form a second one; reach every node first")}
        return {"action": "create", "via": None, "reason": f"no node of the inventory is a member of {cluster}",
                "error": ""}
    if check_mode:
        return {"action": "join", "via": first, "reason": f"{first} creates {cluster} first in this run", "error": ""}
    return {"action": "none", "via": None, "reason": "", "error": (
        f"{node} cannot join {cluster}: no node of the inventory is a member yet (it is created on {first}, "
        f"the first of proxmox_nodes; run the play on {first} too)")}
