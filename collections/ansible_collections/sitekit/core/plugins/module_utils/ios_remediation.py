"""What a push sends to an IOS device, computed with hier_config 3 and its Cisco IOS driver.

``plan(running, intended, policy, ...)`` returns a ``Plan``:
  - both texts are parsed by hier_config's IOS driver (``SitekitIOSDriver``: its own rules for
    negation, in-place replacement and ordering, plus the IOS 15.x forms listed below) and cut
    to the same scope (``Policy``): the top-level sections the model owns entirely
    (``include``; empty owns everything), every top-level line of the intended configuration,
    and never a line matching ``exclude`` (any depth). An intended line that ``exclude`` would
    drop is an error, never a silent omission;
  - the remediation is hier_config's, sent in hier_config's order (``all_children_sorted``:
    negations, then additions, then the ordering weights), sections closed with ``exit``;
  - IOS cannot delete a physical interface (``% Removal of physical interfaces is not
    permitted``): such negations are dropped, the port keeps what the model does not declare;
  - ``management``: running lines the push would remove or replace on the management path
    (policy.management sections, and the VLAN of every SVI); the push refuses them unless
    allowed;
  - ``deferred``: lines that would cut the session the push runs through (removing or
    readdressing the interface holding ``session_address``, its VLAN, that VLAN on a trunk):
    kept for a push through the new management address;
  - write-only lines IOS never prints (``snmp-server user``: keys localized to the engine ID)
    are compared by a fingerprint the push keeps on the device as a remark of the ACL
    ``SITEKIT-FINGERPRINTS`` (hier_config's IOS driver ignores ACL remarks): a changed key is
    sent once, an unchanged one never, a user the model no longer declares is removed.

Gaps filled in hier_config's IOS driver (each rule below says which IOS behaviour it follows):
in-place replacement of ``hostname``, ``username X``, ``ip default-gateway``… (IOS replaces
them; negating first would drop the user or the gateway for a moment), negation forms IOS
wants (``no permit …`` in a named ACL, ``no username X``, ``logging trap informational``
instead of ``no logging trap``, which disables syslog), and the order of management-path
removals (after the new path exists).
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from dataclasses import dataclass, field

from ansible_collections.sitekit.core.plugins.module_utils.ios_vlans import vlan_list

try:
    from hier_config import MatchRule, get_hconfig
    from hier_config.models import (
        IdempotentCommandsRule,
        NegationDefaultWithRule,
        NegationSubRule,
        OrderingRule,
    )
    from hier_config.platforms.cisco_ios.driver import HConfigDriverCiscoIOS
    HAS_HIER_CONFIG = True
except ImportError:  # pragma: no cover - reported by the module with missing_required_lib
    HAS_HIER_CONFIG = False
    HConfigDriverCiscoIOS = object

# Lines IOS shows by itself that an intended configuration never declares (used when the
# whole configuration is in scope, ``include`` empty).
DEFAULT_EXCLUDE = [
    r"^vlan 1$", r"^version ", r"^boot-(start|end)-marker", r"^boot ", r"^license ", r"^crypto pki ",
    r"^system mtu", r"^diagnostic ", r"^vlan internal ", r"^no aaa new-model", r"^memory ",
    r"^redundancy", r"^ntp clock-period", r"^Building configuration", r"^Current configuration", r"^end$",
    r"^!", r"^\s*$", r"^control-plane", r"^multilink bundle-name", r"^Using \d+ out of \d+ bytes",
]
# Write-only lines: never in the running configuration; fingerprinted on the device instead.
WRITE_ONLY = re.compile(r"^snmp-server user (\S+) (\S+) v3\b")
FINGERPRINT_ACL = "SITEKIT-FINGERPRINTS"
_REMARK = re.compile(r"^ remark snmp-user (\S+) ([0-9a-f]{16})$", re.M)
# Interfaces IOS can create and delete; every other interface is a port of the chassis.
LOGICAL_INTERFACE = re.compile(r"^(Vlan(?!1$)|Port-channel|Loopback|Tunnel|BVI|Dialer|Virtual-Template|NVI)\d|\.\d+$")

# (lineage of regular expressions) — IOS replaces the value in place: no `no` of the old one first.
IDEMPOTENT = [
    (r"^hostname ",), (r"^ip domain[ -]name ",), (r"^ip default-gateway ",), (r"^ip ssh (version) ",),
    (r"^ip ssh (time-out) ",), (r"^ip ssh (authentication-retries) ",), (r"^spanning-tree (mode) ",),
    (r"^spanning-tree vlan \S+ (priority) ",), (r"^logging (trap)\b",), (r"^snmp-server (engineID local) ",),
    (r"^ip ftp (username) ",), (r"^ip ftp (password) ",), (r"^enable (secret) ",), (r"^username (\S+) ",),
    (r"^clock (timezone) ",), (r"^clock (summer-time) ",), (r"^banner (login) ",), (r"^vtp (mode) ",),
    (r"^port-channel (load-balance) ",), (r"^service timestamps (debug|log) ",), (r"^snmp-server group (\S+) v3 ",),
    (r"^track (\d+) ",), (r"^errdisable recovery (interval) ",),
    (r"^vlan ", r"^name "),
    (r"^interface ", r"^description "), (r"^interface ", r"^ip address \S+ \S+$"),
    (r"^interface ", r"^switchport access vlan "), (r"^interface ", r"^switchport trunk allowed vlan "),
    (r"^interface ", r"^switchport trunk native vlan "), (r"^interface ", r"^channel-group "),
    (r"^interface ", r"^encapsulation dot1Q "), (r"^interface ", r"^glbp (\d+) (ip) "),
    (r"^interface ", r"^glbp (\d+) (priority) "), (r"^interface ", r"^glbp (\d+) (load-balancing) "),
    (r"^interface ", r"^glbp (\d+) (weighting) \d"), (r"^interface ", r"^glbp (\d+) weighting track (\d+) "),
    (r"^interface ", r"^storm-control (broadcast|multicast|unicast) level "), (r"^interface ", r"^storm-control (action) "),
    (r"^interface ", r"^spanning-tree (portfast)\b"),
    (r"^line ", r"^exec-timeout "), (r"^line ", r"^access-class \S+ (in|out)"), (r"^line ", r"^transport (input) "),
    (r"^line ", r"^transport (output) "), (r"^line ", r"^(login)\b"),
    (r"^archive$", r"^(path) "), (r"^archive$", r"^(time-period) "),
]
# Negations IOS words differently from `no <line>`.
NEGATE_WITH = [
    ((r"^logging trap ",), "logging trap informational"),  # `no logging trap` disables syslog (IOS prints it)
    ((r"^line ", r"^exec-timeout "), "exec-timeout 10 0"),  # `no exec-timeout` means never time out
]
NEGATION_SUB = [
    ((r"^ip(v4)? access-list ", r"^\d+ "), r"^no \d+ ", "no "),  # remove the entry by its text, whatever its number
    ((r"^username ",), r"^(no username \S+) .*$", r"\1"),
    ((r"^ip ftp password ",), r"^(no ip ftp password) .*$", r"\1"),
    ((r"^enable secret ",), r"^(no enable secret) .*$", r"\1"),
    ((r"^banner \S+ ",), r"^(no banner \S+) .*$", r"\1"),
    ((r"^clock (timezone|summer-time) ",), r"^(no clock \S+) .*$", r"\1"),
    ((r"^spanning-tree vlan \S+ priority ",), r"^(no spanning-tree vlan \S+ priority) \d+$", r"\1"),
    ((r"^snmp-server group ",), r"^(no snmp-server group \S+ v3 \S+) .*$", r"\1"),
    ((r"^track \d+ ",), r"^(no track \d+) .*$", r"\1"),
    ((r"^interface ", r"^switchport trunk allowed vlan "), r"^(no switchport trunk allowed vlan) .*$", r"\1"),
    ((r"^interface ", r"^glbp \d+ weighting track "), r"^(no glbp \d+ weighting track \d+) .*$", r"\1"),
]
# Order weights (lower first; hier_config's IOS driver already sinks `no shutdown` and lifts
# `switchport mode`). The management path's old pieces go last, after the new ones exist.
ORDERING = [
    ((r"^archive$",), -200),  # the archive path first: the revert timer needs it
    ((r"^vtp mode ",), -100),
    ((r"^interface ", r"^no channel-group "), -20),
    ((r"^interface ", r"^channel-group "), 100),
    ((r"^no username ",), 250),
    ((r"^no (vlan|interface|ip default-gateway|ip access-list) ",), 300),
]


def _lineage(patterns) -> tuple:
    return tuple(MatchRule(re_search=p) for p in patterns)


class SitekitIOSDriver(HConfigDriverCiscoIOS):
    """hier_config's Cisco IOS driver with the IOS 15.x rules above."""

    @staticmethod
    def _instantiate_rules():
        rules = HConfigDriverCiscoIOS._instantiate_rules()
        return rules.model_copy(update={
            "idempotent_commands": rules.idempotent_commands + [
                IdempotentCommandsRule(match_rules=_lineage(x)) for x in IDEMPOTENT],
            "negate_with": rules.negate_with + [
                NegationDefaultWithRule(match_rules=_lineage(x), use=use) for x, use in NEGATE_WITH],
            "negation_sub": rules.negation_sub + [
                NegationSubRule(match_rules=_lineage(x), search=s, replace=r) for x, s, r in NEGATION_SUB],
            "ordering": rules.ordering + [OrderingRule(match_rules=_lineage(x), weight=w) for x, w in ORDERING]})


