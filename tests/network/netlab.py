"""Shared pieces of the network tests and the benchmark: dummy secrets, rendering of an
inventory, the lab's simulated IOS devices (iospeer: day-0 state of each switch and router,
served over SSH on 127.0.0.1), pushes and reads over SSH.

The subset of a configuration that fake-switches supports (FAKE_INCLUDE/EXCLUDE,
fake_model, fake_ports) is kept for bench/network_push.py, which still drives fake-switches.
"""

from __future__ import annotations

import ipaddress
import sys
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO / "tests") not in sys.path:  # also imported from molecule verifiers and the bench
    sys.path.insert(0, str(REPO / "tests"))

import sitekit_paths  # noqa: E402,F401,I001  (first: the collection finder, before any sitekit.core import)
import sites  # noqa: E402
from ansible_collections.sitekit.core.plugins.filter.network import render_site, site_with_secrets  # noqa: E402
from ansible_collections.sitekit.core.plugins.module_utils import ios_remediation, ios_ssh  # noqa: E402,F401
from ansible_collections.sitekit.core.plugins.modules import config_archive_put, ios_remediate  # noqa: E402,F401
from ansible_collections.sitekit.core.plugins.plugin_utils.ios_validate import validate  # noqa: E402,F401
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network import device_intent, network_devices  # noqa: E402

GOLDEN = Path(__file__).resolve().parent / "golden"
# Fixed dummy values so that the golden files are stable. Not secrets: a made-up type 9
# hash and throwaway SNMP/FTP strings that no device uses.
DUMMY_SECRETS = {
    "vault_network_admin_secret_hash": "$9$DUMMYsaltDUMMY$dummyhashdummyhashdummyhashdummyhashdummyha",
    "vault_snmp_auth_password": "dummy-snmp-auth",
    "vault_snmp_priv_password": "dummy-snmp-priv",
    "vault_ftp_archive_password": "dummy-ftp",
}
# What fake-switches 1.5.0 keeps and shows: VLANs and names, switch ports (access/trunk,
# allowed VLANs, descriptions, shutdown, channel-group), SVIs and router sub-interfaces
# (address, helper addresses). Port-channel interfaces do not show in its running-config;
# spanning-tree, GLBP and encapsulation are unknown to it.
FAKE_INCLUDE = [r"^vlan \d+$", r"^interface (GigabitEthernet|FastEthernet|Vlan)\S*$"]
FAKE_EXCLUDE = [r"^ spanning-tree ", r"^ glbp ", r"^ encapsulation ", r"^ channel-group "]


def load(inventory: str | Path = "inventories/rcr"):
    return sites.site(str(inventory))


def render(inventory: str | Path = "inventories/rcr", site=None) -> dict[str, str]:
    return render_site(site or load(inventory), dict(DUMMY_SECRETS))


def intents(site, secrets: dict | None = None) -> dict[str, dict]:
    """{host: device intent}; the site itself is left unresolved (a copy gets the secrets)."""
    import copy

    site = site_with_secrets(copy.deepcopy(site), dict(secrets or DUMMY_SECRETS))
    return {h: device_intent(site, h) for h in network_devices(site)}


def fake_model(intent: dict) -> str:
    """The fake-switches model closest to a device."""
    if intent["kind"] == "router":
        return "cisco_generic"
    members = intent["stack"]
    return "cisco_2960_24TT_L" if members and "24" in members[0]["model"] else "cisco_2960_48TT_L"


def fake_ports(intent: dict) -> list[str]:
    """Interfaces the simulated device must have: those of the rendered configuration."""
    if intent["kind"] == "router":
        return [intent["lan_interface"]] + ([intent["wan_interface"]] if intent["wan_interface"] else []) + \
            [s["name"] for s in intent["subinterfaces"]]
    return [p["name"] for p in intent["interfaces"]]


# ---- the lab on iospeer --------------------------------------------------------------------
# The operator's workstation as the simulated devices see it: in the management VLAN.
OPERATOR_HOST = 250


@cache
def lab_password() -> str:
    """One throwaway login password for every simulated lab device (never written to disk)."""
    import secrets
    return secrets.token_urlsafe(12)


@cache
def lab_secrets() -> dict:
    """DUMMY_SECRETS with a real type 9 hash of lab_password(): the model's admin can log in."""
    from iospeer import hashes
    return {**DUMMY_SECRETS, "vault_network_admin_secret_hash": hashes.type9(lab_password())}


def render_lab(inventory: str | Path = "inventories/lab", site=None) -> dict[str, str]:
    """Intended configurations with lab_secrets() (what a push to the lab sends)."""
    import copy

    return render_site(copy.deepcopy(site) if site is not None else load(inventory), dict(lab_secrets()))


def management_vlan(site) -> int:
    return next(v["id"] for v in site.vars["site_vlans"] if v["role"] == "management")


