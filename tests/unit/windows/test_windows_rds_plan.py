"""The RDS plan computed from inventories/rcr has SITE-SPEC §4's counts and the required order."""

from __future__ import annotations

import re

import pytest
from ansible_collections.sitekit.core.plugins.plugin_utils.site import windows as sw
from sitekit_paths import SHARED
from windows_testlib import modified, rcr

# SITE-SPEC §4 table (RDS rows; the 2 domain controllers are checked below).
SPEC_COUNTS = {"RD Web Access": 2, "RD Gateway": 2, "RD Licensing": 2, "RD Connection Broker": 2,
               "RD Virtualization Host": 3, "RD Session Host": 2}
# The order the issue requires: session deployment (broker + web access + session hosts), then
# gateway, licensing servers, licensing mode/servers, the collection with the RemoteApp, certificates.
REQUIRED_ORDER = ["session_deployment", "gateways", "licensing_servers", "licensing_configuration",
                  "session_collection", "certificates"]


@pytest.fixture(scope="module")
def plan():
    return sw.rds_plan(rcr())


def test_spec_table_transcription_matches_site_spec():
    spec = SHARED / "SITE-SPEC.md"
    if not spec.exists():
        pytest.skip(f"{spec} is not on this machine (the transcription above is the reference)")
    rows = dict(re.findall(r"^\| (RD [A-Za-z ]+?|Active Directory domain controllers) \| (\d+) \|$", spec.read_text(), re.M))
    assert {k: int(v) for k, v in rows.items() if k.startswith("RD")} == SPEC_COUNTS
    assert int(rows["Active Directory domain controllers"]) == len(rcr().group("ad_domain_controllers")) == 2


@pytest.mark.requirement("SPEC-4-rds-farm")
def test_counts_equal_site_spec(plan):
    assert plan.counts == SPEC_COUNTS
    per_role = {}
    for roles in plan.assignments.values():
        for role in roles:
            per_role[role] = per_role.get(role, 0) + 1
    assert per_role == {"RDS-CONNECTION-BROKER": 2, "RDS-WEB-ACCESS": 2, "RDS-RD-SERVER": 2, "RDS-VIRTUALIZATION": 3,
                        "RDS-GATEWAY": 2, "RDS-LICENSING": 2}


def test_every_server_gets_the_role_of_its_group_only(plan):
    assert plan.assignments["rdcb01.rcr.local"] == ("RDS-CONNECTION-BROKER",)
    assert plan.assignments["rdsh02.rcr.local"] == ("RDS-RD-SERVER",)
    assert plan.assignments["rdvh03.rcr.local"] == ("RDS-VIRTUALIZATION",)
    assert all(len(roles) == 1 for roles in plan.assignments.values())
    assert "dc01.rcr.local" not in plan.assignments and "sql01.rcr.local" not in plan.assignments


def test_steps_are_in_the_required_order(plan):
    names = [s.step for s in plan.steps]
    assert [s.order for s in plan.steps] == list(range(1, len(names) + 1))
    positions = [names.index(step) for step in REQUIRED_ORDER]
    assert positions == sorted(positions), names
    assert names == ["session_deployment", "broker_high_availability", "web_access_servers", "virtualization_hosts",
                     "gateways", "licensing_servers", "licensing_configuration", "session_collection", "certificates"]


def test_first_step_creates_the_session_deployment_on_the_first_broker(plan):
    first = plan.steps[0]
    assert plan.management_server == first.connection_broker == "rdcb01.rcr.local"
    assert first.web_access_server == "rdweb01.rcr.local"
    assert first.session_hosts == ("rdsh01.rcr.local", "rdsh02.rcr.local")


def test_later_steps_add_the_remaining_servers_once(plan):
    added = [s for step in plan.steps for s in getattr(step, "servers", ())]
    assert sorted(added) == sorted(["rdcb02.rcr.local", "rdweb02.rcr.local", "rdvh01.rcr.local", "rdvh02.rcr.local",
                                    "rdvh03.rcr.local", "rdgw01.rcr.local", "rdgw02.rcr.local", "rdlic01.rcr.local",
                                    "rdlic02.rcr.local"])
    gateways = next(s for s in plan.steps if s.step == "gateways")
    assert gateways.gateway_external_fqdn == "bureau.rcr.local"


