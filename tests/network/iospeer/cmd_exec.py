"""Privileged EXEC commands: show, write, copy, configure, archive, terminal, exit.

Output formats follow real devices: ``show vlan brief`` and ``show vtp status`` as in
networktocode/ntc-templates tests/cisco_ios/show_vlan/cisco_ios_show_vlan.raw and
tests/cisco_ios/show_vtp_status/cisco_ios_show_vtp_status.raw; ``show archive`` as in
tests/cisco_ios/show_archive/*.raw (" Archive feature not enabled"); ``write memory``
answers "Building configuration...\\n[OK]"; ``copy running-config startup-config`` asks
"Destination filename [startup-config]?" (NED oper prompts, code-corpus file 18293421730).
"""

from __future__ import annotations

from . import rollback
from .cmd_snmp import show_snmp_user
from .context import Ctx, refuse
from .grammar import Mode
from .names import short
from .render import config_lines, running_config

REPLACE_WARNING = ("This will apply all necessary additions and deletions\nto replace the current running configuration "
                   "with the\ncontents of the specified configuration file, which is\nassumed to be a complete "
                   "configuration, not a partial\nconfiguration. Enter Y if you are sure you want to proceed. ? [no]: ")


def save(device) -> str:
    device.startup = "\n".join(config_lines(device)) + "\n"
    archive = device.root.find(lambda n: n.text == "archive")
    if archive is not None and archive.find("write-memory") and rollback.archive_path(device):
        rollback.archive_config(device)
    return "Building configuration...\n[OK]"


def _show_running(ctx: Ctx, a: dict, no: bool) -> None:
    name = a.get("name")
    if name is None:
        ctx.say(running_config(ctx.device).rstrip("\n"))
        return
    node = ctx.device.interface(name)
    if node is None:
        raise refuse("%Invalid interface type and number")
    body = "\n".join(["interface " + name] + [" " + c.text for c in node.children] + ["end"]) + "\n"
    ctx.say(f"Building configuration...\n\nCurrent configuration : {len(body)} bytes\n!\n" + body.rstrip("\n"))


def _show_startup(ctx: Ctx, a: dict, no: bool) -> None:
    text = ctx.device.startup
    ctx.say(f"Using {len(text)} out of 524288 bytes\n{text.rstrip()}" if text else "startup-config is not present")


def _vlan_ports(device) -> dict[int, list[str]]:
    members: dict[int, list[str]] = {}
    for name, node in device.interfaces():
        if not name.startswith(("GigabitEthernet", "FastEthernet", "Port-channel")) or name == "FastEthernet0":
            continue
        mode = node.find("switchport mode")
        if (mode and mode.text.endswith("trunk")) or node.find("channel-group"):
            continue
        access = node.find("switchport access vlan")
        members.setdefault(int(access.text.split()[-1]) if access else 1, []).append(short(name))
    return members


def _show_vlan(ctx: Ctx, a: dict, no: bool) -> None:
    if ctx.device.platform.kind != "switch":
        raise refuse("% Invalid input detected at '^' marker.")
    ports = _vlan_ports(ctx.device)
    out = ["", "VLAN Name                             Status    Ports",
           "---- -------------------------------- --------- -------------------------------"]
    for vid, name in sorted(ctx.device.vlans.vlans.items()):
        status = "act/unsup" if 1002 <= vid <= 1005 else "active"
        chunks = [", ".join(ports.get(vid, [])[i:i + 4]) for i in range(0, len(ports.get(vid, [])), 4)] or [""]
        out.append(f"{vid:<4} {name:<32} {status:<9} {chunks[0]}")
        out += [" " * 48 + chunk for chunk in chunks[1:]]
    ctx.say(*out)


