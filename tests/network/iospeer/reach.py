"""Whether the operator's SSH session still reaches the device, and whether a new one may log in.

The peer listens on 127.0.0.1, but each device is told the address the operator targets
(its management address) and the operator's own address. After every configuration
change the path is re-evaluated as the device would forward packets:
* the management address must be configured on an interface that is up (an SVI also
  needs its VLAN in vlan.dat);
* the operator must be on a connected subnet of an up interface, or reachable through
  ``ip default-gateway`` (switch) or a static route (router) whose next hop is connected.
A session whose path is gone is cut (a real device stops answering; the client sees the
connection end). New logins also need (IOS Security Configuration Guide, "Secure Shell"):
RSA keys, the vty line's ``transport input`` allowing ssh, its ``access-class`` permitting
the client (an undefined ACL permits all, implicit deny at the end), ``login local`` and a
matching ``username`` secret.
"""

from __future__ import annotations

import ipaddress

from . import hashes


def _up_networks(device) -> list[tuple[str, ipaddress.IPv4Interface]]:
    return [(name, addr) for name, addr in device.addresses() if device.is_up(name)]


def _connected(device, address: ipaddress.IPv4Address) -> bool:
    return any(address in addr.network for _, addr in _up_networks(device))


def path_ok(device, target: str | None, client: str | None) -> bool:
    if not target or not client:
        return True
    target_ip, client_ip = ipaddress.IPv4Address(target), ipaddress.IPv4Address(client)
    if not any(addr.ip == target_ip for _, addr in _up_networks(device)):
        return False
    if _connected(device, client_ip):
        return True
    if device.platform.kind == "switch":
        gateway = device.root.find("ip default-gateway")
        return gateway is not None and _connected(device, ipaddress.IPv4Address(gateway.text.split()[-1]))
    for route in device.root.find_all("ip route"):
        words = route.text.split()
        network = ipaddress.IPv4Network(f"{words[2]}/{words[3]}")
        hop = words[4]
        if client_ip in network and (not hop[0].isdigit() or _connected(device, ipaddress.IPv4Address(hop))):
            return True
    return False


def acl_permits(device, name: str, client: str | None) -> bool:
    if client is None:
        return True
    node = device.root.find(lambda n: n.text in (f"ip access-list standard {name}", f"ip access-list extended {name}"))
    entries = [c.text for c in node.children] if node else \
        [n.text.split(None, 2)[2] for n in device.root.find_all(f"access-list {name}")]
    if not entries:
        return True
    address = ipaddress.IPv4Address(client)
    for entry in entries:
        words = entry.split()
        if words[0] not in ("permit", "deny"):
            continue
        spec = words[1:]
        if spec and spec[0] in ("ip", "tcp"):
            spec = spec[1:]
        if spec[0] == "any":
            hit = True
        elif spec[0] == "host":
            hit = address == ipaddress.IPv4Address(spec[1])
        elif len(spec) > 1 and spec[1][0].isdigit():
            wildcard = int(ipaddress.IPv4Address(spec[1]))
            hit = (int(address) & ~wildcard) == (int(ipaddress.IPv4Address(spec[0])) & ~wildcard)
        else:
            hit = address == ipaddress.IPv4Address(spec[0])
        if hit:
            return words[0] == "permit"
    return False


def login_refusal(device, vty: int, client: str | None) -> str | None:
    """Why a new SSH connection on vty ``vty`` is refused (None when it is accepted)."""
    if not device.rsa_key:
        return "no RSA keys: SSH server disabled"
    line = device.lines.get(("vty", vty))
    if line is None:
        return "no free vty line"
    transport = line.find("transport input")
    allowed = transport.text.split()[2:] if transport else [device.platform.vty_default_transport]
    if not {"ssh", "all"} & set(allowed):
        return f"transport input {' '.join(allowed)} on vty {vty}"
    access = line.find("access-class")
    if access and access.text.endswith(" in") and not acl_permits(device, access.text.split()[1], client):
        return f"access-class {access.text.split()[1]} denies {client}"
    return None


def pubkey_ok(device, vty: int, username: str, md5: str) -> bool:
    """A public key of ``username`` in ``ip ssh pubkey-chain`` (vty with ``login local``, as for passwords)."""
    from .cmd_system import pubkey_hashes
    line = device.lines.get(("vty", vty))
    if line is None or line.find(lambda n: n.text == "login local") is None or device.user(username) is None:
        return False
    return md5.upper() in pubkey_hashes(device, username)


def password_ok(device, vty: int, username: str, password: str) -> bool:
    line = device.lines.get(("vty", vty))
    if line is None or line.find(lambda n: n.text == "login local") is None:
        return False
    user = device.user(username)
    if user is None:
        return False
    words = user.text.split()
    for i, word in enumerate(words):
        if word in ("secret", "password") and i + 2 < len(words):
            return hashes.verify(words[i + 1], words[i + 2], password)
    return False
