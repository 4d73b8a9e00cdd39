"""rds_deployment on the real farm: servers and roles of SITE-SPEC §4, collection, RemoteApp, licensing."""

from __future__ import annotations

import pytest
from ansible_collections.sitekit.core.plugins.plugin_utils.site import windows as sw
from windows_hosts import MARKS, as_list, hosts_of, ps, site

pytestmark = MARKS
BROKERS = hosts_of("rds_connection_brokers")[:1]


@pytest.mark.parametrize("name", BROKERS)
def test_every_server_has_the_roles_of_the_plan(name):
    plan = sw.rds_plan(site())
    servers = as_list(ps(name, f"Get-RDServer -ConnectionBroker {plan.management_server} | "
                               "ForEach-Object { @{ server = $_.Server.ToLower(); roles = @($_.Roles) } }"))
    assert {s["server"]: sorted(as_list(s["roles"])) for s in servers} == {k: sorted(v) for k, v in plan.assignments.items()}


@pytest.mark.parametrize("name", BROKERS)
def test_collection_remoteapp_and_licensing(name):
    plan = sw.rds_plan(site())
    collection = next(s for s in plan.steps if s.step == "session_collection")
    broker = plan.management_server
    apps = as_list(ps(name, f"Get-RDRemoteApp -CollectionName '{collection.name}' -ConnectionBroker {broker} | "
                            "ForEach-Object { @{ alias = $_.Alias; path = $_.FilePath } }"))
    assert {"alias": collection.remote_app.alias, "path": collection.remote_app.file_path} in apps
    licensing = ps(name, f"$l = Get-RDLicenseConfiguration -ConnectionBroker {broker}; @{{ mode = \"$($l.Mode)\"; servers = @($l.LicenseServer) }}")
    step = next(s for s in plan.steps if s.step == "licensing_configuration")
    assert licensing["mode"] == step.mode
    assert sorted(s.lower() for s in as_list(licensing["servers"])) == sorted(step.license_servers)


@pytest.mark.parametrize("name", BROKERS)
def test_broker_high_availability_has_the_plan_settings(name):
    plan = sw.rds_plan(site())
    step = next((s for s in plan.steps if s.step == "broker_high_availability"), None)
    if step is None:
        pytest.skip("a single broker: no high availability")
    ha = ps(name, f"Get-RDConnectionBrokerHighAvailability -ConnectionBroker {plan.management_server} | "
                  "Select-Object ClientAccessName, DatabaseConnectionString")
    assert ha["ClientAccessName"].lower() == step.client_access_name
    assert f"server=tcp:{step.database_server},{step.database_port}" in ha["DatabaseConnectionString"].lower()
    addresses = as_list(ps(name, f"Resolve-DnsName {step.client_access_name} -Type A | ForEach-Object IPAddress"))
    assert sorted(addresses) == sorted(plan.broker_ha.dns_addresses), "one A record per broker (round robin)"
