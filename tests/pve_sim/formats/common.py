"""Formats registered by pve-common (src/PVE/JSONSchema.pm, CalendarEvent.pm, Certificate.pm).

pve-common 8.3.1 (85d46b4, PVE 8.4) and 9.1.1 (af48684, PVE 9.1) define them alike.
"""

from __future__ import annotations

import re

from .. import calendar_event as calendar
from .base import IPRE, IPV4RE, IPV6RE, FormatError, is_dns_name, is_ip, regex_format, register

JS = "pve-common src/PVE/JSONSchema.pm"
CONFIGID_RE = r"(?i:[a-z][a-z0-9_-]+)"  # JSONSchema.pm $CONFIGID_RE

register("string", f"{JS} register_format('string')")(lambda v: None)
regex_format("urlencoded", r"[-%a-zA-Z0-9_.!~*'()]*", "invalid urlencoded string: {v}", f"{JS} pve_verify_urlencoded")
regex_format("pve-configid", CONFIGID_RE, "invalid configuration ID '{v}'", f"{JS} pve_verify_configid")
regex_format("pve-storage-id", r"(?i:[a-z][a-z0-9\-_.]*[a-z0-9])", "storage ID '{v}' contains illegal characters",
             f"{JS} parse_storage_id / parse_id")
regex_format("acme-plugin-id", r"(?i:[a-z][a-z0-9\-_.]*[a-z0-9])", "ACME plugin ID '{v}' contains illegal characters",
             f"{JS} parse_acme_plugin_id / parse_id")
regex_format("pve-bridge-id", r"[-_.\w\d]+", "invalid bridge ID '{v}'", f"{JS} parse_bridge_id", re.ASCII)
regex_format("pve-vmid", r"[1-9][0-9]{2,8}", "value does not look like a valid VM ID", f"{JS} pve_verify_vmid")
regex_format("pve-node", r"[a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?", "value does not look like a valid node name",
             f"{JS} pve_verify_node_name")
regex_format("mac-addr", r"(?i:[a-f0-9][02468ace](?::[a-f0-9]{2}){5})",
             "value does not look like a valid unicast MAC address", f"{JS} pve_verify_mac_addr")
regex_format("ipv4", IPV4RE, "value does not look like a valid IPv4 address", f"{JS} pve_verify_ipv4")
regex_format("ipv6", IPV6RE, "value does not look like a valid IPv6 address", f"{JS} pve_verify_ipv6")
regex_format("ip", IPRE, "value does not look like a valid IP address", f"{JS} pve_verify_ip")
regex_format("ldap-simple-attr", r"[a-zA-Z0-9]+", "value '{v}' does not look like a simple ldap attribute name",
             f"{JS} verify_ldap_simple_attr")
regex_format("pve-iface", r"(?i:[a-z][a-z0-9_]{1,20}([:.]\d+)?)", "invalid network interface name '{v}'",
             f"{JS} pve_verify_iface")
regex_format("pve-tag", r"(?i:[a-z0-9_][a-z0-9_\-+.]*)", "invalid characters in tag", f"{JS} pve_verify_tag")
regex_format("pve-task-status-type", r"(?i:ok|error|warning|unknown)", "invalid status '{v}'",
             f"{JS} verify_task_status_type")
regex_format("pve-tfa-secret", r"v2-0x[0-9a-fA-F]{16,128}|v2-[A-Z2-7=]{16,128}|[A-Z2-7=]{16}|[A-Fa-f0-9]{40}",
             "unable to decode TFA secret", f"{JS} pve_verify_tfa_secret")

_EMAIL_USER = r"[\w+\-~]+(\.[\w+\-~]+)*"  # pve-common src/PVE/Tools.pm $EMAIL_USER_RE
_EMAIL = rf"{_EMAIL_USER}@[a-zA-Z0-9\-]+(\.[a-zA-Z0-9\-]+)*"  # Tools.pm $EMAIL_RE
regex_format("email", _EMAIL, "value does not look like a valid email address", f"{JS} pve_verify_email")
regex_format("email-or-username", f"{_EMAIL}|{_EMAIL_USER}", "value does not look like a valid email address or user name",
             f"{JS} pve_verify_email_or_username")

_MASKS = {".".join(str((0xFFFFFFFF << (32 - n) & 0xFFFFFFFF) >> s & 0xFF) for s in (24, 16, 8, 0)) for n in range(33)}


@register("ipv4mask", f"{JS} pve_verify_ipv4mask")
def ipv4mask(value):
    if value not in _MASKS:
        raise FormatError("value does not look like a valid IP netmask\n")
    return value


def _cidr(value, iprx, top) -> bool:
    m = re.fullmatch(rf"(?:{iprx})/(\d+)", value)
    return bool(m) and 7 < int(m.group(1)) <= top


@register("CIDRv6", f"{JS} pve_verify_cidrv6")
def cidrv6(value):
    if not _cidr(value, IPV6RE, 128):
        raise FormatError("value does not look like a valid IPv6 CIDR network\n")
    return value


@register("CIDRv4", f"{JS} pve_verify_cidrv4")
def cidrv4(value):
    if not _cidr(value, IPV4RE, 32):
        raise FormatError("value does not look like a valid IPv4 CIDR network\n")
    return value


@register("CIDR", f"{JS} pve_verify_cidr")
def cidr(value):
    if not (_cidr(value, IPV4RE, 32) or _cidr(value, IPV6RE, 128)):
        raise FormatError("value does not look like a valid CIDR network\n")
    return value