def test_licensing_and_collection_settings(plan):
    licensing = next(s for s in plan.steps if s.step == "licensing_configuration")
    assert licensing.mode == "PerUser" and licensing.license_servers == ("rdlic01.rcr.local", "rdlic02.rcr.local")
    collection = next(s for s in plan.steps if s.step == "session_collection")
    assert collection.user_groups == ("RCR\\GG-Cegid-Utilisateurs",)
    assert collection.remote_app.alias == "CegidFiscalite"
    assert collection.remote_app.file_path.endswith(".exe")
    certificates = next(s for s in plan.steps if s.step == "certificates").certificates
    assert sorted(c.role for c in certificates) == sorted(sw.CERTIFICATE_ROLES)
    assert all(c.vault_var.startswith("vault_") for c in certificates)


def test_broker_ha_database_connection_string(plan):
    ha = next(s for s in plan.steps if s.step == "broker_high_availability")
    assert ha.client_access_name == "rdcb.rcr.local"
    # the instance's fixed port (no SQL Browser), through the ODBC driver the brokers get
    assert ha.database_connection_string.startswith("DRIVER=ODBC Driver 17 for SQL Server;SERVER=tcp:sql01.rcr.local,1433;")
    assert "DATABASE=RDCB_HA" in ha.database_connection_string


def test_broker_ha_prerequisites(plan):
    """Microsoft's prerequisites of broker HA: the ODBC driver on every broker, one A record per broker
    under the client access name, and the brokers' computer accounts allowed to create the database."""
    ha = plan.broker_ha
    assert (ha.odbc_driver, ha.brokers) == ("ODBC Driver 17 for SQL Server", ("rdcb01", "rdcb02"))
    assert (ha.dns_zone, ha.dns_name, ha.dns_addresses) == ("rcr.local", "rdcb", ("10.0.10.37", "10.0.10.38"))
    security = sw.sql_security(rcr())
    assert {security.server_roles[f"RCR\\RDCB0{i}$"][0] for i in (1, 2)} == {"dbcreator"}


def test_broker_ha_database_on_a_host_outside_sql_servers_is_refused():
    rds = {**rcr().vars["site_windows"]["rds"], "broker_ha": {**rcr().vars["site_windows"]["rds"]["broker_ha"],
                                                              "database_host": "fs01"}}
    with pytest.raises(sw.WindowsPlanError, match="not in sql_servers"):
        sw.rds_plan(modified(site_windows={**rcr().vars["site_windows"], "rds": rds}))


def test_remote_app_is_required_on_every_session_host(plan):
    collection = next(s for s in plan.steps if s.step == "session_collection")
    assert collection.remote_app.required_on == ("rdsh01", "rdsh02")


def test_a_farm_without_broker_is_refused():
    site = modified()
    site.groups["rds_connection_brokers"] = []
    with pytest.raises(sw.WindowsPlanError, match="rds_connection_brokers"):
        sw.rds_plan(site)


def test_two_brokers_need_the_ha_settings():
    windows = {**rcr().vars["site_windows"], "rds": {k: v for k, v in rcr().vars["site_windows"]["rds"].items() if k != "broker_ha"}}
    with pytest.raises(sw.WindowsPlanError, match="broker_ha"):
        sw.rds_plan(modified(site_windows=windows))


def test_a_single_broker_farm_has_no_ha_step():
    site = modified()
    site.groups["rds_connection_brokers"] = ["rdcb01"]
    names = [s.step for s in sw.rds_plan(site).steps]
    assert "broker_high_availability" not in names and names[0] == "session_deployment"


def test_gateway_policies_admit_the_cegid_users_to_the_farm_only(plan):
    policies = plan.gateway_policies
    assert policies.gateways == ("rdgw01", "rdgw02")
    assert policies.cap.user_groups == policies.rap.user_groups == ("RCR\\GG-Cegid-Utilisateurs",)
    assert policies.rap.computer_members == ("RDCB01$", "RDCB02$", "RDSH01$", "RDSH02$")
    assert policies.rap.allowed_ports == (3389,)


def test_no_gateway_no_policies():
    site = modified()
    site.groups["rds_gateways"] = []
    plan = sw.rds_plan(site)
    assert plan.gateway_policies is None and "gateways" not in [s.step for s in plan.steps]
