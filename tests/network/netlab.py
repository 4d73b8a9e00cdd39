"""Shared pieces of the network tests and the benchmark: dummy secrets, rendering of an
inventory, the lab's simulated IOS devices (iospeer: day-0 state of each switch and router,
served over SSH on 127.0.0.1), pushes and reads over SSH.

``push`` runs the collection's own push (module_utils/ios_push.py) with the device's push
policy from the site model, as the role does; ``day0_lines`` are the collection's day-0
bootstrap (templates/ios/bootstrap.j2). ``fake_model``/``fake_ports`` stay for the
ftp_archive molecule scenario, which reads a fake-switches device.
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
from ansible_collections.sitekit.core.plugins.filter.network import ios_bootstrap, render_site  # noqa: E402
from ansible_collections.sitekit.core.plugins.module_utils import ios_push, ios_remediation, ios_ssh  # noqa: E402,F401
from ansible_collections.sitekit.core.plugins.modules import config_archive_put, ios_remediate  # noqa: E402,F401
from ansible_collections.sitekit.core.plugins.plugin_utils.ios_validate import validate  # noqa: E402,F401
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network import (  # noqa: E402
    device_intent,
    network_devices,
    site_with_secrets,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.typed import to_vars  # noqa: E402

GOLDEN = Path(__file__).resolve().parent / "golden"
# Fixed dummy values so that the golden files are stable. Not secrets: a made-up type 9
# hash and throwaway SNMP/FTP strings that no device uses.
DUMMY_SECRETS = {
    "vault_network_admin_secret_hash": "$9$DUMMYsaltDUMMY$dummyhashdummyhashdummyhashdummyhashdummyha",
    "vault_network_enable_secret_hash": "$9$DUMMYenableDUM$dummyenabledummyenabledummyenabledummyenabl",
    "vault_snmp_auth_password": "dummy-snmp-auth",
    "vault_snmp_priv_password": "dummy-snmp-priv",
    "vault_ftp_archive_password": "dummy-ftp",
}


def load(inventory: str | Path = "inventories/rcr"):
    return sites.site(str(inventory))


def render(inventory: str | Path = "inventories/rcr", site=None) -> dict[str, str]:
    return render_site(site or load(inventory), dict(DUMMY_SECRETS))


def intents(site, secrets: dict | None = None) -> dict[str, dict]:
    """{host: device intent, as the templates see it}; the site itself is left unresolved (a copy gets the secrets)."""
    site = site_with_secrets(sites.copy_of(site), dict(secrets or DUMMY_SECRETS))
    return {h: to_vars(device_intent(site, h)) for h in network_devices(site)}


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
    """DUMMY_SECRETS with real type 9 hashes of lab_password(): the model's admin can log in."""
    from iospeer import hashes
    return {**DUMMY_SECRETS, "vault_network_admin_secret_hash": hashes.type9(lab_password()),
            "vault_network_enable_secret_hash": hashes.type9(lab_password())}


def render_lab(inventory: str | Path = "inventories/lab", site=None) -> dict[str, str]:
    """Intended configurations with lab_secrets() (what a push to the lab sends)."""
    import copy

    return render_site(copy.deepcopy(site) if site is not None else load(inventory), dict(lab_secrets()))


def management_vlan(site) -> int:
    return next(v["id"] for v in site.vars["site_vlans"] if v["role"] == "management")


def mgmt(intent: dict, vlan: int | None = None) -> dict:
    """The management address of a device: the switch's SVI, the router's sub-interface in its VLAN."""
    return intent["mgmt"]


def operator_address(intent: dict, vlan: int | None = None) -> str:
    m = mgmt(intent, vlan)
    network = ipaddress.IPv4Interface(f"{m['address']}/{m['netmask']}").network
    return str(network.network_address + OPERATOR_HOST)


def day0_lines(intent: dict) -> list[str]:
    """The collection's day-0 bootstrap (ios_bootstrap) as typed in configuration mode."""
    lines = [x for x in ios_bootstrap(intent).splitlines() if x.strip() and not x.startswith("!")]
    return lines[lines.index("configure terminal") + 1:lines.index("end")]