def mgmt(intent: dict, vlan: int | None = None) -> dict:
    """The management address of a device: the switch's SVI, the router's sub-interface in ``vlan``."""
    if intent["kind"] == "switch":
        return intent["mgmt"]
    sub = next(s for s in intent["subinterfaces"] if s["vlan"] == vlan)
    return {"vlan": sub["vlan"], "name": sub["description"], "address": sub["address"], "netmask": sub["netmask"],
            "interface": sub["name"]}


def operator_address(intent: dict, vlan: int | None = None) -> str:
    m = mgmt(intent, vlan)
    network = ipaddress.IPv4Interface(f"{m['address']}/{m['netmask']}").network
    return str(network.network_address + OPERATOR_HOST)


def day0_lines(intent: dict, user_line: str, vlan: int | None = None) -> list[str]:
    """The console bootstrap of issue 12: hostname, domain, RSA key, SSH v2, mgmt path, user."""
    m = mgmt(intent, vlan)
    lines = [f"hostname {intent['hostname']}", f"ip domain-name {intent['domain']}", user_line,
             "crypto key generate rsa modulus 2048", "ip ssh version 2"]
    if intent["kind"] == "switch":
        lines += [f"vlan {m['vlan']}", f" name {m['name']}", " exit", f"interface Vlan{m['vlan']}",
                  f" ip address {m['address']} {m['netmask']}", " exit", f"ip default-gateway {intent['default_gateway']}",
                  "line vty 0 15"]
    else:
        lines += [f"interface {intent['lan_interface']}", " no shutdown", " exit", f"interface {m['interface']}",
                  f" encapsulation dot1Q {m['vlan']}", f" ip address {m['address']} {m['netmask']}", " exit",
                  "line vty 0 4"]
    return lines + [" login local", " transport input ssh", " exit"]


def lab_peer(host: str, intent: dict, vlan: int, config: str | None = None, minute: float = 60.0):
    """A lab device in its day-0 state (or booted from configs/<config> plus the login user)."""
    from iospeer import IosPeer, catalyst, from_file, isr1941

    common = {"mgmt_address": mgmt(intent, vlan)["address"], "client_address": operator_address(intent, vlan),
              "password": lab_password(), "minute": minute}
    user = f"username {intent['admins'][0]['name']} privilege 15 secret 9 {lab_secrets()['vault_network_admin_secret_hash']}"
    if config:
        peer = from_file(config, **common)
        peer.hostname = host
        peer.boot()
        peer.configure(user)
    else:
        platform = catalyst([m["model"] for m in intent["stack"]]) if intent["kind"] == "switch" else isr1941()
        peer = IosPeer(host, platform, **common).boot()
        answers = peer.configure(*day0_lines(intent, user, vlan))
        assert "%" not in answers.replace("% The key", "").replace("% Generating", ""), answers
    peer.user = intent["admins"][0]["name"]
    peer.show("write memory")
    return peer


def lab_peers(site, names: list[str] | None = None, minute: float = 60.0, configs: dict | None = None) -> dict:
    """{host: started IosPeer} for the network devices of a site (all, or ``names``); ``configs``
    boots some of them from configs/ instead of their day-0 state."""
    all_intents, vlan = intents(site), management_vlan(site)
    peers = {h: lab_peer(h, i, vlan, (configs or {}).get(h), minute) for h, i in all_intents.items()
             if names is None or h in names}
    for peer in peers.values():
        peer.start()
    return peers


def push(device, intended: str, check: bool = False, include: list | None = None, exclude: list | None = None) -> dict:
    """Remediate a device to ``intended`` with the module_utils the role runs (direct Python).

    A fake-switches device gets the subset it supports (bench/network_push.py); an iospeer
    device gets the role's defaults: the whole configuration in scope."""
    from fakeswitch import FakeDevice

    if isinstance(device, FakeDevice):
        include, exclude = FAKE_INCLUDE, FAKE_EXCLUDE
    c = device.connection()
    with ios_ssh.Session(device.hostname, c["host"], c["port"], c["username"], c["password"], c["enable_secret"],
                         host_key_checking=False, timeout=20) as session:
        running = session.running_config()
        commands, _, _ = ios_remediation.remediate(running, intended, include or [], exclude or [])
        applied = []
        if commands and not check:
            applied = session.apply(commands)
            session.save()
        return {"commands": commands, "applied": applied, "before": running}


def read(device, command: str = "show running-config") -> str:
    c = device.connection()
    with ios_ssh.Session(device.hostname, c["host"], c["port"], c["username"], c["password"], c["enable_secret"],
                         host_key_checking=False, timeout=20) as session:
        return session.show(command)


def run_module(module, args: dict) -> dict:
    """Run an Ansible module's main() in this process with ``args``; its JSON result."""
    import contextlib
    import io
    import json

    from ansible.module_utils import basic
    from ansible.module_utils.common.text.converters import to_bytes

    basic._ANSIBLE_ARGS = to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
    basic._ANSIBLE_PROFILE = "legacy"
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        module.main()
    return json.loads(out.getvalue())
