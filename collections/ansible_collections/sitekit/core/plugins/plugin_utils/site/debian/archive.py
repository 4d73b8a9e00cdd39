"""The FTP configuration archive: each server's accounts and TLS policy, and where the controller stores configurations."""

from __future__ import annotations

from ansible_collections.sitekit.core.plugins.plugin_utils.site.debian.common import (
    FTP_PORT,
    DebianPlanError,
    admin_access,
    device_sources,
    host_address,
    section,
    unique,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.debian.data import (
    ArchiveAccount,
    ArchiveServer,
    ArchiveTarget,
)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site

# What each kind of client can do (documented in roles/ftp_archive/README.md): Cisco IOS 15.x `archive`
# and `copy ... ftp:` speak plain FTP only; the controller's sitekit.core.config_archive_put speaks FTPS.
CLIENT_KINDS = {
    "ios": {"ftps": False, "what": "Cisco IOS archive (plain FTP: IOS 15.x has no FTPS client)"},
    "controller": {"ftps": True, "what": "playbooks/backup_network.yml (FTPS)"},
}


def _archive(site: Site) -> dict:
    return section(site, "site_config_archive")


def _controller_account(site: Site, role: str) -> dict:
    accounts = _archive(site).get("controller_accounts") or {}
    account = accounts.get(role)
    if not account or not account.get("user"):
        raise DebianPlanError(f"the {role} server needs the controller's account", key=f"site_config_archive.controller_accounts.{role}",
                              value=accounts)
    return account


def archive_server(site: Site, host: str, secrets: bool = False) -> ArchiveServer:
    """One archive server: its accounts (upload and read, never delete), who connects, and whether FTPS is required.

    The primary also receives the devices' own IOS archive uploads, in plain FTP (IOS cannot do FTPS), with
    the device account; the controller has its own account on each server, FTPS only. FTPS is required on a
    server when every client kind it serves can speak it (the backup); the primary offers it and forces it
    on the controller's data connections only (vsftpd checks the login requirement before knowing the user).
    With ``secrets`` each account carries its password (read only then: the firewall view never opens a secret).
    """
    archive = _archive(site)
    role = next((r for r in ("primary", "backup") if archive.get(r) == host), None)
    if role is None:
        raise DebianPlanError(f"{host} is in group ftp_archive but is neither site_config_archive.primary nor .backup",
                              key="site_config_archive", host=host, value=archive)
    admin = admin_access(site)
    controller = _controller_account(site, role)
    accounts = [ArchiveAccount(user=str(controller["user"]), kind="controller", role=role, ftps=True,
                               password=controller.get("password") if secrets else None)]
    clients = list(admin.sources)
    if role == "primary":
        accounts.insert(0, ArchiveAccount(user=str(archive.get("user")), kind="ios", role=role, ftps=False,
                                          password=site.vars.get("vault_ftp_archive_password") if secrets else None))
        clients += device_sources(site, host)
    users = [a.user for a in accounts]
    if len(set(users)) != len(users):
        raise DebianPlanError("the device account and the controller's account must differ",
                              key=f"site_config_archive.controller_accounts.{role}.user", value=controller.get("user"))
    ports = list(archive.get("passive_ports") or [])
    if len(ports) != 2 or int(ports[0]) > int(ports[1]):
        raise DebianPlanError("passive_ports must be [first, last]", key="site_config_archive.passive_ports", value=ports)
    ftps = bool(archive.get("ftps"))
    if not ftps:
        raise DebianPlanError("FTPS must be offered: the controller's accounts never log in in clear",
                              key="site_config_archive.ftps", value=archive.get("ftps"))
    return ArchiveServer(host=host, role=role, accounts=tuple(accounts),
                         ftps_required=all(CLIENT_KINDS[a.kind]["ftps"] for a in accounts),
                         passive_ports=(int(ports[0]), int(ports[1])), clients=tuple(unique(clients)),
                         retention_days=int(archive.get("retention_days") or 0))


def archive_targets(site: Site, secrets: bool = False) -> tuple[ArchiveTarget, ...]:
    """Where the controller stores each configuration: both servers, each with its own account (FTPS)."""
    archive = _archive(site)
    out = []
    for role in ("primary", "backup"):
        host = archive.get(role)
        if not host:
            raise DebianPlanError(f"no {role} archive server", key=f"site_config_archive.{role}", value=host)
        account = _controller_account(site, role)
        out.append(ArchiveTarget(role=role, host=host, address=host_address(site, host, f"site_config_archive.{role}"),
                                 port=FTP_PORT, user=str(account["user"]),
                                 password=account.get("password") if secrets else None, ftps=True))
    return tuple(out)