def lab_peer(host: str, intent: dict, vlan: int, config: str | None = None, minute: float = 60.0):
    """A lab device in its day-0 state (or booted from configs/<config> plus the login user)."""
    from iospeer import IosPeer, catalyst, from_file, isr1941

    common = {"mgmt_address": mgmt(intent, vlan)["address"], "client_address": operator_address(intent, vlan),
              "password": lab_password(), "minute": minute}
    admin_hash = lab_secrets()["vault_network_admin_secret_hash"]
    intent = {**intent, "admins": [{**a, "secret_hash": admin_hash} for a in intent["admins"]]}
    user = f"username {intent['admins'][0]['name']} privilege 15 secret 9 {admin_hash}"
    if config:
        peer = from_file(config, **common)
        peer.hostname = host
        peer.boot()
        peer.configure(user)
    else:
        platform = catalyst([m["model"] for m in intent["stack"]]) if intent["kind"] == "switch" else isr1941()
        peer = IosPeer(host, platform, **common).boot()
        peer.device.rsa_key = False                      # factory state: the bootstrap generates the key
        answers = peer.configure(*day0_lines(intent))
        assert not ios_ssh.refused(answers), answers
    peer.user = intent["admins"][0]["name"]
    peer.show("write memory")
    return peer


def lab_peers(site, names: list[str] | None = None, minute: float = 60.0, configs: dict | None = None) -> dict:
    """{host: started IosPeer} for the network devices of a site (all, or ``names``); ``configs``
    boots some of them from configs/ instead of their day-0 state."""
    all_intents, vlan = intents(site, lab_secrets()), management_vlan(site)
    peers = {h: lab_peer(h, i, vlan, (configs or {}).get(h), minute) for h, i in all_intents.items()
             if names is None or h in names}
    for peer in peers.values():
        peer.start()
    return peers


@cache
def _lab_policies() -> dict:
    return {h: i["push"] for h, i in intents(load("inventories/lab")).items()}


def session(device, **kw) -> ios_ssh.Session:
    c = device.connection()
    return ios_ssh.Session(device.hostname, c["host"], c["port"], c["username"], c["password"], c["enable_secret"],
                           host_key_checking=False, timeout=kw.pop("timeout", 20), **kw)


def push(device, intended: str, check: bool = False, policy: dict | None = None, **options) -> dict:
    """Push ``intended`` to a device with the collection's push (module_utils/ios_push.py) and the
    device's push policy from the lab model (as the role passes it); ``options``: allow_management,
    session_address, rollback_minutes, save."""
    with session(device) as s:
        return ios_push.push(s, intended, policy or _lab_policies()[device.hostname], check=check, **options)


def read(device, command: str = "show running-config") -> str:
    with session(device) as s:
        return s.show(command)


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


def correct(lab_site, lab_configs, host: str, intended: str | None = None, **kw):
    """A device already in its intended state (booted from it), started."""
    from iospeer import IosPeer, catalyst, isr1941

    intent = intents(lab_site)[host]
    vlan = management_vlan(lab_site)
    platform = catalyst([m["model"] for m in intent["stack"]]) if intent["kind"] == "switch" else isr1941()
    peer = IosPeer(host, platform, config=intended or lab_configs[host], user=intent["admins"][0]["name"],
                   password=lab_password(), mgmt_address=mgmt(intent, vlan)["address"],
                   client_address=kw.pop("client", operator_address(intent, vlan)), **kw).boot()
    for line in ios_remediation.write_only_lines(intended or lab_configs[host]):  # a push left its fingerprints
        name = ios_remediation.WRITE_ONLY.match(line).group(1)
        peer.configure(f"ip access-list standard {ios_remediation.FINGERPRINT_ACL}",
                       f"remark snmp-user {name} {ios_remediation.fingerprint(line)}")
    peer.device.history.clear()
    peer.show("write memory")
    return peer.start()
