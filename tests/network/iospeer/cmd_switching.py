"""Catalyst global switching commands: VTP, VLANs (vlan.dat), spanning tree, stack provisioning.

Rules and sources:
* VLAN sub-mode changes are committed when the sub-mode is left; VTP server/client mode
  refuses extended VLANs then (vlans.py). ``no vlan 1`` -> "%Default VLAN 1 may not be
  deleted.". A name longer than 32 characters under VTPv1/2 is refused with the text
  cisco.ios lists as an error (plugins/terminal/ios.py terminal_stderr_re).
* ``vtp mode transparent`` answers "Setting device to VTP TRANSPARENT mode." (transcript in
  code-corpus file 10325364645); ``vtp domain`` "Changing VTP domain name from ..." (NSO
  cisco-ios NED warning list, code-corpus file 18293421730).
* ``spanning-tree portfast [bpduguard|bpdufilter] default`` is printed with ``edge`` on
  15.2(2)E and later (Consolidated Platform Configuration Guide 15.2(4)E, Catalyst 2960-X,
  "PortFast edge"; ansible-collections/cisco.ios rm_templates/spanning_tree
  ``spanning-tree portfast edge bpduguard default``).
* ``spanning-tree vlan L priority P``: P must be a multiple of 4096, refused with "% Bridge
  Priority must be in increments of 4096." and the allowed values (transcripts in
  code-corpus files 47787778792, 14973560981); VLANs with the same priority are printed
  on one line as a compressed list.
* ``switch N provision MODEL`` is a FlexStack command (2960-S/2960-X/2960-XR; Cisco white paper C11-728327
  "preprovisioning, not available in standalone switches"): a plain 2960 (platform.plain2960) refuses it as invalid
  input, and its running-config has no such line (a WS-C2960-24TT-L's default running-config, code-corpus file
  476376055: no ``switch`` line, FastEthernet0/1-24 and GigabitEthernet0/1-2).

Unsourced: ``no vlan N`` for a VLAN that does not exist is taken silently (internap/fake-switches does the same,
cisco/command_processor/config.py ``do_no_vlan``, but no device transcript was found).
"""

from __future__ import annotations

import re

from .context import Ctx, refuse
from .grammar import INVALID, CliError, Mode
from .platform import MEMBER_PORTS, PLAIN_2960_PORTS

_ALLOWED_PRIORITIES = ("% Bridge Priority must be in increments of 4096.\n% Allowed values are:\n"
                       "  0     4096  8192  12288 16384 20480 24576 28672\n"
                       "  32768 36864 40960 45056 49152 53248 57344 61440")


def _vlan_enter(ctx: Ctx, a: dict, no: bool) -> None:
    if no:
        message = ctx.device.vlans.delete(a["ids"])
        if message:
            raise refuse(message)
        return
    ctx.enter("vlan", {vid: None for vid in a["ids"]})


def commit_vlans(ctx: Ctx, pending: dict) -> None:
    """Run when the VLAN sub-mode is left (exit, end, or a global command)."""
    ctx.say(*ctx.device.vlans.commit(pending))


def _vlan_name(ctx: Ctx, a: dict, no: bool) -> None:
    name = a.get("name")
    if 1 in ctx.target and not no:  # the default VLAN keeps its name (device output, code-corpus 15162907321)
        raise refuse("%Default VLAN 1 may not have its name changed.")
    if name and len(name) > 32 and ctx.device.vlans.mode != "off":
        raise refuse("%You must disable VTPv1 and VTPv2 or switch to VTPv3 before configuring a VLAN name "
                     "longer than 32 characters")
    for vid in ctx.target:
        ctx.target[vid] = None if no else name
        if no:
            ctx.device.vlans.vlans.pop(vid, None)


def _vtp_mode(ctx: Ctx, a: dict, no: bool) -> None:
    mode = "server" if no else a["mode"]
    words = [m for m in ("server", "client", "transparent", "off") if m.startswith(mode)]
    if len(words) != 1:
        raise CliError(INVALID)
    db = ctx.device.vlans
    if db.mode == words[0]:
        ctx.say(f"Device mode already VTP {words[0].upper()}.")
        return
    db.mode = words[0]
    ctx.say(f"Setting device to VTP {words[0].upper()} mode.")


