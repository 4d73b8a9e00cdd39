"""One push to one IOS device, as the ios_remediate module, the tests and the benchmark run it.

    read  → running-config, plus what IOS keeps outside it when needed: the VLAN database
            (``show vlan brief``, VTP server/client mode) and SNMPv3 users (``show snmp user``)
    plan  → ios_remediation.plan (scope, hier_config remediation, management path, deferral)
    guard → a management-path change is refused unless allowed for this device
    apply → under Rollback Confirmed Change (``configure terminal revert timer idle N``; the
            model's ``archive`` section goes first when the device has none), or, with no
            archive at all, after a snapshot to flash; a refused line rolls back at once
            (``configure revert now`` / ``configure replace``), a lost session is rolled back
            by the device's timer
    verify→ the running-config is read again and planned again: anything left to send (but the
            deferred lines) rolls back and fails
    keep  → ``configure confirm``, ``write memory``. With nothing to send, a device whose
            startup-config differs from its running-config in scope (a push cut after its
            last line, before saving) is saved.
"""

from __future__ import annotations

import re

from ansible_collections.sitekit.core.plugins.module_utils import ios_remediation
from ansible_collections.sitekit.core.plugins.module_utils.ios_ssh import SNAPSHOT, DeviceError

_ARCHIVE_PATH = re.compile(r"^archive\n(?: .*\n)*? path \S+", re.M)
# What IOS prints before a configuration: the `show` headers, blank lines and top-level comments
# (`! Last configuration change at …`, `! NVRAM config last updated at …`), which differ between
# running and startup. Every such line is out of every push's scope (ios_remediation.DEFAULT_EXCLUDE).
_HEADER_LINE = re.compile(r"^(?:Building configuration\.*|Current configuration : \d+ bytes|Using \d+ out of \d+ bytes|!.*|\s*)$")


def _vlans(text: str) -> dict:
    """{id: name} from ``show vlan brief``."""
    return {int(m.group(1)): m.group(2) for m in re.finditer(r"^(\d+)\s+(\S+)\s+(?:active|act/\S+|suspended)", text, re.M)}


def _snmp_users(text: str) -> dict:
    """{name: group} from ``show snmp user``."""
    out, name = {}, None
    for line in text.splitlines():
        if m := re.match(r"^User name:\s*(\S+)", line):
            name = m.group(1)
        elif (m := re.match(r"^Group-name:\s*(\S+)", line)) and name:
            out[name] = m.group(1)
    return out


def read(session, intended: str, policy) -> dict:
    """What the plan needs from the device."""
    running = session.running_config()
    state = {"running": running, "vlans": None, "snmp_users": None}
    if re.search(r"^vlan \d+$", intended, re.M) and not re.search(r"^vtp mode (transparent|off)$", running, re.M):
        state["vlans"] = _vlans(session.show("show vlan brief"))
    owned = any(re.search(rx, "snmp-server user x g v3") for rx in policy.include) or not policy.include
    if ios_remediation.write_only_lines(intended) or owned:
        state["snmp_users"] = _snmp_users(session.show("show snmp user"))
    return state


def _plan(state: dict, intended: str, policy, session_address):
    return ios_remediation.plan(state["running"], intended, policy, session_address=session_address,
                                vlans=state["vlans"], snmp_users=state["snmp_users"])


def _split_archive(commands: list) -> tuple[list, list]:
    """The ``archive`` section (and its exit) apart from the other commands."""
    if "archive" not in commands:
        return [], commands
    start = commands.index("archive")
    end = start + 1
    while end < len(commands) and commands[end].startswith(" "):
        end += 1
    return commands[start:end], commands[:start] + commands[end:]


def _body(config: str) -> list[str]:
    """The configuration's lines after IOS's header (see _HEADER_LINE), without trailing blanks."""
    lines = config.replace("\r", "").split("\n")
    start = next((i for i, line in enumerate(lines) if not _HEADER_LINE.match(line)), len(lines))
    body = [line.rstrip() for line in lines[start:]]
    while body and not body[-1]:
        body.pop()
    return body