def _show_vtp(ctx: Ctx, a: dict, no: bool) -> None:
    db = ctx.device.vlans
    ctx.say("VTP Version capable             : 1 to 3", "VTP version running             : 1",
            f"VTP Domain Name                 : {db.domain}", "VTP Pruning Mode                : Disabled",
            "VTP Traps Generation            : Disabled", "Device ID                       : 00de.fb0c.a180",
            "Configuration last modified by 0.0.0.0 at 0-0-00 00:00:00",
            "", "Feature VLAN:", "--------------",
            f"VTP Operating Mode                : {db.mode.capitalize()}",
            "Maximum VLANs supported locally   : 255",
            f"Number of existing VLANs          : {len(db.vlans)}",
            f"Configuration Revision            : {db.revision}")


def _show_version(ctx: Ctx, a: dict, no: bool) -> None:
    p = ctx.device.platform
    ctx.say(p.image, "Technical Support: http://www.cisco.com/techsupport",
            f"{ctx.device.hostname} uptime is 1 week, 2 days, 3 hours, 4 minutes",
            f"cisco {p.model} processor with 524288K bytes of memory.", f"Model number                    : {p.model}")


def _show_archive(ctx: Ctx, a: dict, no: bool) -> None:
    path = rollback.archive_path(ctx.device)
    if path is None:
        ctx.say(" Archive feature not enabled")
        return
    files = rollback.archived(ctx.device)
    ctx.say("The maximum archive configurations allowed is 10.",
            f"There are currently {len(files)} archive configurations saved.",
            f"The next archive file will be named {path}-{len(files)}", " Archive #  Name")
    for index, name in enumerate(files, start=1):
        ctx.say(f"   {index:<8} {name}" + (" <- Most Recent" if index == len(files) else ""))


def _show_ip_brief(ctx: Ctx, a: dict, no: bool) -> None:
    device = ctx.device
    addresses = dict((name, str(addr.ip)) for name, addr in device.addresses())
    ctx.say("Interface              IP-Address      OK? Method Status                Protocol")
    for name, _node in device.interfaces():
        up = device.is_up(name)
        status = "up" if up else "administratively down"
        ctx.say(f"{name:<22} {addresses.get(name, 'unassigned'):<15} YES NVRAM  {status:<21} {'up' if up else 'down'}")


def _show_users(ctx: Ctx, a: dict, no: bool) -> None:
    ctx.say("    Line       User       Host(s)              Idle       Location")
    for session in list(ctx.device.sessions):
        peer = session.peer
        marker = "*" if session is ctx.session else " "
        ctx.say(f"{marker}  {peer.vty + 2:>2} vty {peer.vty:<3} {session.user:<10} idle                 00:00:00 "
                f"{peer.client or '127.0.0.1'}")


def _write(ctx: Ctx, a: dict, no: bool) -> None:
    ctx.say(save(ctx.device))


def _copy_run_start(ctx: Ctx, a: dict, no: bool) -> None:
    ctx.say("Destination filename [startup-config]? ")
    ctx.confirm = lambda reply: ctx.say(save(ctx.device))


def _copy_run_file(ctx: Ctx, a: dict, no: bool) -> None:
    ctx.device.files[a["url"]] = "\n".join(config_lines(ctx.device)) + "\n"
    ctx.say(f"Destination filename [{a['url'].split(':', 1)[-1]}]? ")
    ctx.confirm = lambda reply: ctx.say(f"{len(ctx.device.files[a['url']])} bytes copied in 0.100 secs")


def _configure_terminal(ctx: Ctx, a: dict, no: bool) -> None:
    ctx.say("Enter configuration commands, one per line.  End with CNTL/Z.")
    ctx.enter("config")


def _configure_revert_timer(idle: bool):
    def handler(ctx: Ctx, a: dict, no: bool) -> None:
        if rollback.archive_path(ctx.device) is None:
            raise refuse("%Turn config archive on before using Rollback Confirmed Change")
        rollback.arm(ctx.device, a["minutes"], ctx.user, idle)
        ctx.session.revert_idle = idle
        _configure_terminal(ctx, a, no)
    return handler