def _vtp_domain(ctx: Ctx, a: dict, no: bool) -> None:
    db = ctx.device.vlans
    new = "" if no else a["name"]
    ctx.say(f"Changing VTP domain name from {db.domain or 'NULL'} to {new or 'NULL'}")
    db.domain = new


def _stp_mode(ctx: Ctx, a: dict, no: bool) -> None:
    mode = "pvst" if no else a["mode"]
    if mode not in ("pvst", "rapid-pvst", "mst"):
        raise CliError(INVALID)
    ctx.device.root.set(f"spanning-tree mode {mode}", replace="spanning-tree mode")


def _portfast_default(feature: str):
    def handler(ctx: Ctx, a: dict, no: bool) -> None:
        edge = "edge " if ctx.device.platform.portfast_edge else ""
        text = f"spanning-tree portfast {edge}{feature}default"
        ctx.device.root.remove(re.compile(rf"^spanning-tree portfast (edge )?{feature}default$"))
        if not no:
            ctx.device.root.child(text)
    return handler


def _edge_keyword(handler):
    """The ``edge`` forms exist from 15.2(2)E (platform.py): on a plain 2960 (15.0(2)SE) the parser refuses the word."""
    handler.gate = lambda ctx: ctx.device.platform.portfast_edge
    return handler


def _stp_priority(ctx: Ctx, a: dict, no: bool) -> None:
    value = a.get("value")
    if a.get("root"):
        value = 24576 if a["root"] == "primary" else 28672
    if not no and value % 4096:
        raise refuse(_ALLOWED_PRIORITIES)
    for vid in a["vlans"]:
        if no:
            ctx.device.stp_priority.pop(vid, None)
        else:
            ctx.device.stp_priority[vid] = value


def _stp_root(ctx: Ctx, a: dict, no: bool) -> None:
    if a["root"] not in ("primary", "secondary"):
        raise CliError(INVALID)
    _stp_priority(ctx, a, no)


def _provision(ctx: Ctx, a: dict, no: bool) -> None:
    model = a.get("model", "").lower()
    if ctx.device.platform.model.lower() in PLAIN_2960_PORTS:  # one switch: no stack provisioning
        raise CliError(INVALID, 0)
    if not no and model not in MEMBER_PORTS:
        raise CliError(INVALID)
    ctx.device.root.remove(f"switch {a['member']} provision")
    if not no:
        ctx.device.root.child(f"switch {a['member']} provision {model}")


def _extend(ctx: Ctx, a: dict, no: bool) -> None:
    ctx.device.root.remove("spanning-tree extend system-id")
    if not no:
        ctx.device.root.child("spanning-tree extend system-id")


def register(modes: dict[str, Mode]) -> None:
    g, v = modes["config"], modes["vlan"]
    g.add("vlan <ids:vlanlist>", _vlan_enter)
    g.add("vlan internal allocation policy ascending", lambda ctx, a, no: None, no=False)
    v.add("name | <name:word>", _vlan_name)
    g.add("vtp mode | <mode:choice:server|client|transparent|off>", _vtp_mode)
    g.add("vtp domain | <name:word>", _vtp_domain)
    g.add("vtp version <version:int:1-3>", lambda ctx, a, no: None)
    g.add("spanning-tree mode | <mode:choice:pvst|rapid-pvst|mst>", _stp_mode)
    for feature in ("", "bpduguard ", "bpdufilter "):
        g.add(f"spanning-tree portfast {feature}default", _portfast_default(feature))
        g.add(f"spanning-tree portfast edge {feature}default", _edge_keyword(_portfast_default(feature)))
    g.add("spanning-tree extend system-id", _extend)
    g.add("spanning-tree vlan <vlans:vlanlist> priority | <value:int:0-61440>", _stp_priority)
    g.add("spanning-tree vlan <vlans:vlanlist> root <root:choice:primary|secondary>", _stp_root)
    g.add("spanning-tree loopguard default", lambda ctx, a, no: (ctx.device.root.remove("spanning-tree loopguard"),
                                                                None if no else ctx.device.root.child(
                                                                    "spanning-tree loopguard default")))
    g.add("switch <member:int:1-8> provision | <model:word>", _provision)
