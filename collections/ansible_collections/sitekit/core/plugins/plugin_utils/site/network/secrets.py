"""Secrets of the network view: ``{{ vault_x }}`` references resolved outside a play, and the forms IOS keeps.

SNMPv3 keys are localized hashes (RFC 3414 §A.2), so no password is printed; the FTP archive
password is IOS type 7, the only form `ip ftp password` takes.
"""

from __future__ import annotations

import functools
import hashlib
import re
from typing import Any

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network.names import NetworkModelError
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError

_REF = re.compile(r"^\s*\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}\s*$")


def resolve_secrets(value: Any, secrets: dict) -> Any:
    """Replace ``{{ vault_x }}`` references inside a structure from ``secrets``."""
    if isinstance(value, dict):
        return {k: resolve_secrets(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_secrets(v, secrets) for v in value]
    if isinstance(value, str):
        m = _REF.match(value)
        if m:
            if m.group(1) not in secrets:
                raise NetworkModelError(f"secret {m.group(1)} is needed to render and was not given")
            return secrets[m.group(1)]
    return value


SECRET_KEYS = ("site_security", "vault_ftp_archive_password")


def site_with_secrets(site: Site, secrets: dict) -> Site:
    """A copy of the site with ``{{ vault_x }}`` references replaced (rendering outside a play)."""
    site_vars = dict(site.vars)
    for key in SECRET_KEYS:
        if key in site_vars:
            site_vars[key] = resolve_secrets(site_vars[key], secrets) if key != "vault_ftp_archive_password" \
                else secrets.get(key, site_vars[key])
    return Site(site_vars, site.hosts, site.groups, source=site.source)


def engine_id(host: str) -> str:
    """A stable SNMP engine ID per device (enterprise 9, format 4 text, hashed name)."""
    return "8000000904" + hashlib.sha256(host.encode()).hexdigest()[:14].upper()


def snmp_localized_key(password: str, engine: str, length: int = 20) -> str:
    """SHA-1 password-to-key then localization with the engine ID, IOS colon notation."""
    if not password or "{{" in str(password):
        raise NetworkModelError("an SNMPv3 password was not resolved")
    return _localized_key(str(password), str(engine), length)


@functools.lru_cache(maxsize=64)
def _localized_key(password: str, engine: str, length: int) -> str:
    """The key itself, kept per process: each device's key is asked for by every view and rule that renders its
    management block, and each costs a SHA-1 over 1 MiB (the process holds the password anyway)."""
    pw = password.encode()
    # RFC 3414 A.2.2: SHA-1 over the password repeated to 1 MiB, hashed in one call.
    ku_input = (pw * (1048576 // len(pw) + 1))[:1048576]
    digest = hashlib.sha1(ku_input)
    ku = digest.digest()
    kul = hashlib.sha1(ku + bytes.fromhex(engine) + ku).digest()[:length]
    return ":".join(f"{b:02X}" for b in kul)


_XLAT = "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"


def type7(password: Any, host: str) -> str:
    """IOS type 7 form of the FTP archive password: the only form `ip ftp password` keeps.

    Reversible obfuscation, not a hash; IOS offers nothing stronger for this command.
    The seed is derived from the host name so that rendering is reproducible.
    """
    if not password or "{{" in str(password):
        raise NetworkModelError("vault_ftp_archive_password was not resolved")
    seed = int(hashlib.sha256(host.encode()).hexdigest(), 16) % 16
    return f"{seed:02d}" + "".join(f"{ord(c) ^ ord(_XLAT[(seed + i) % len(_XLAT)]):02X}" for i, c in enumerate(str(password)))


class AnySecret(dict):
    """Every ``{{ vault_x }}`` resolves to a dummy: the view computes configurations without the vault."""

    def __contains__(self, key) -> bool:
        return True

    def __getitem__(self, key) -> str:
        return "validation-dummy-not-a-secret"


def without_vault(site: Site) -> Site:
    """The site with its secrets replaced by a dummy (nothing is decrypted; the SNMP keys are computed on it)."""
    dummy = AnySecret()
    required = site.vars.get("site_required_secrets")
    site_vars = {name: dummy["x"] for name in (required if isinstance(required, list) else [])
                 if isinstance(name, str) and name.startswith("vault_")}  # also those of an unopened whole-file vault
    for key, value in site.vars.items():
        if str(key).startswith("vault_"):
            site_vars[key] = dummy["x"]
            continue
        try:
            site_vars[key] = resolve_secrets(value, dummy)
        except (SiteError, RecursionError):
            site_vars[key] = value
    security = site_vars.get("site_security")
    if isinstance(security, dict) and "snmp" in security:
        # The SNMPv3 keys (RFC 3414 localisation, 1 MB of SHA-1 each) depend only on the secrets: the schema checks
        # the snmp block; computing 2 keys per device on a dummy would cost most of validation's time.
        site_vars["site_security"] = {k: v for k, v in security.items() if k != "snmp"}
    return Site(site_vars, site.hosts, site.groups, source=site.source)
