"""Formats registered by pve-container (src/PVE/LXC/Config.pm)."""

from __future__ import annotations

import re

from .base import FormatError, is_ip, register
from .common import timezone

LXC = "pve-container src/PVE/LXC/Config.pm"


@register("lxc-ip-with-ll-iface", f"{LXC} verify_ip_with_ll_iface")
def ip_with_ll_iface(value):
    m = re.fullmatch(r"(fe80:[^%]+)%(.*)", value)
    if m and is_ip(m.group(1)) and re.fullmatch(r"(?i:[a-z][a-z0-9_]{1,20}([:.]\d+)?)", m.group(2)):
        return value
    if not is_ip(value):
        raise FormatError("value does not look like a valid IP address\n")
    return value


@register("pve-ct-timezone", f"{LXC} verify_ct_timezone")
def ct_timezone(value):
    return value if value == "host" else timezone(value)


@register("pve-lxc-mp-string", f"{LXC} verify_lxc_mp_string")
def mp_string(value):
    if re.search(r"/\.\.?/", value) or re.search(r"/\.\.?$", value) or value.startswith("../"):
        raise FormatError(f"{value} contains illegal character sequences\n")
    return value


@register("pve-lxc-dev-string", f"{LXC} verify_lxc_dev_string")
def dev_string(value):
    if re.search(r"/\.\.?(?:/|$)", value) or not value.startswith("/dev/"):
        raise FormatError(f"{value} is not a valid device path\n")
    return value
