"""Check 5: credentials. A script that reaches another machine (data/second_hop.yml: commands that
authenticate to another server with the caller's credentials, UNC paths) must run where those
credentials exist: `become` runas with the user's password, SYSTEM where the computer account is what
the command needs, or a connection that delegates (CredSSP, Kerberos delegation). And every runas
`become` of a user account is given that user's password (without it, runas has nothing to log on with).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import sites
import ws_powershell as ps
import yaml

DATA = Path(__file__).parent / "data"


@functools.cache
def table() -> dict:
    return yaml.safe_load((DATA / "second_hop.yml").read_text())


def _machine_identity(user: str) -> bool:
    return str(user).strip().lower() in {u.lower() for u in table()["machine_identities"]}


def remote_uses(source: str) -> list[tuple[int, str, dict]]:
    """(line, what, table entry) of every command of the table and every UNC path the script uses."""
    tree = ps.parse(ps.syntax_errors_and_source(source)[2])
    commands = {name.lower(): (name, entry) for name, entry in table()["commands"].items()}
    out = []
    for call in ps.commands(tree):
        if call.name.lower() in commands:
            name, entry = commands[call.name.lower()]
            out.append((call.line, name, entry))
    for node in ps.walk(tree.root_node):
        if node.type in ("expandable_string_literal", "verbatim_string_characters"):
            body = ps.text(node)[1:-1]
            if re.match(r"\\\\[^\\\s]", body):  # \\server… (not the regex '\\' of a -split)
                out.append((node.start_point[0] + 1, f"UNC path {ps.text(node)[:40]}", table()["unc_path"]))
    return sorted(out, key=lambda x: x[0])


def _allowed(entry: dict, host: str, context: dict, inventory: str) -> str | None:
    """None when the call has the credentials it needs, else why not."""
    local_on = entry.get("local_on")
    if local_on and (context.get("runs_on") or host) in sites.site(inventory).group(local_on):
        return None
    if "credssp" in str(context.get("transport") or "") or context.get("delegation"):
        return None
    if context.get("become") and context.get("become_method", "").endswith("runas"):
        if _machine_identity(context.get("become_user", "")):
            return None if entry.get("machine_account") else "runs as the computer account, which this needs not"
        if context.get("become_password") in ("set", "vault secret"):
            return None
        return f"become runas {context.get('become_user')} without the user's password"
    return "runs in the WinRM session, which holds no credential to pass on"


def second_hop_findings(script, inventory: str = "inventories/rcr") -> list[str]:
    uses = remote_uses(script.source)
    findings = set()
    for (task, host, _, _), context in zip(script.calls, script.contexts, strict=True):
        for line, what, entry in uses:
            why = _allowed(entry, host, context, inventory)
            if why:
                where = context.get("runs_on") or host
                findings.add(f"[second-hop] line {line}: {what} {entry['reason']}, but task {task.name!r} on {where} {why}")
    return sorted(findings)


def become_findings(task) -> list[str]:
    """A runas become of a user account without that user's password."""
    findings = set()
    for call in task.calls:
        context = call.context
        if not context.get("become") or not context.get("become_method", "").endswith("runas"):
            continue
        if _machine_identity(context.get("become_user", "")):
            continue
        if context.get("become_password") not in ("set", "vault secret"):
            findings.add(f"[become-without-password] {task.name!r} on {call.host}: become_user "
                         f"{context.get('become_user')} has no ansible_become_password")
    return sorted(findings)