def _unsaved(session, running: str, policy) -> bool:
    """Whether the startup-config differs from the running-config in the push's scope.

    Text identical after the header means identical in every scope: no parse (the no-op's usual case).
    Anything else is compared in scope, as hier_config reads both."""
    startup = session.show("show startup-config")
    if _body(startup) == _body(running):
        return False
    exclude = policy.exclude
    return ios_remediation.scope(startup, policy.include, exclude) != ios_remediation.scope(running, policy.include, exclude)


def push(session, intended: str, policy=None, *, check: bool = False, save: bool = True,
         allow_management: bool = False, session_address: str | None = None, rollback_minutes: int = 5) -> dict:
    """Push ``intended`` through an open ios_ssh.Session; the result (see the module's RETURN)."""
    policy = ios_remediation.Policy.of(policy)
    state = read(session, intended, policy)
    plan = _plan(state, intended, policy, session_address)
    result = {"changed": bool(plan.commands), "commands": plan.commands, "applied": [], "deferred": plan.deferred,
              "management": plan.management, "saved": False, "rollback": None, "before": plan.before,
              "after": plan.after, "running": state["running"], "write_only": plan.write_only}
    if plan.management and plan.commands and not allow_management:
        result["refused"] = True
        if check:
            return result
        raise DeviceError(session.name, "management-path change refused (the session could be cut): the push would "
                          f"remove or replace {plan.management[:8]}; allow it for this device only "
                          "(role: -e cisco_ios_management_change=<device>)", outcome="; nothing was applied")
    if check:
        return result
    if not plan.commands:
        if save and _unsaved(session, state["running"], policy):
            session.save()
            result.update(changed=True, saved=True)
        return result
    try:
        result["applied"] = _apply(session, plan.commands, state["running"], rollback_minutes, result)
        again = _plan(read(session, intended, policy), intended, policy, session_address)
        if again.commands:
            _roll_back(session, result["rollback"], result["applied"], None,
                       f"the device did not reach the intended configuration; left to send: {again.commands[:12]}")
        if result["rollback"] == "timer":
            session.confirm()
    except DeviceError as exc:
        exc.commands = plan.commands
        raise
    if save:
        session.save()
        result["saved"] = True
    return result


def _apply(session, commands: list, running: str, minutes: int, result: dict) -> list:
    applied: list = []
    enter = f"configure terminal revert timer idle {minutes}"
    if _ARCHIVE_PATH.search(running.replace("\r", "")):
        result["rollback"] = "timer"
    else:
        archive, commands = _split_archive(commands)
        if archive:
            applied += session.apply(archive)
            result["rollback"] = "timer"
        else:
            session.snapshot()
            result["rollback"], enter = "snapshot", "configure terminal"
    try:
        applied += session.apply(commands, enter=enter)
    except DeviceError as exc:
        _roll_back(session, result["rollback"], applied + exc.applied, exc, exc.reason, minutes)
    return applied


def _roll_back(session, mode: str | None, applied: list, exc: DeviceError | None, reason: str, minutes: int = 0):
    """Restore the device after a failed push and raise the error that says so."""
    line, output = (exc.line, exc.output) if exc else (None, "")
    if exc is not None and exc.lost:
        outcome = (f"; {len(applied)} line(s) were applied before the session was lost: the device restores its "
                   f"previous configuration by itself when its revert timer ends ({minutes} min idle), unless "
                   "`configure confirm` is typed" if mode == "timer" else
                   f"; {len(applied)} line(s) were applied and NOT saved; no revert timer was armed: restore with "
                   f"`configure replace {SNAPSHOT} force` on the console")
        raise DeviceError(session.name, reason, line, output, applied, lost=True, outcome=outcome) from None
    try:
        if mode == "timer":
            session.revert()
        elif mode == "snapshot":
            session.restore()
    except DeviceError as failed:
        raise DeviceError(session.name, reason, line, output, applied,
                          outcome=f"; {len(applied)} line(s) applied; ROLLBACK FAILED: {failed}") from None
    raise DeviceError(session.name, reason, line, output, applied,
                      outcome=f"; rolled back: the {len(applied)} line(s) applied before were undone "
                              f"({'configure revert now' if mode == 'timer' else 'configure replace'}), nothing saved")