@dataclass
class Policy:
    """What a push owns on one device (the site model's network view says it per device)."""

    include: list = field(default_factory=list)      # top-level families owned entirely (regex, searched)
    exclude: list = field(default_factory=list)      # lines left alone at any depth (regex, indented text)
    management: list = field(default_factory=list)  # top-level sections on the management path

    @classmethod
    def of(cls, value) -> Policy:
        if isinstance(value, Policy):
            return value
        value = value or {}
        return cls(list(value.get("include") or []), list(value.get("exclude") or []), list(value.get("management") or []))


@dataclass
class Plan:
    commands: list        # lines to send, in order, sections closed with `exit`
    before: str           # running configuration in scope (diff)
    after: str            # intended configuration in scope (diff)
    management: list      # running lines removed or replaced on the management path
    deferred: list        # lines kept back: they would cut this session
    write_only: list      # write-only lines among the commands (masked in reports)


def fingerprint(line: str) -> str:
    """Fingerprint of a write-only line kept on the device (reveals nothing of the key)."""
    return hashlib.sha256(line.strip().encode()).hexdigest()[:16]


# ---- parsing and scope -------------------------------------------------------------------
def _driver():
    if not HAS_HIER_CONFIG:
        raise RuntimeError("hier_config is required to compute a remediation")
    return SitekitIOSDriver()


