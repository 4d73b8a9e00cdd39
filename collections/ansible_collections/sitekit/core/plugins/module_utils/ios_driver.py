"""hier_config 3's Cisco IOS driver with the IOS 15.x rules it lacks (used by ios_remediation).

Gaps filled (each rule below says which IOS behaviour it follows): in-place replacement of
``hostname``, ``username X``, ``ip default-gateway``… (IOS replaces them; negating first would
drop the user or the gateway for a moment), negation forms IOS wants (``no permit …`` in a named
ACL, ``no username X``, ``logging trap informational`` instead of ``no logging trap``, which
disables syslog), and the order of management-path removals (after the new path exists).
"""

from __future__ import annotations

try:
    from hier_config import MatchRule
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
    # One level line per traffic kind; `action shutdown` and `action trap` are two lines, not one value ("The trap and
    # shutdown options are independent of each other", Catalyst 2960 Command Reference, storm-control).
    (r"^interface ", r"^storm-control (broadcast|multicast|unicast) level "),
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
    # A port the model shuts goes down before it changes; its VLANs come before its new mode (hier_config lifts
    # `switchport mode` to -10): a trunk carries every VLAN until its allowed list is typed (Catalyst 2960 Software
    # Configuration Guide 78-16881-01, ch. 12), an access port sits in VLAN 1 until its access VLAN is.
    ((r"^interface ", r"^shutdown$"), -30),
    ((r"^interface ", r"^switchport (access vlan|trunk allowed vlan|trunk native vlan) "), -20),
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


def driver() -> SitekitIOSDriver:
    if not HAS_HIER_CONFIG:
        raise RuntimeError("hier_config is required to compute a remediation")
    return SitekitIOSDriver()
