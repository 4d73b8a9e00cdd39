"""The secrets rule: every secret is a vault value or a lookup, present, and never plaintext."""

from __future__ import annotations

import re

from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import is_reference, is_vaulted, problem
from ansible_collections.sitekit.core.plugins.plugin_utils.site.rulebook import rule

SECRET_KEY = re.compile(r"(password|passwd|secret|token|api_key|private_key)", re.I)
REF = re.compile(r"\{\{\s*(vault_[a-z0-9_]+)\s*\}\}")


def _walk(value, path):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, f"{path}[{i}]")
    else:
        yield path, value


# req: SPEC-6-glpi-hardening
@rule("secrets", "every secret is a vault_* variable that is present and vault-encrypted (or a lookup); none is plaintext")
def secrets(site: Site):
    required = [str(s) for s in site.vars.get("site_required_secrets") or []]
    referenced = set()
    scopes = [(None, site.vars)] + [(name, host.vars) for name, host in site.hosts.items()]
    for host, variables in scopes:
        for path, value in _walk(variables, ""):
            leaf = re.sub(r"(\[\d+\])+$", "", path.rsplit(".", 1)[-1])
            if isinstance(value, str):
                referenced.update(REF.findall(value))
            if path.startswith(("vault_", "site_required_secrets")) or not SECRET_KEY.search(leaf) or value is None:
                continue
            if not (is_vaulted(value) or is_reference(value)):
                yield problem("secrets", path, "looks like a plaintext secret: use a vault_* variable or a lookup", value=value, host=host)
    for name in required:
        value = site.vars.get(name)
        if value is None:
            yield problem("secrets", name, "required secret is missing (add it to group_vars/all/vault.yml with ansible-vault encrypt_string)",
                     fallback=site.vars.get("site_required_secrets"))
        elif not (is_vaulted(value) or is_reference(value)):
            yield problem("secrets", name, "secret is plaintext: encrypt it with ansible-vault encrypt_string", value=value)
    for name in sorted(referenced - set(required)):
        yield problem("secrets", name, "is referenced but not listed in site_required_secrets", fallback=site.vars.get("site_required_secrets"))
    for name, value in site.vars.items():
        if name.startswith("vault_") and not (is_vaulted(value) or is_reference(value)):
            yield problem("secrets", name, "secret is plaintext: encrypt it with ansible-vault encrypt_string", value=value)