@register("pve-ipv4-config", f"{JS} pve_verify_ipv4_config")
def ipv4_config(value):
    if value in ("dhcp", "manual") or _cidr(value, IPV4RE, 32):
        return value
    raise FormatError("value does not look like a valid ipv4 network configuration\n")


@register("pve-ipv6-config", f"{JS} pve_verify_ipv6_config")
def ipv6_config(value):
    if value in ("auto", "dhcp", "manual") or _cidr(value, IPV6RE, 128):
        return value
    raise FormatError("value does not look like a valid ipv6 network configuration\n")


@register("dns-name", f"{JS} pve_verify_dns_name")
def dns_name(value):
    if not is_dns_name(value):
        raise FormatError("value does not look like a valid DNS name\n")
    return value


@register("address", f"{JS} pve_verify_address")
def address(value):
    if not (is_ip(value) or is_dns_name(value)):
        raise FormatError(f"value does not look like a valid address: {value}\n")
    return value


@register("timezone", f"{JS} pve_verify_timezone (zone.tab)")
def timezone(value):
    if value == "UTC" or re.fullmatch(r"[A-Z][A-Za-z_+\-]+(/[A-Za-z0-9_+\-]+){1,2}", value):
        return value
    raise FormatError(f"invalid time zone '{value}'\n")


@register("pve-vlan-id-or-range", f"{JS} pve_verify_vlan_id_or_range")
def vlan_id_or_range(value):
    m = re.fullmatch(r"(\d+)(?:-(\d+))?", value)
    if not m:
        raise FormatError(f"invalid VLAN configuration '{value}'\n")
    for tag in filter(None, m.groups()):
        if int(tag) < 2 or int(tag) > 4094:
            raise FormatError(f"invalid VLAN tag '{tag}'\n")
    if m.group(2) and int(m.group(1)) >= int(m.group(2)):
        raise FormatError(f"VLAN range must go from lower to higher tag '{value}'\n")
    return value


@register("disk-size", f"{JS} pve_verify_disk_size / parse_size")
def disk_size(value):
    if not re.fullmatch(r"(\d+(\.\d+)?)([KMGT](?:iB)?)?", value):
        raise FormatError(f"value does not look like a valid disk size: {value}\n")
    return value


@register("pve-startup-order", f"{JS} pve_verify_startup_order / pve_parse_startup_order")
def startup_order(value):
    ok = bool(value) and value != "0"
    for part in value.split(","):
        if re.fullmatch(r"\s*", part):
            continue
        if not re.fullmatch(r"(order=)?\d+|up=\d+|down=\d+", part):
            ok = False
    if not ok:
        raise FormatError("unable to parse startup options\n")
    return value


def _id_pair(fmt_check):
    """JSONSchema.pm $verify_idpair / parse_idmap for one entry."""
    def check(value):
        if value == "1":
            return value
        m = re.fullmatch(r"([^:]+):([^:]+)", value)
        try:
            for part in (m.groups() if m else (value,)):
                fmt_check(part)
        except FormatError as exc:
            raise FormatError(f"entry '{value}' contains invalid ID - {exc}\n") from None
        return value
    return check


def _storage_id(value):
    if not re.fullmatch(r"(?i:[a-z][a-z0-9\-_.]*[a-z0-9])", value):
        raise FormatError(f"storage ID '{value}' contains illegal characters\n")


def _bridge_id(value):
    if not re.fullmatch(r"[-_.\w\d]+", value, re.ASCII):
        raise FormatError(f"invalid bridge ID '{value}'\n")


register("storage-pair", f"{JS} verify_storagepair")(_id_pair(_storage_id))
register("bridge-pair", f"{JS} verify_bridgepair")(_id_pair(_bridge_id))

_bw = {"optional": 1, "type": "number", "minimum": "0"}
register("bwlimit", f"{JS} $bwlimit_format")({k: dict(_bw) for k in ("default", "restore", "migration", "clone", "move")})
register("proxmox-remote", f"{JS} $remote_format")({
    "host": {"type": "string"},
    "port": {"type": "integer", "optional": 1},
    "apitoken": {"type": "string"},
    "fingerprint": {"type": "string", "optional": 1, "pattern": r"([A-Fa-f0-9]{2}:){31}[A-Fa-f0-9]{2}"},
})


@register("pve-calendar-event", "pve-common src/PVE/CalendarEvent.pm pve_verify_calendar_event -> proxmox-time")
def calendar_event(value):
    error = calendar.parse_error(value)
    if error:
        raise FormatError(f"invalid calendar event '{value}' - {error}\n")
    return value


_PEM_B64 = r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?"


def _pem(label: str, multiple: bool = False):
    """pve-common src/PVE/Certificate.pm check_pem ($pem_re: header, base64 lines, footer)."""
    one = rf"-----BEGIN {label}-----\n(?:{_PEM_B64}\n)*{_PEM_B64}\n?-----END {label}-----\n?"

    def check(value):
        text = value[value.find("-----BEGIN"):] if "-----BEGIN" in value else value
        rx = rf"(?:{one}\n*)*{one}" if multiple else one
        if not re.fullmatch(rx, text, re.S):
            raise FormatError("not a valid PEM-formatted string.\n")
        return value
    return check


register("pem-certificate", "pve-common src/PVE/Certificate.pm check_pem")(_pem("CERTIFICATE"))
register("pem-certificate-chain", "pve-common src/PVE/Certificate.pm check_pem (multiple)")(_pem("CERTIFICATE", True))
register("pem-string", "pve-common src/PVE/Certificate.pm check_pem (any label)")(_pem("[^-]+?"))
