"""The controller reaches a real site: Kerberos for WinRM in the pinned toolchain, the connection
settings of the Windows hosts as Ansible renders them from inventories/rcr (HTTPS with certificate
checking, Kerberos with the host's FQDN as SPN, NTLM only for the first contact with a fresh host)."""

from __future__ import annotations

import os
import shutil

import pytest
from sitekit_paths import REPO

CONNECTION_KEYS = ("ansible_connection", "ansible_port", "ansible_winrm_scheme", "ansible_winrm_transport",
                   "ansible_winrm_server_cert_validation", "ansible_winrm_ca_trust_path", "ansible_user",
                   "ansible_winrm_kerberos_hostname_override", "ansible_winrm_kinit_mode", "ansible_host")


def connection(host: str, inventory: str = "inventories/rcr", **extra) -> dict:
    """The host's connection variables, templated by ansible-core as a play would (no host contacted)."""
    os.environ.setdefault("ANSIBLE_CONFIG", str(REPO / "ansible.cfg"))
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar, trust_as_template
    from ansible.vars.manager import VariableManager
    loader = DataLoader()
    inv = InventoryManager(loader=loader, sources=[str(REPO / inventory)])
    variables = VariableManager(loader=loader, inventory=inv)
    variables._extra_vars = dict(extra)
    hostvars = variables.get_vars(host=inv.get_host(host))
    templar = Templar(loader=loader, variables=hostvars)
    return {k: templar.template(trust_as_template(f"{{{{ {k} }}}}")) for k in CONNECTION_KEYS}


@pytest.mark.parametrize("inventory", ["inventories/rcr", "inventories/lab"])
def test_domain_members_are_reached_with_kerberos_over_checked_https(inventory):
    c = connection("sql01", inventory)
    assert (c["ansible_connection"], c["ansible_port"], c["ansible_winrm_scheme"]) == ("ansible.builtin.winrm", 5986, "https")
    assert c["ansible_winrm_transport"] == "kerberos" and c["ansible_winrm_kinit_mode"] == "managed"
    assert c["ansible_winrm_server_cert_validation"] == "validate"
    assert c["ansible_winrm_ca_trust_path"] == f"{REPO / inventory}/files/certs/winrm-ca.pem"
    # the ticket names the host (HTTP/sql01.rcr.local); the TCP connection goes to its address
    assert c["ansible_winrm_kerberos_hostname_override"] == "sql01.rcr.local"
    assert c["ansible_user"].endswith("@RCR.LOCAL"), "a Kerberos principal (UPN), not a local account"


def test_the_first_contact_is_ntlm_as_the_local_administrator_still_over_checked_https():
    c = connection("sql01", windows_first_contact=True)
    assert c["ansible_winrm_transport"] == "ntlm" and c["ansible_user"] == ".\\Administrateur"
    assert c["ansible_winrm_server_cert_validation"] == "validate" and c["ansible_port"] == 5986


def test_kerberos_is_in_the_pinned_toolchain():
    """The review's first connection failed with "the python kerberos library is not installed"."""
    from ansible.plugins.connection import winrm as ansible_winrm
    from winrm import transport
    assert ansible_winrm.HAVE_KERBEROS and transport.HAVE_KERBEROS
    session = transport.Transport(endpoint="https://sql01.example.invalid:5986/wsman", username="u@EXAMPLE.INVALID",
                                  password="placeholder", auth_method="kerberos", server_cert_validation="validate",
                                  kerberos_hostname_override="sql01.example.invalid")
    session.build_session()  # builds the Kerberos auth handler; no network
    assert type(session.session.auth).__name__ == "HTTPKerberosAuth"
    assert "pykerberos==" in (REPO / "requirements-runtime.txt").read_text()


def test_the_controller_has_kinit_for_managed_tickets():
    """ansible_winrm_kinit_mode: managed runs kinit (krb5-user, tools/bootstrap-host.sh)."""
    assert shutil.which("kinit"), "kinit is missing: run tools/bootstrap-host.sh"
    assert "krb5-user" in (REPO / "tools/bootstrap-host.sh").read_text()