def _indented(node) -> str:
    return " " * (node.depth() - 1) + node.text


def _matches(node, patterns) -> bool:
    text = _indented(node)
    return any(rx.search(text) or rx.search(node.text) for rx in patterns)


def _parse(text: str, driver):
    config = get_hconfig(driver, text.replace("\r", ""))
    for node in tuple(config.all_children()):
        if node.depth() == 1 and WRITE_ONLY.match(node.text):
            node.delete()
    return config


def _scope(config, include, exclude, keep: set) -> None:
    for node in tuple(config.children):
        if include and node.text not in keep and not any(rx.search(node.text) for rx in include):
            node.delete()
    for node in tuple(config.all_children()):
        if _matches(node, exclude):
            node.delete()


def _text(config) -> str:
    out = []

    def walk(node, depth):
        for child in node.children:
            out.append(" " * depth + child.text)
            walk(child, depth + 1)
    walk(config, 0)
    return "\n".join(out) + ("\n" if out else "")


def scope(text: str, include=None, exclude=None) -> str:
    """The part of a configuration a push with this scope manages (as hier_config reads it)."""
    driver = _driver()
    config = _parse(text, driver)
    _scope(config, [re.compile(x) for x in include or []], [re.compile(x) for x in DEFAULT_EXCLUDE + list(exclude or [])], set())
    return _text(config)


# ---- the remediation -----------------------------------------------------------------------
def _drop_impossible(delta) -> None:
    """IOS cannot delete a chassis port: `no interface GigabitEthernet…` is never sent."""
    for node in tuple(delta.children):
        m = re.match(r"^no interface (\S+)$", node.text)
        if m and not LOGICAL_INTERFACE.search(m.group(1)):
            node.delete()


def _vlan_ids(spec: str) -> set:
    out = set()
    for part in spec.split(","):
        if "-" in part:
            lo, hi = part.split("-")
            out |= set(range(int(lo), int(hi) + 1))
        elif part.isdigit():
            out.add(int(part))
    return out


