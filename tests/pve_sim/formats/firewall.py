"""Formats registered by pve-firewall (src/PVE/Firewall.pm).

Service and protocol names come from the node's /etc/services and /etc/protocols upstream
(get_etc_services, get_etc_protocols); this machine's files are read when present, else the
common names below stand in for them.
"""

from __future__ import annotations

import ipaddress
import re
import socket

from .base import IPV4RE, IPV6RE, FormatError, register

FW = "pve-firewall src/PVE/Firewall.pm"
ALIAS_RE = r"[A-Za-z][A-Za-z0-9\-_]+"  # $ip_alias_pattern
HELPERS = {"amanda", "ftp", "irc", "netbios-ns", "pptp", "sane", "sip", "snmp", "tftp"}  # $pve_fw_helpers
ICMP_TYPES = set(["echo-reply", "destination-unreachable", "network-unreachable", "host-unreachable", "protocol-unreachable", "port-unreachable", "fragmentation-needed", "source-route-failed", "network-unknown", "host-unknown", "network-prohibited", "host-prohibited", "communication-prohibited", "host-precedence-violation", "precedence-cutoff", "source-quench", "redirect", "network-redirect", "host-redirect", "echo-request", "router-advertisement", "router-solicitation", "time-exceeded", "ttl-zero-during-transit", "ttl-zero-during-reassembly", "parameter-problem", "ip-header-bad", "required-option-missing", "timestamp-request", "timestamp-reply", "address-mask-request", "address-mask-reply", "no-route", "beyond-scope", "address-unreachable", "failed-policy", "reject-route", "packet-too-big", "bad-header", "unknown-header-type", "unknown-option", "neighbor-solicitation", "neighbour-solicitation", "neighbor-advertisement", "neighbour-advertisement"])  # $icmp(v6)_type_names
_SERVICES = {"ssh", "http", "https", "ftp", "ftp-data", "domain", "smtp", "ntp", "snmp", "tftp", "telnet", "ldap", "ldaps",
             "microsoft-ds", "netbios-ns", "netbios-dgm", "netbios-ssn", "ms-sql-s", "ms-sql-m", "rdp", "imap", "pop3"}
_PROTOCOLS = {"tcp", "udp", "icmp", "ipv6-icmp", "icmpv6", "igmp", "gre", "esp", "ah", "sctp", "udplite", "dccp", "ospf",
              "vrrp", "ipv6", "ipip", "pim", "l2tp"}


def _service_known(name: str) -> bool:
    try:
        socket.getservbyname(name)
        return True
    except OSError:
        return name in _SERVICES


def _protocol_known(proto: str) -> bool:
    if proto.isdigit():
        return 0 <= int(proto) <= 255
    try:
        socket.getprotobyname(proto)
        return True
    except OSError:
        return proto in _PROTOCOLS


def _net_ip(text: str) -> bool:
    """Net::IP->new: an address, a prefix with zero host bits, or a range a-b."""
    try:
        if "-" in text:
            a, b = (ipaddress.ip_address(p.strip()) for p in text.split("-", 1))
            return a.version == b.version and a <= b
        ipaddress.ip_network(text, strict=True)
        return True
    except ValueError:
        return False


@register("IPorCIDR", f"{FW} pve_verify_ip_or_cidr")
def ip_or_cidr(value):
    if not re.fullmatch(rf"(?:{IPV6RE}|{IPV4RE})(?:/\d+)?", value):
        raise FormatError("value does not look like a valid IP address or CIDR network\n")
    try:  # clean_cidr drops the host bits before Net::IP checks the prefix
        ipaddress.ip_network(value, strict=False)
    except ValueError as exc:
        raise FormatError(f"{exc}\n") from None
    return value


@register("IPorCIDRorAlias", f"{FW} pve_verify_ip_or_cidr_or_alias")
def ip_or_cidr_or_alias(value):
    if re.fullmatch(rf"(dc/|guest/)?(?:{ALIAS_RE})", value):
        return value
    return ip_or_cidr(value)


@register("pve-fw-conntrack-helper", f"{FW} pve_fw_verify_conntrack_helper")
def conntrack_helper(value):
    helpers = value.split(",")
    if value != ",".join(h for h in helpers if h) or "" in helpers:
        raise FormatError("extraneous commas in list\n")
    for helper in helpers:
        if helper not in HELPERS:
            raise FormatError(f"unknown helper {helper}\n")
    return value


def _ports(value: str, dport: bool):
    """Firewall.pm parse_port_name_number_or_range."""
    items = value.split(",")
    if "" in items:
        raise FormatError("extraneous commas in list\n")
    count, icmp = 0, False
    for item in items:
        if m := re.fullmatch(r"([0-9]+):([0-9]+)", item):
            count += 2
            a, b = int(m.group(1)), int(m.group(2))
            for port in (a, b):
                if port > 65535:
                    raise FormatError(f"invalid port '{port}'\n")
            if a > b:
                raise FormatError(f"backwards range '{a}:{b}' not allowed, did you mean '{b}:{a}'?\n")
        elif re.fullmatch(r"[0-9]+", item):
            count += 1
            if int(item) > 65535:
                raise FormatError(f"invalid port '{item}'\n")
        elif dport and item in ICMP_TYPES:
            icmp = True
        elif not _service_known(item):
            raise FormatError(f"invalid port '{item}'\n")
    if icmp and count > 0:
        raise FormatError("ICMP ports not allowed in port range\n")
    if count > 15:
        raise FormatError("too many entries in port list (> 15 numbers)\n")
    return value


register("pve-fw-sport-spec", f"{FW} pve_fw_verify_sport_spec")(lambda v: _ports(v, False))
register("pve-fw-dport-spec", f"{FW} pve_fw_verify_dport_spec")(lambda v: _ports(v, True))


@register("pve-fw-addr-spec", f"{FW} pve_fw_verify_addr_spec / parse_address_list")
def addr_spec(value):
    if re.fullmatch(r"\+\S+", value):
        if len(value) > 65:
            raise FormatError("ipset name too long\n")
        return value
    if re.fullmatch(rf"(dc/|guest/)?{ALIAS_RE}", value):
        if len(value) > 64:
            raise FormatError("alias name too long\n")
        return value
    elements = value.split(",")
    if "" in elements:
        raise FormatError("extraneous commas in list\n")
    versions = set()
    for elem in elements:
        if not _net_ip(elem):
            raise FormatError(f"invalid IP address: {elem}\n")
        versions.add(6 if ":" in elem else 4)
    if len(versions) > 1:
        raise FormatError(f"detected mixed ipv4/ipv6 addresses in address list '{value}'\n")
    if len(elements) > 1 and any("-" in e for e in elements):
        raise FormatError("you can't use a range in a list\n")
    return value


@register("pve-fw-protocol-spec", f"{FW} pve_fw_verify_protocol_spec")
def protocol_spec(value):
    if value and not _protocol_known(value):
        raise FormatError(f"unknown protocol '{value}'\n")
    return value


@register("pve-fw-icmp-type-spec", f"{FW} pve_fw_verify_icmp_type_spec")
def icmp_type_spec(value):
    if value and value not in ICMP_TYPES:
        raise FormatError(f"invalid icmp-type value '{value}'\n")
    return value
