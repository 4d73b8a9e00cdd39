"""Shared pieces of the network tests and the benchmark: dummy secrets, rendering of an
inventory, the subset of a configuration that fake-switches supports, simulated devices."""

from __future__ import annotations

import sys
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


def intents(site) -> dict[str, dict]:
    site = site_with_secrets(site, dict(DUMMY_SECRETS))
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


def push(device, intended: str, check: bool = False) -> dict:
    """Remediate a simulated device to the fake-switches subset of ``intended`` (direct Python)."""
    c = device.connection()
    with ios_ssh.Session(device.hostname, c["host"], c["port"], c["username"], c["password"], c["enable_secret"],
                         host_key_checking=False) as session:
        running = session.running_config()
        commands, _, _ = ios_remediation.remediate(running, intended, FAKE_INCLUDE, FAKE_EXCLUDE)
        applied = []
        if commands and not check:
            applied = session.apply(commands)
            session.save()
        return {"commands": commands, "applied": applied, "before": running}


def read(device, command: str = "show running-config") -> str:
    c = device.connection()
    with ios_ssh.Session(device.hostname, c["host"], c["port"], c["username"], c["password"], c["enable_secret"],
                         host_key_checking=False) as session:
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
