"""SNMP: views, groups and communities in the running-config; v3 users kept apart.

IOS never prints ``snmp-server user`` lines of SNMPv3 users in the running-config (their
keys are localized to the engine ID); ``show snmp user`` lists them, in the format of
networktocode/ntc-templates tests/cisco_ios/show_snmp_user/cisco_ios_show_snmp_user.raw
(User name / Engine ID / storage-type / Authentication Protocol / Privacy Protocol /
Group-name). A changed password therefore cannot be seen in any output.
"""

from __future__ import annotations

import re

from .context import Ctx
from .grammar import INVALID, CliError, Mode

_PRIV = {"des": "DES", "3des": "3DES", "aes 128": "AES128", "aes 192": "AES192", "aes 256": "AES256"}


def _engine(ctx: Ctx, a: dict, no: bool) -> None:
    ctx.device.root.remove("snmp-server engineID local")
    if not no:
        ctx.device.root.child(f"snmp-server engineID local {a['id'].upper()}")


def engine_id(device) -> str:
    node = device.root.find("snmp-server engineID local")
    return node.text.split()[-1] if node else "800000090300" + "0A1B2C3D4E5F"[: 12]


def _view(ctx: Ctx, a: dict, no: bool) -> None:
    if a.get("kind") and a["kind"] not in ("included", "excluded"):
        raise CliError(INVALID)
    prefix = f"snmp-server view {a['name']} {a['oid']}"
    ctx.device.root.remove(lambda n: n.text.startswith(prefix + " "))
    if not no:
        ctx.device.root.child(f"{prefix} {a['kind']}")


def _group(ctx: Ctx, a: dict, no: bool) -> None:
    words = a["rest"].split()
    if not words or words[0] not in ("v1", "v2c", "v3"):
        raise CliError(INVALID)
    head = [words.pop(0)]
    if head[0] == "v3":
        if not words or words[0] not in ("auth", "noauth", "priv"):
            raise CliError("% Incomplete command." if not words else INVALID)
        head.append(words.pop(0))
    options = []
    while words:
        key = words.pop(0)
        if key not in ("read", "write", "notify", "access", "context") or not words:
            raise CliError(INVALID)
        options += [key, words.pop(0)]
    prefix = f"snmp-server group {a['name']} {' '.join(head)}"
    ctx.device.root.remove(lambda n: n.text == prefix or n.text.startswith(prefix + " "))
    if not no:
        ctx.device.root.child(" ".join([prefix] + options))


def _user(ctx: Ctx, a: dict, no: bool) -> None:
    name, words = a["name"], a["rest"].split()
    if no:
        ctx.device.snmp_users.pop(name, None)
        return
    if len(words) < 2 or words[1] != "v3":
        raise CliError(INVALID)
    group, words = words[0], words[2:]
    user = {"group": group, "auth": None, "priv": None, "access": None, "encrypted": False}
    if words and words[0] == "encrypted":
        user["encrypted"] = True
        words.pop(0)
    while words:
        key = words.pop(0)
        if key == "auth" and len(words) >= 2 and words[0] in ("md5", "sha"):
            user["auth"], user["auth_key"] = words[0].upper(), words[1]
            words = words[2:]
        elif key == "priv" and user["auth"] and words:
            algo = words.pop(0)
            if algo == "aes" and words and words[0] in ("128", "192", "256"):
                algo = f"aes {words.pop(0)}"
            if algo not in _PRIV or not words:
                raise CliError(INVALID)
            user["priv"], user["priv_key"] = _PRIV[algo], words.pop(0)
        elif key == "access" and words:
            user["access"] = words.pop(0)
        else:
            raise CliError(INVALID)
    if user["encrypted"] and any(not re.fullmatch(r"[0-9A-Fa-f:]+", user.get(k) or "0")
                                 for k in ("auth_key", "priv_key")):
        raise CliError(INVALID)
    ctx.device.snmp_users[name] = user


def show_snmp_user(device, name: str | None = None) -> str:
    blocks = []
    for user_name, user in sorted(device.snmp_users.items()):
        if name and user_name != name:
            continue
        acl = f" access-list: {user['access']}" if user["access"] else ""
        blocks.append("\n".join([
            f"User name: {user_name}", f"Engine ID: {engine_id(device)}",
            f"storage-type: nonvolatile\t active{acl}",
            f"Authentication Protocol: {user['auth'] or 'None'}",
            f"Privacy Protocol: {user['priv'] or 'None'}", f"Group-name: {user['group']}"]))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def _community(ctx: Ctx, a: dict, no: bool) -> None:
    words = [w.upper() if w.lower() in ("ro", "rw") else w for w in a.get("rest", "").split()]
    prefix = f"snmp-server community {a['name']}"
    ctx.device.root.remove(lambda n: n.text == prefix or n.text.startswith(prefix + " "))
    if not no:
        ctx.device.root.child(" ".join([prefix] + (words or ["RO"])))


def register(modes: dict[str, Mode]) -> None:
    g = modes["config"]
    g.add("snmp-server engineID local | <id:hex>", _engine)
    g.add("snmp-server view <name:word> <oid:word> | <kind:choice:included|excluded>", _view)
    g.add("snmp-server group <name:word> <rest:line>", _group)
    g.add("snmp-server user <name:word> | <rest:line>", _user)
    g.add("snmp-server community <name:word> | <rest:line>", _community)
    g.add("snmp-server community <name:word>", _community)
    g.add("snmp-server enable traps | <rest:line>", lambda ctx, a, no: (
        ctx.device.root.remove("snmp-server enable traps"),
        None if no else ctx.device.root.child(f"snmp-server enable traps {a['rest']}")))
