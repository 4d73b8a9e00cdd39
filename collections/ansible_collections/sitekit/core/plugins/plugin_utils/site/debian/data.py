"""The Debian views' types: what the nftables, squid, ftp_archive and glpi roles apply (see ``typed.to_vars``)."""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site.typed import view


@view
class AdminAccess:
    user: str
    sources: tuple[str, ...]  # the administrators' VLAN subnets


@view
class FirewallRule:
    name: str
    protocol: str
    ports: tuple[str, ...]  # "22", "40000-40100"
    sources: tuple[str, ...]  # collapsed CIDR blocks
    why: str


@view
class Firewall:
    host: str
    rules: tuple[FirewallRule, ...]
    icmp_sources: tuple[str, ...]
    ftp_helper_ports: tuple[int, ...]


@view
class Glpi:
    version: str
    sha256: str
    archive_path: str
    server_name: str | None
    clients: tuple[str, ...]
    certificate: str | None
    self_signed: bool


@view
class ProxyUser:
    name: str
    password: str | None  # None unless the view was asked for secrets


@view
class LocalAuth:
    backend: str  # "local"
    realm: str
    users: tuple[ProxyUser, ...]


@view
class DirectoryAuth:
    backend: str  # "active_directory"
    realm: str
    ldap_servers: tuple[str, ...]
    base_dn: str
    bind_dn: str
    bind_password: str | None
    user_filter: str


@view
class Proxy:
    port: int
    ftp_port: int | None
    clients: tuple[str, ...]
    internal: tuple[str, ...]
    vendor_domains: tuple[str, ...]
    blocked_domains: tuple[str, ...]
    service_hosts: tuple[str, ...]
    shared_hosts: tuple[str, ...]
    auth: LocalAuth | DirectoryAuth


@view
class ArchiveAccount:
    user: str
    kind: str  # "ios" or "controller" (archive.CLIENT_KINDS)
    role: str
    ftps: bool
    password: str | None


@view
class ArchiveServer:
    host: str
    role: str  # "primary" or "backup"
    accounts: tuple[ArchiveAccount, ...]
    ftps_required: bool
    passive_ports: tuple[int, ...]  # (first, last)
    clients: tuple[str, ...]
    retention_days: int


@view
class ArchiveTarget:
    role: str
    host: str
    address: str
    port: int
    user: str
    password: str | None
    ftps: bool
