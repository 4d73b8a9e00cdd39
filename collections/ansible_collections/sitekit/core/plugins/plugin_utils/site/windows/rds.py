"""The RDS farm (SITE-SPEC §4): which server gets which role, in which order."""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.firewall import SQL_DEFAULT_PORT
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.names import (
    WindowsPlanError,
    cegid_vars,
    domain_name,
    fqdn,
    windows_vars,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.rds_data import (
    AddServerStep,
    BrokerHa,
    BrokerHaStep,
    CertificatesStep,
    CollectionStep,
    GatewayCap,
    GatewayPolicies,
    GatewayRap,
    LicensingStep,
    RdsCertificate,
    RdsPlan,
    RdsStep,
    RemoteApp,
    SessionDeploymentStep,
)

# ---------------------------------------------------------------------------------------
# RDS farm (SITE-SPEC §4): which server gets which role, in which order
# ---------------------------------------------------------------------------------------
# (inventory group, RemoteDesktop module role id, SITE-SPEC §4 label)
RDS_ROLES = [
    ("rds_connection_brokers", "RDS-CONNECTION-BROKER", "RD Connection Broker"),
    ("rds_web_access", "RDS-WEB-ACCESS", "RD Web Access"),
    ("rds_session_hosts", "RDS-RD-SERVER", "RD Session Host"),
    ("rds_virtualization_hosts", "RDS-VIRTUALIZATION", "RD Virtualization Host"),
    ("rds_gateways", "RDS-GATEWAY", "RD Gateway"),
    ("rds_licensing", "RDS-LICENSING", "RD Licensing"),
]
CERTIFICATE_ROLES = ("RDGateway", "RDWebAccess", "RDRedirector", "RDPublishing")


def rds_plan(site: Site) -> RdsPlan:
    """The RDS deployment as ordered steps, each run by the first connection broker.

    1 session deployment (first broker, first web access, every session host) —
    2 broker high availability and the other brokers — 3 the other web access servers —
    4 virtualization hosts — 5 gateways — 6 licensing servers — 7 licensing mode and
    servers — 8 session collection with the Cegid RemoteApp — 9 certificates per role.
    A step whose servers are already in the deployment is a no-op (the role reads the
    deployment first), so a partial deployment is completed, never recreated.
    """
    win, cegid = windows_vars(site), cegid_vars(site)
    rds = win.get("rds") or {}
    members = {group: tuple(fqdn(site, h) for h in site.group(group)) for group, _, _ in RDS_ROLES}
    broker_ha = None
    for group in ("rds_connection_brokers", "rds_web_access", "rds_session_hosts"):
        if not members[group]:
            raise WindowsPlanError(f"an RDS session deployment needs at least one host in group {group}")
    brokers, web, session_hosts = members["rds_connection_brokers"], members["rds_web_access"], members["rds_session_hosts"]
    steps: list[RdsStep] = [SessionDeploymentStep(step="session_deployment", action="new_session_deployment",
                                                  connection_broker=brokers[0], web_access_server=web[0],
                                                  session_hosts=session_hosts, order=1)]
    if len(brokers) > 1:
        ha = rds.get("broker_ha") or {}
        if not ha:
            raise WindowsPlanError(f"{len(brokers)} connection brokers need site_windows.rds.broker_ha (client access name, database)")
        if ha["database_host"] not in site.group("sql_servers"):
            raise WindowsPlanError(f"the broker HA database host {ha['database_host']!r} is not in sql_servers (its logins are "
                                   "made by sqlserver_cegid)", key="site_windows.rds.broker_ha.database_host",
                                   value=ha["database_host"])
        db_host = fqdn(site, ha["database_host"])
        port = int((cegid.get("sql") or {}).get("tcp_port") or SQL_DEFAULT_PORT)
        # The instance's fixed TCP port, not its name: no dependency on SQL Browser (UDP 1434).
        steps.append(BrokerHaStep(step="broker_high_availability", action="set_broker_ha",
                                  client_access_name=fqdn(site, ha["client_access_name"]),
                                  database_connection_string=f"DRIVER={ha['odbc_driver']};SERVER=tcp:{db_host},{port};"
                                  f"Trusted_Connection=Yes;APP=Remote Desktop Services Connection Broker;"
                                  f"DATABASE={ha['database']}",
                                  database_server=db_host, database_port=port,
                                  servers=brokers[1:], role="RDS-CONNECTION-BROKER", order=len(steps) + 1))
        # Prerequisites (Microsoft, "Add the RD Connection Broker server to the deployment and configure
        # high availability"): the ODBC driver on every broker, a DNS round-robin name with one A record
        # per broker, and the brokers' computer accounts allowed to create the database (sql.broker_logins).
        broker_ha = BrokerHa(odbc_driver=ha["odbc_driver"], odbc_msi=ha["odbc_msi"],
                             brokers=tuple(site.group("rds_connection_brokers")),
                             dns_zone=site.vars["site_domain"], dns_name=ha["client_access_name"],
                             dns_addresses=tuple(str(site.host_ip(h)) for h in site.group("rds_connection_brokers")),
                             database_server=db_host, database_port=port)
    if len(web) > 1:
        steps.append(AddServerStep(step="web_access_servers", action="add_server", role="RDS-WEB-ACCESS", servers=web[1:],
                                   order=len(steps) + 1))
    if members["rds_virtualization_hosts"]:
        steps.append(AddServerStep(step="virtualization_hosts", action="add_server", role="RDS-VIRTUALIZATION",
                                   servers=members["rds_virtualization_hosts"], order=len(steps) + 1))
    if members["rds_gateways"]:
        if not rds.get("gateway_external_fqdn"):
            raise WindowsPlanError("RD Gateway servers need site_windows.rds.gateway_external_fqdn")
        steps.append(AddServerStep(step="gateways", action="add_server", role="RDS-GATEWAY", servers=members["rds_gateways"],
                                   gateway_external_fqdn=rds["gateway_external_fqdn"], order=len(steps) + 1))
    if members["rds_licensing"]:
        steps.append(AddServerStep(step="licensing_servers", action="add_server", role="RDS-LICENSING",
                                   servers=members["rds_licensing"], order=len(steps) + 1))
        steps.append(LicensingStep(step="licensing_configuration", action="set_licensing",
                                   mode=rds.get("licensing_mode", "PerUser"), license_servers=members["rds_licensing"],
                                   order=len(steps) + 1))
    collection = rds.get("collection") or {"name": "Cegid"}
    app = rds.get("remote_app") or {}
    if not app.get("file_path"):
        raise WindowsPlanError("the Cegid RemoteApp needs site_windows.rds.remote_app.file_path")
    users_group = domain_name(site, cegid.get("users_group", ""))
    steps.append(CollectionStep(
        step="session_collection", action="new_collection", name=collection["name"],
        description=collection.get("description", ""), session_hosts=session_hosts, user_groups=(users_group,),
        remote_app=RemoteApp(alias=app.get("alias", "Cegid"), display_name=app.get("display_name", "Cegid"),
                             file_path=app["file_path"], user_groups=(users_group,),
                             # published only once the program is on every session host (the role looks)
                             required_on=tuple(site.group("rds_session_hosts"))),
        order=len(steps) + 1))
    certificates = rds.get("certificates") or []
    unknown = sorted({c["role"] for c in certificates} - set(CERTIFICATE_ROLES))
    if unknown:
        raise WindowsPlanError(f"unknown RDS certificate role(s) {unknown}: use {list(CERTIFICATE_ROLES)}")
    if certificates:
        steps.append(CertificatesStep(step="certificates", action="set_certificates", order=len(steps) + 1,
                                      certificates=tuple(RdsCertificate(role=c["role"], pfx=c["pfx"], vault_var=c["vault_var"])
                                                         for c in certificates)))
    # RD Gateway policies (on each gateway): the Cegid users may connect (CAP) to the brokers
    # and session hosts only (RAP on an AD group of those computers, never "any computer").
    gateway_policies = None
    if members["rds_gateways"]:
        targets = site.group("rds_connection_brokers") + site.group("rds_session_hosts")
        gateway_policies = GatewayPolicies(
            gateways=tuple(site.group("rds_gateways")),
            cap=GatewayCap(name="Cegid-CAP", user_groups=(users_group,), auth_method="password"),
            rap=GatewayRap(name="Cegid-RAP", user_groups=(users_group,), allowed_ports=(3389,),
                           computer_group=domain_name(site, rds.get("gateway_computer_group", "GG-RDS-Destinations")),
                           computer_members=tuple(f"{h.upper()}$" for h in targets)),
        )
    assignments: dict[str, tuple[str, ...]] = {}
    for group, role_id, _ in RDS_ROLES:
        for name in members[group]:
            assignments[name] = (*assignments.get(name, ()), role_id)
    return RdsPlan(management_server=brokers[0], steps=tuple(steps), assignments=assignments,
                   gateway_policies=gateway_policies, broker_ha=broker_ha,
                   counts={label: len(members[group]) for group, _, label in RDS_ROLES})