def _stp_priorities(running, intended, delta) -> None:
    """A priority line replaced in place leaves the VLANs it no longer lists: reset those."""
    rx = re.compile(r"^spanning-tree vlan (\S+) priority \d+$")
    had = set().union(*[_vlan_ids(m.group(1)) for n in running.children if (m := rx.match(n.text))] or [set()])
    want = set().union(*[_vlan_ids(m.group(1)) for n in intended.children if (m := rx.match(n.text))] or [set()])
    if had - want and any(rx.match(n.text) for n in intended.children):
        delta.add_child(f"no spanning-tree vlan {vlan_list(had - want)} priority").order_weight = 10


def _paths(node, prefix=()) -> set:
    out = set()
    for child in node.children:
        text = re.sub(r"^\d+ ", "", child.text) if prefix and re.match(r"^ip(v4)? access-list ", prefix[0]) else child.text
        out.add((*prefix, text))
        out |= _paths(child, (*prefix, text))
    return out


def _svi_vlans(*configs) -> set:
    return {f"vlan {m.group(1)}" for c in configs for n in c.children if (m := re.match(r"^interface Vlan(\d+)$", n.text))}


# Lines inside a management section whose change reaches nobody's session.
_HARMLESS_CHILD = re.compile(r"^(description|glbp|ip helper-address|logging synchronous|exec-timeout|transport output|"
                             r"spanning-tree|storm-control) ")


def _management(running, intended, patterns) -> list:
    """Running lines on the management path that the intended configuration loses."""
    vlans = _svi_vlans(running, intended)
    lost = []
    for node in running.children:
        if node.text not in vlans and not any(rx.search(node.text) for rx in patterns):
            continue
        mine = _paths(_Holder(node))
        other = intended.children.get(node.text)
        theirs = _paths(_Holder(other)) if other is not None else set()
        lost += [" / ".join(p) for p in sorted(mine - theirs, key=lambda p: (len(p), p))
                 if len(p) == 1 or not _HARMLESS_CHILD.match(p[-1])]
    return lost


class _Holder:
    """A one-child parent, so that _paths sees a top-level node with its own text."""

    def __init__(self, node):
        self.children = [node]


def _session_interface(running, address: str | None):
    if not address:
        return None
    try:
        ip = ipaddress.IPv4Address(address)
    except ValueError:
        return None
    for node in running.children:
        if node.text.startswith("interface "):
            for child in node.children:
                words = child.text.split()
                if words[:2] == ["ip", "address"] and len(words) >= 4 and words[2] == str(ip):
                    return node.text.split(None, 1)[1]
    return None


def _defer(running, delta, session_if: str | None) -> list:
    """Take out of ``delta`` what would cut the session reaching ``session_if``; those lines."""
    if not session_if:
        return []
    deferred = []
    vid = int(session_if[4:]) if re.fullmatch(r"Vlan\d+", session_if) else None
    parent = session_if.split(".")[0] if "." in session_if else None
    for node in tuple(delta.children):
        if node.text in (f"no interface {session_if}", f"no vlan {vid}"):
            deferred.append(node.text)
            node.delete()
            continue
        name = node.text[len("interface "):] if node.text.startswith("interface ") else None
        if name is None:
            continue
        cut = []
        for child in tuple(node.children):
            if name == session_if and re.match(r"^(no )?(ip address|encapsulation)|^shutdown$", child.text) or name == parent and child.text == "shutdown":
                cut.append(child)
            elif vid is not None and (m := re.match(r"^switchport trunk allowed vlan (\S+)$", child.text)):
                old = running.children.get(node.text)
                had = next((c.text.split()[-1] for c in old.children if c.text.startswith("switchport trunk allowed vlan ")),
                           "1-4094") if old is not None else "1-4094"
                before, after = _vlan_ids(had), _vlan_ids(m.group(1))
                if vid in before and vid not in after:
                    cut.append(child)
                    if after - before:
                        node.add_child(f"switchport trunk allowed vlan add {vlan_list(after - before)}")
        for child in cut:
            deferred += [node.text, " " + child.text, " exit"]
            child.delete()
        if not node.children:
            node.delete()
    return deferred


def send_form(text: str) -> str:
    """``banner login ^C…^C`` as typed: IOS takes the first character as the delimiter."""
    m = re.match(r"^(banner \S+) \^C(.*)\^C$", text)
    if not m:
        return text
    delimiter = next(c for c in "#~@$&*" if c not in m.group(2))
    return f"{m.group(1)} {delimiter}{m.group(2)}{delimiter}"


