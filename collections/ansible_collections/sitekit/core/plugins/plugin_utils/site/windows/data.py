"""The Windows views' types: what the Windows roles apply (see ``typed.to_vars``).

Field order is the key order the roles and templates have always read (a share of the file server
prints its description third, the Cegid update share last: two types).
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible_collections.sitekit.core.plugins.plugin_utils.site.typed import optional, view


# ---- names.py: the directory -----------------------------------------------------------------
@view
class Ou:
    name: str
    path: str  # the parent's DN
    dn: str


@view
class Directory:
    domain_dn: str
    ous: tuple[Ou, ...]  # in creation order
    ou: Mapping[str, str]  # purpose → DN


# ---- ad.py: DHCP, updates, the shutdown GPO, groups ------------------------------------------
@view
class DhcpScope:
    name: str
    vlan: int
    scope_id: str
    subnet_mask: str
    start: str
    end: str
    router: str
    dns_servers: tuple[str, ...]
    dns_domain: str | None
    lease_hours: int


@view
class UpdateRing:
    name: str
    pilot: bool
    defer_quality_days: int
    defer_feature_days: int
    install_hour: int
    wsus_url: str | None


@view
class ShutdownTask:
    gpo_name: str
    time: str  # HH:MM:SS
    target_ous: tuple[str, ...]
    new_computers_ou: str | None
    command: str
    arguments: str
    warning_seconds: int


@view
class AdGroup:
    name: str
    members: tuple[str, ...]
    member_rids: tuple[int, ...]  # built-in accounts by RID (500: Administrator)


# ---- files.py: the file server -------------------------------------------------------------
@view
class Share:
    name: str
    path: str
    description: str
    share_change: tuple[str, ...]
    share_read: tuple[str, ...]
    ntfs_modify: tuple[str, ...]
    ntfs_read: tuple[str, ...]
    ntfs_full_sids: tuple[str, ...]


@view
class WeeklyTrigger:
    type: str  # "weekly" (win_scheduled_task)
    weeks_interval: int
    days_of_week: tuple[str, ...]
    start_boundary: str


@view
class ShadowCopies:
    volume: str
    max_size_percent: int
    days: tuple[str, ...]
    times: tuple[str, ...]
    task_name: str
    triggers: tuple[WeeklyTrigger, ...]


@view
class FileServer:
    data_volume: str
    shares: tuple[Share, ...]
    shadow_copies: ShadowCopies | None


# ---- firewall.py -----------------------------------------------------------------------------
@view
class FirewallRule:
    name: str
    group: str
    description: str
    direction: str  # "in" or "out"
    action: str
    protocol: str
    ports: tuple[int, ...]
    localport: str
    remoteport: str
    scope: tuple[str, ...]  # VLAN roles or "internet", as declared
    remoteip: str
    profiles: tuple[str, ...]
    enabled: bool
    hosts: tuple[str, ...]
    addition: bool


# ---- kds.py ----------------------------------------------------------------------------------
@view
class GmsaPhase:
    ready: bool
    usable_utc: str
    come_back_after: str | None
    message: str


# ---- sizing.py -------------------------------------------------------------------------------
@view
class SizingCheck:
    ok: bool
    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    users_per_session_host: int


# ---- sql.py ----------------------------------------------------------------------------------
@view
class SqlServiceAccount:
    kind: str  # virtual, gmsa or domain
    setup_name: str
    local: str  # the identity NTFS sees
    network: str  # the identity a share sees
    service: str
    needs_password: bool
    ad_name: str | None = optional()  # a gMSA's name in AD


@view
class ProductKey:
    source: str  # "vault" or "media"
    vault_var: str | None


@view
class SqlSetup:
    action: str
    features: str
    instance_name: str
    instance_id: str
    edition: str
    collation: str
    sysadmin_accounts: tuple[str, ...]
    service_account: str
    service_needs_password: bool
    agent_account: str
    tcp_port: int
    browser_startup: str
    data_dir: str | None
    log_dir: str | None
    backup_dir: str | None
    tempdb_dir: str | None
    media: str | None
    product_key: ProductKey


@view
class SqlLogin:
    name: str
    type: str  # group, user or computer


@view
class GenericLogin:
    name: str
    remove: bool
    administrators: str | None


@view
class SqlSecurity:
    users_group: str
    update_login: str
    administrators_group: str | None
    logins: tuple[SqlLogin, ...]
    server_roles: Mapping[str, tuple[str, ...]]
    server_role_pairs: tuple[str, ...]  # "login|role", sorted: what verify.sql.j2 reads back
    fixed_server_roles: tuple[str, ...]
    databases: tuple[str, ...]
    database_roles: Mapping[str, tuple[str, ...]]
    disable_sa: bool
    generic_login: GenericLogin


@view
class UpdateShare:
    """The Cegid update share (seed 000): a Share's rights, its description last."""

    name: str
    path: str
    share_change: tuple[str, ...]
    share_read: tuple[str, ...]
    ntfs_modify: tuple[str, ...]
    ntfs_read: tuple[str, ...]
    ntfs_full_sids: tuple[str, ...]
    description: str