def _configure_confirm(ctx: Ctx, a: dict, no: bool) -> None:
    if not rollback.confirm(ctx.device):
        raise refuse("%No Rollback Confirmed Change pending")


def _configure_revert_now(ctx: Ctx, a: dict, no: bool) -> None:
    if ctx.device.revert is None:
        raise refuse("%No Rollback Confirmed Change pending")
    ctx.say(*rollback.fire(ctx.device))


def _configure_replace(force: bool):
    def handler(ctx: Ctx, a: dict, no: bool) -> None:
        text = ctx.device.files.get(a["url"])
        if text is None and a["url"] in ("nvram:startup-config", "startup-config"):
            text = ctx.device.startup
        if text is None:
            raise refuse(f"%Error opening {a['url']} (File not found)")
        if force:
            ctx.say(*rollback.replace(ctx.device, text))
            return
        ctx.say(REPLACE_WARNING)
        ctx.confirm = lambda reply: ctx.say(*rollback.replace(ctx.device, text)) \
            if reply.strip().lower() in ("y", "yes") else None
    return handler


def _archive_config(ctx: Ctx, a: dict, no: bool) -> None:
    if rollback.archive_path(ctx.device) is None:
        raise refuse("%Archive feature not enabled")
    rollback.archive_config(ctx.device)


def _exit(ctx: Ctx, a: dict, no: bool) -> None:
    ctx.session.closed = True


def register(modes: dict[str, Mode]) -> None:
    e = modes["exec"]
    e.add("show running-config", _show_running, no=False)
    e.add("show running-config interface <name:ifname>", _show_running, no=False)
    e.add("show startup-config", _show_startup, no=False)
    e.add("show vlan", _show_vlan, no=False)
    e.add("show vlan brief", _show_vlan, no=False)
    e.add("show vtp status", _show_vtp, no=False)
    e.add("show snmp user", lambda ctx, a, no: ctx.say(show_snmp_user(ctx.device).rstrip("\n")), no=False)
    e.add("show snmp user <name:word>", lambda ctx, a, no: ctx.say(show_snmp_user(ctx.device, a["name"]).rstrip("\n")),
          no=False)
    e.add("show version", _show_version, no=False)
    e.add("show archive", _show_archive, no=False)
    e.add("show archive config rollback timer", lambda ctx, a, no: ctx.say(rollback.show_timer(ctx.device)), no=False)
    e.add("show ip interface brief", _show_ip_brief, no=False)
    e.add("show users", _show_users, no=False)
    e.add("show privilege", lambda ctx, a, no: ctx.say("Current privilege level is 15"), no=False)
    e.add("write", _write, no=False)
    e.add("write memory", _write, no=False)
    e.add("copy running-config startup-config", _copy_run_start, no=False)
    e.add("copy running-config <url:word>", _copy_run_file, no=False)
    e.add("configure terminal", _configure_terminal, no=False)
    e.add("configure terminal revert timer <minutes:int:1-120>", _configure_revert_timer(False), no=False)
    e.add("configure terminal revert timer idle <minutes:int:1-120>", _configure_revert_timer(True), no=False)
    e.add("configure confirm", _configure_confirm, no=False)
    e.add("configure revert now", _configure_revert_now, no=False)
    e.add("configure replace <url:word>", _configure_replace(False), no=False)
    e.add("configure replace <url:word> force", _configure_replace(True), no=False)
    e.add("archive config", _archive_config, no=False)
    for word in ("length", "width"):
        e.add(f"terminal {word} <value:int:0-512>", lambda ctx, a, no: None, no=False)
    e.add("terminal monitor", lambda ctx, a, no: None, no=False)
    e.add("enable", lambda ctx, a, no: None, no=False)
    for word in ("exit", "logout", "quit"):
        e.add(word, _exit, no=False)