def _emit(node, depth: int, out: list) -> None:
    for child in sorted(node.children):
        out.append(" " * depth + send_form(child.text))
        if child.children:
            _emit(child, depth + 1, out)
            out.append(" " * (depth + 1) + (child.sectional_exit or "exit"))


def _vlan_text(vlans: dict) -> str:
    return "".join(f"vlan {vid}\n" + (f" name {name}\n" if name != f"VLAN{vid:04d}" else "")
                   for vid, name in sorted(vlans.items()) if vid != 1 and not 1002 <= vid <= 1005)


# ---- write-only lines -------------------------------------------------------------------
def write_only_lines(intended: str) -> list:
    return [line.strip() for line in intended.splitlines() if WRITE_ONLY.match(line.strip())]


def fingerprints(running: str) -> dict:
    """{user: fingerprint} kept in the ACL SITEKIT-FINGERPRINTS of a running configuration."""
    block = re.search(rf"^ip access-list standard {FINGERPRINT_ACL}\n((?: .*\n?)*)", running.replace("\r", ""), re.M)
    return {m.group(1): m.group(2) for m in _REMARK.finditer(block.group(1))} if block else {}


def _write_only(running: str, intended: str, users: dict | None, owned: bool) -> list:
    """Commands for the SNMPv3 users: (re)send the changed ones, remove the undeclared ones."""
    if users is None:
        return []
    kept = fingerprints(running)
    wanted = {WRITE_ONLY.match(line).group(1): line for line in write_only_lines(intended)}
    lines, remarks = [], []
    for name, line in wanted.items():
        fp = fingerprint(line)
        if name not in users or kept.get(name) != fp:
            lines.append(line)
            remarks += ([f" no remark snmp-user {name} {kept[name]}"] if name in kept else []) + \
                [f" remark snmp-user {name} {fp}"]
    for name, group in sorted(users.items()):
        if owned and name not in wanted:
            lines.append(f"no snmp-server user {name} {group} v3")
            remarks += [f" no remark snmp-user {name} {kept[name]}"] if name in kept else []
    if remarks:
        lines += [f"ip access-list standard {FINGERPRINT_ACL}", *remarks, " exit"]
    return lines


# ---- the plan ---------------------------------------------------------------------------
def plan(running: str, intended: str, policy=None, *, session_address: str | None = None,
         vlans: dict | None = None, snmp_users: dict | None = None) -> Plan:
    """What to send to take ``running`` to ``intended`` (module docstring).

    ``vlans``: the VLAN database (``show vlan brief``) of a switch in VTP server/client mode,
    where VLANs are not in the running configuration; ``snmp_users``: {name: group} from
    ``show snmp user`` (None: SNMPv3 users are not compared)."""
    policy = Policy.of(policy)
    driver = _driver()
    include = [re.compile(x) for x in policy.include]
    exclude = [re.compile(x) for x in DEFAULT_EXCLUDE + policy.exclude]
    user_exclude = [re.compile(x) for x in policy.exclude]
    if vlans:
        running = running.rstrip() + "\n" + _vlan_text(vlans)
    run, want = _parse(running, driver), _parse(intended, driver)
    dropped = [_indented(n) for n in want.all_children() if _matches(n, user_exclude)]
    if dropped:
        raise ValueError(f"the intended configuration has lines the push would leave out (exclude): {dropped[:10]}")
    keep = {n.text for n in want.children}
    _scope(run, include, exclude, keep)
    _scope(want, include, exclude, keep)
    delta = run.config_to_get_to(want)
    _drop_impossible(delta)
    _stp_priorities(run, want, delta)
    delta.set_order_weight()
    management = _management(run, want, [re.compile(x) for x in policy.management])
    deferred = _defer(run, delta, _session_interface(run, session_address))
    commands: list = []
    _emit(delta, 0, commands)
    owned = any(rx.search("snmp-server user x g v3") for rx in include) or not include
    write_only = _write_only(running, intended, snmp_users, owned)
    return Plan(commands + write_only, _text(run), _text(want), management, deferred,
                [x for x in write_only if WRITE_ONLY.match(x)])


def remediate(running: str, intended: str, include=None, exclude=None) -> tuple[list, str, str]:
    """(commands, running in scope, intended in scope): ``plan`` without the device's extra state."""
    result = plan(running, intended, Policy(list(include or []), list(exclude or [])))
    return result.commands, result.before, result.after
