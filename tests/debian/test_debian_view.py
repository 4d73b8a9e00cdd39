"""The Debian view (plugin_utils/site/debian/) and its rules (debian_rules.py) on both inventories.

What the roles apply is read here without a container: each Debian host's firewall, the proxy's settings,
the FTP archive's accounts and targets, GLPI's web side; and what validation says about a broken copy.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import sites
from ansible_collections.sitekit.core.plugins.plugin_utils.site import debian, registry
from ansible_collections.sitekit.core.plugins.plugin_utils.site.debian import DebianPlanError
from ansible_collections.sitekit.core.plugins.plugin_utils.site.typed import to_vars

RCR, LAB = "inventories/rcr", "inventories/lab"


def _as_roles_get(view):
    return lambda *args, **kwargs: to_vars(view(*args, **kwargs))


# The views as the roles get them: typed inside the model, plain data through the filters (typed.to_vars).
roles_get = SimpleNamespace(**{name: _as_roles_get(getattr(debian, name)) for name in (
    "firewall", "proxy", "archive_server", "archive_targets", "glpi", "admin_access")})


def rules(site, host: str) -> dict:
    return {r["name"]: r for r in roles_get.firewall(site, host)["rules"]}


def problems(site, rule_id: str | None = None) -> list[str]:
    return [str(p) for p in registry.validate(site) if rule_id is None or p.rule == rule_id]


# ---- host firewalls ----------------------------------------------------------------------------------------
def test_every_debian_host_admits_ssh_from_the_administrators_only():
    site = sites.site(RCR)
    for host in ("glpi01", "ftp01", "ftp02", "proxy01"):
        assert rules(site, host)["ssh"]["sources"] == ["10.0.20.0/24", "10.0.30.0/24"], host
        assert rules(site, host)["ssh"]["ports"] == ["22"]


def test_glpi_is_open_to_the_vlans_of_site_glpi_and_collects_the_devices_syslog():
    glpi = rules(sites.site(RCR), "glpi01")
    assert set(glpi) == {"glpi-https", "ssh", "syslog"}
    assert glpi["glpi-https"]["ports"] == ["80", "443"]
    # clients 30, 40 and servers 10 (allowed_vlan_roles) plus the administrators (20, 30)
    assert glpi["glpi-https"]["sources"] == ["10.0.10.0/24", "10.0.20.0/24", "10.0.30.0/24", "10.0.40.0/24"]
    # switches (management VLAN) and both routers' addresses in glpi01's VLAN (.2 and .3)
    assert glpi["syslog"] == {"name": "syslog", "protocol": "udp", "ports": ["514"],
                              "sources": ["10.0.10.2/31", "10.0.20.0/24"], "why": glpi["syslog"]["why"]}


def test_the_primary_archive_takes_the_devices_and_the_backup_only_the_controller():
    site = sites.site(RCR)
    primary, backup = rules(site, "ftp01")["ftp-archive"], rules(site, "ftp02")["ftp-archive"]
    assert primary["ports"] == backup["ports"] == ["21", "40000-40049"]
    assert primary["sources"] == ["10.0.10.2/31", "10.0.20.0/24", "10.0.30.0/24"]
    assert backup["sources"] == ["10.0.20.0/24", "10.0.30.0/24"]
    assert "proxy" not in rules(site, "ftp01") and "glpi-https" not in rules(site, "ftp01")


def test_the_proxy_is_open_to_its_client_vlans_and_helps_the_ftp_relay():
    policy = roles_get.firewall(sites.site(RCR), "proxy01")
    proxy = {r["name"]: r for r in policy["rules"]}["proxy"]
    assert proxy["ports"] == ["3128", "2121"]
    assert proxy["sources"] == ["10.0.10.0/24", "10.0.30.0/24", "10.0.40.0/24"]  # not 20 (management)
    assert policy["ftp_helper_ports"] == [2121]
    assert policy["icmp_sources"] == ["10.0.10.0/24", "10.0.20.0/24", "10.0.30.0/24", "10.0.40.0/24"]


def test_a_host_outside_the_debian_tier_has_ssh_only():
    assert list(rules(sites.site(RCR), "dc01")) == ["ssh"]


def test_an_admin_vlan_that_does_not_exist_is_an_error_with_its_key():
    site = sites.modified(RCR, site_security={**sites.site(RCR).vars["site_security"], "linux_admin_vlans": [99]})
    with pytest.raises(DebianPlanError, match="VLAN 99 is not in site_vlans") as err:
        roles_get.firewall(site, "glpi01")
    assert err.value.key == "site_security.linux_admin_vlans"
    assert any("site_security.linux_admin_vlans: VLAN 99 is not in site_vlans" in p for p in problems(site, "debian-views"))


# ---- proxy -------------------------------------------------------------------------------------------------
def test_vendor_domains_are_kept_exactly_as_declared():
    px = roles_get.proxy(sites.site(RCR))
    assert px["vendor_domains"] == ["portail.etafi.fr", "etafi.fr", "get.teamviewer.com", "teamviewer.com", "cegidlife.com"]
    assert px["blocked_domains"] == [".facebook.com", ".tiktok.com", ".bet365.com", ".pokerstars.fr"]


def test_a_name_a_declared_parent_covers_is_left_out():
    assert debian.squid_domains([".x.org", "www.x.org", "x.org", "y.org", ".www.y.org", "a.y.org"], "k") == [
        ".x.org", "y.org", ".www.y.org", "a.y.org"]
    with pytest.raises(DebianPlanError, match="not a domain name"):
        debian.squid_domains(["exa mple.org"], "site_proxy.blocked_domains")


def test_internal_destinations_are_the_site_subnets_and_the_declared_networks():
    assert roles_get.proxy(sites.site(RCR))["internal"] == ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]
    assert roles_get.proxy(sites.site(LAB))["internal"] == ["172.30.0.0/16"]
    no_extra = sites.modified(RCR, site_proxy={**sites.site(RCR).vars["site_proxy"], "internal_networks": []})
    assert roles_get.proxy(no_extra)["internal"] == ["10.0.10.0/24", "10.0.20.0/24", "10.0.30.0/24", "10.0.40.0/24"]


def test_proxy_users_come_from_the_domain_on_the_site_and_from_local_accounts_in_the_lab():
    site_auth = roles_get.proxy(sites.site(RCR))["auth"]
    assert site_auth["backend"] == "active_directory"
    assert site_auth["ldap_servers"] == ["10.0.10.21", "10.0.10.22"]  # the domain controllers
    assert site_auth["base_dn"] == "DC=rcr,DC=local"
    assert site_auth["bind_dn"] == "CN=svc-proxy,OU=Comptes de service,OU=RCR,DC=rcr,DC=local"
    assert site_auth["bind_password"] is None  # no secret unless asked for
    lab = roles_get.proxy(sites.site(LAB))
    assert [u["name"] for u in lab["auth"]["users"]] == ["dupont", "martin"]
    assert roles_get.proxy(sites.site(LAB), secrets=True)["auth"]["users"][0]["password"].startswith("{{ lookup(")


def test_service_and_shared_hosts_come_from_their_groups():
    px = roles_get.proxy(sites.site(RCR))
    assert px["service_hosts"] == ["10.0.10.60/32"]  # sql01
    assert px["shared_hosts"] == ["10.0.10.51/32", "10.0.10.52/32"]  # rdsh01, rdsh02


def test_a_proxy_without_authentication_is_refused():
    px = dict(sites.site(RCR).vars["site_proxy"])
    px.pop("auth")
    with pytest.raises(DebianPlanError, match="must be authenticated"):
        roles_get.proxy(sites.modified(RCR, site_proxy=px))


# ---- FTP archive -------------------------------------------------------------------------------------------
def test_each_archive_server_has_its_own_upload_only_accounts():
    site = sites.site(RCR)
    primary, backup = roles_get.archive_server(site, "ftp01"), roles_get.archive_server(site, "ftp02")
    assert [(a["user"], a["kind"], a["ftps"]) for a in primary["accounts"]] == [
        ("cfgarchive", "ios", False), ("cfgsave-a", "controller", True)]
    assert [(a["user"], a["kind"]) for a in backup["accounts"]] == [("cfgsave-b", "controller")]
    assert primary["ftps_required"] is False  # IOS 15.x cannot do FTPS
    assert backup["ftps_required"] is True
    assert all(a["password"] is None for a in primary["accounts"])
    with_secrets = roles_get.archive_server(site, "ftp01", secrets=True)["accounts"]
    assert [a["password"] is not None for a in with_secrets] == [True, True]


def test_the_controller_stores_on_both_servers_with_each_servers_account():
    targets = roles_get.archive_targets(sites.site(RCR), secrets=True)
    assert [(t["role"], t["host"], t["address"], t["user"], t["ftps"]) for t in targets] == [
        ("primary", "ftp01", "10.0.10.81", "cfgsave-a", True), ("backup", "ftp02", "10.0.10.82", "cfgsave-b", True)]
    assert targets[0]["password"] != targets[1]["password"]


def test_one_account_for_both_servers_is_refused():
    archive = dict(sites.site(RCR).vars["site_config_archive"])
    archive["controller_accounts"] = {"primary": archive["controller_accounts"]["primary"],
                                      "backup": archive["controller_accounts"]["primary"]}
    found = problems(sites.modified(RCR, site_config_archive=archive), "config-archive")
    assert any("controller_accounts.backup.user: each archive server has its own controller account" in p for p in found)
    assert any("controller_accounts.backup.password: the two archive servers need different passwords" in p for p in found)


# ---- GLPI ----------------------------------------------------------------------------------------------------
def test_glpi_release_and_web_side():
    web = roles_get.glpi(sites.site(RCR))
    assert (web["version"], web["server_name"], web["certificate"], web["self_signed"]) == (
        "10.0.20", "glpi.rcr.local", None, True)


def test_a_production_site_without_the_cas_certificate_gets_a_warning_and_the_lab_none():
    warnings = [p for p in sites.problems(RCR) if p.rule == "glpi" and "self-signed" in p.message]
    assert len(warnings) == 1 and warnings[0].severity == "warning"
    assert warnings[0].where and warnings[0].where.endswith("group_vars/all/glpi.yml:13")
    assert [p for p in sites.problems(LAB) if p.rule == "glpi" and "self-signed" in p.message] == []


def test_a_certificate_needs_its_file_and_its_vault_key():
    glpi_vars = {**sites.site(RCR).vars["site_glpi"], "tls_certificate": "files/certs/missing.pem"}
    found = problems(sites.modified(RCR, site_glpi=glpi_vars), "glpi")
    assert any("files/certs/missing.pem does not exist in the inventory" in p for p in found)
    assert any("vault_glpi_tls_private_key, listed in site_required_secrets" in p for p in found)
    assert not any("self-signed" in p for p in found)


# ---- the inventories as committed ----------------------------------------------------------------------------
@pytest.mark.parametrize("inventory", [RCR, LAB])
def test_both_inventories_validate_without_debian_errors(inventory):
    errors = [str(p) for p in sites.problems(inventory) if p.severity == "error"]
    assert errors == []


def test_the_moved_checks_still_catch_the_archive_servers():
    archive = {**sites.site(RCR).vars["site_config_archive"], "backup": "ftp01"}
    assert any("the backup FTP server must differ from the primary" in p
               for p in problems(sites.modified(RCR, site_config_archive=archive)))
