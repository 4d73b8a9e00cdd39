"""Rules of the Debian tier (the FTP archive, the proxy, GLPI, the host firewalls) and its views for every host."""

from __future__ import annotations

from pathlib import Path

from ansible_collections.sitekit.core.plugins.plugin_utils.site import debian
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import problem
from ansible_collections.sitekit.core.plugins.plugin_utils.site.rulebook import rule, view_problems

DEBIAN_GROUPS = ("glpi", "ftp_archive", "squid")


def debian_hosts(site: Site) -> list[str]:
    """Every Debian server the roles configure (group debian and the service groups), in inventory order."""
    names = site.group("debian") + [h for g in DEBIAN_GROUPS for h in site.group(g)]
    return [h for i, h in enumerate(names) if h in site.hosts and h not in names[:i]]


# req: SPEC-2-config-backup
@rule("config-archive", "the two FTP archive servers are distinct hosts of group ftp_archive with a sane passive range")
def config_archive(site: Site):
    archive = site.vars.get("site_config_archive") or {}
    for key in ("primary", "backup"):
        host = archive.get(key)
        if host is not None and not site.in_group(host, "ftp_archive"):
            yield problem("config-archive", f"site_config_archive.{key}", f"{host!r} is not in group ftp_archive", value=host)
    if archive.get("primary") and archive.get("primary") == archive.get("backup"):
        yield problem("config-archive", "site_config_archive.backup", "the backup FTP server must differ from the primary",
                      value=archive["backup"])
    ports = archive.get("passive_ports") or []
    if len(ports) == 2 and all(isinstance(p, int) for p in ports) and ports[0] > ports[1]:
        yield problem("config-archive", "site_config_archive.passive_ports", f"range {ports[0]}-{ports[1]} is reversed",
                      value=ports)
    accounts = archive.get("controller_accounts") or {}
    users = [str((accounts.get(r) or {}).get("user")) for r in ("primary", "backup")]
    if users[0] == users[1] and users[0] != "None":
        yield problem("config-archive", "site_config_archive.controller_accounts.backup.user",
                      "each archive server has its own controller account: one stolen login must not reach both copies",
                      value=(accounts.get("backup") or {}).get("user"))
    passwords = [str((accounts.get(r) or {}).get("password")) for r in ("primary", "backup")]
    if passwords[0] == passwords[1] and passwords[0] != "None":
        yield problem("config-archive", "site_config_archive.controller_accounts.backup.password",
                      "the two archive servers need different passwords (one vault variable each)",
                      value=(accounts.get("backup") or {}).get("password"))


# req: SPEC-6-glpi SPEC-6-glpi-hardening
@rule("glpi", "GLPI is pinned by checksum and served with the site CA's certificate (self-signed only by choice)")
def glpi(site: Site):
    glpi_vars = site.vars.get("site_glpi") or {}
    if "sha256" in glpi_vars and not glpi_vars["sha256"]:
        yield problem("glpi", "site_glpi.sha256", f"GLPI {glpi_vars.get('version')} is not pinned by checksum yet: the glpi "
                      "role refuses to install it until the sha256 of the verified release is filled in", value=None,
                      severity="warning", fallback=glpi_vars.get("version"))
    certificate = glpi_vars.get("tls_certificate")
    if certificate:
        path = Path(site.source or ".") / str(certificate)
        if site.sources is not None:
            site.sources.outside.append(str(path))  # may lie outside the inventory: the gate's cache hashes it
        if site.source and not path.is_file():
            yield problem("glpi", "site_glpi.tls_certificate", f"{certificate} does not exist in the inventory ({path})",
                          value=certificate)
        required = [str(s) for s in site.vars.get("site_required_secrets") or []]
        if "vault_glpi_tls_private_key" not in required:
            yield problem("glpi", "site_glpi.tls_certificate", "the certificate's key must be the vault secret "
                          "vault_glpi_tls_private_key, listed in site_required_secrets", value=certificate)
    elif not glpi_vars.get("tls_self_signed") and glpi_vars:
        yield problem("glpi", "site_glpi.tls_certificate", "no certificate from the site's CA: GLPI will present a "
                      "self-signed certificate users learn to click through (set tls_certificate, or tls_self_signed: true "
                      "for a lab)", severity="warning", fallback=glpi_vars.get("url_host"))


# req: SPEC-4-squid SPEC-2-config-backup SPEC-6-glpi
@rule("debian-views", "every Debian host's firewall, the proxy, the FTP archive accounts and GLPI's web side compute",
      views=True)
def debian_views(site: Site):
    out = []
    out += view_problems("debian-views", lambda: debian.admin_access(site))
    for host in debian_hosts(site):
        out += view_problems("debian-views", lambda h=host: debian.firewall(site, h))
    if site.group("squid"):
        out += view_problems("debian-views", lambda: debian.proxy(site))
    if site.group("ftp_archive"):
        out += view_problems("debian-views", lambda: debian.archive_targets(site))
        for host in site.group("ftp_archive"):
            out += view_problems("debian-views", lambda h=host: debian.archive_server(site, h))
    if site.group("glpi"):
        out += view_problems("debian-views", lambda: debian.glpi(site))
    return out
