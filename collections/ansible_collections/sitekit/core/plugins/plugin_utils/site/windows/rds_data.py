"""The RDS view's types (rds.py): the deployment's ordered steps, the broker HA prerequisites, the gateway policies.

Each step is run by the first connection broker; ``order`` is its place (1, 2, …), ``step`` its name and
``action`` what the rds_deployment role does with it (see ``typed.to_vars``).
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible_collections.sitekit.core.plugins.plugin_utils.site.typed import optional, view


@view
class SessionDeploymentStep:
    step: str
    action: str  # new_session_deployment
    connection_broker: str
    web_access_server: str
    session_hosts: tuple[str, ...]
    order: int


@view
class BrokerHaStep:
    step: str
    action: str  # set_broker_ha
    client_access_name: str
    database_connection_string: str
    database_server: str
    database_port: int
    servers: tuple[str, ...]  # the other brokers
    role: str
    order: int


@view
class AddServerStep:
    step: str
    action: str  # add_server
    role: str
    servers: tuple[str, ...]
    gateway_external_fqdn: str | None = optional()  # RD Gateway servers only
    order: int


@view
class LicensingStep:
    step: str
    action: str  # set_licensing
    mode: str
    license_servers: tuple[str, ...]
    order: int


@view
class RemoteApp:
    alias: str
    display_name: str
    file_path: str
    user_groups: tuple[str, ...]
    required_on: tuple[str, ...]  # published once the program is on every session host


@view
class CollectionStep:
    step: str
    action: str  # new_collection
    name: str
    description: str
    session_hosts: tuple[str, ...]
    user_groups: tuple[str, ...]
    remote_app: RemoteApp
    order: int


@view
class RdsCertificate:
    role: str  # RDGateway, RDWebAccess, RDRedirector, RDPublishing
    pfx: str
    vault_var: str


@view
class CertificatesStep:
    step: str
    action: str  # set_certificates
    certificates: tuple[RdsCertificate, ...]
    order: int


RdsStep = SessionDeploymentStep | BrokerHaStep | AddServerStep | LicensingStep | CollectionStep | CertificatesStep


@view
class BrokerHa:
    """Prerequisites of broker high availability: the ODBC driver, the DNS round-robin name, the database."""

    odbc_driver: str
    odbc_msi: str
    brokers: tuple[str, ...]
    dns_zone: str
    dns_name: str
    dns_addresses: tuple[str, ...]
    database_server: str
    database_port: int


@view
class GatewayCap:
    name: str
    user_groups: tuple[str, ...]
    auth_method: str


@view
class GatewayRap:
    name: str
    user_groups: tuple[str, ...]
    allowed_ports: tuple[int, ...]
    computer_group: str
    computer_members: tuple[str, ...]  # HOST$ of the brokers and session hosts


@view
class GatewayPolicies:
    gateways: tuple[str, ...]
    cap: GatewayCap
    rap: GatewayRap


@view
class RdsPlan:
    management_server: str
    steps: tuple[RdsStep, ...]
    assignments: Mapping[str, tuple[str, ...]]  # server FQDN → RemoteDesktop role ids
    gateway_policies: GatewayPolicies | None
    broker_ha: BrokerHa | None
    counts: Mapping[str, int]  # SITE-SPEC §4 label → servers
