"""The secrets rules: every secret is a vault value or a lookup, present, well-formed, and not the public example.

Every file Ansible reads is scanned (group_vars, host_vars, the inventory's inline vars, the
``ansible_*`` connection variables included), each definition where it is written, so an
override in one host's file is seen too. A key is secret-shaped when one of its words is a
password word (``ansible_become_pass``, ``glpi_db_pwd``, ``snmp_community``…); a value is
secret-shaped when it is a private key, a vault envelope pasted without its ``!vault`` tag, a
URL with a password or a known token format. A secret is accepted when it is a ``!vault``
value, or a template that reads a ``vault_*`` variable, another secret or a lookup;
``"{{ 'S3cret' }}"`` reads nothing and is plaintext. A secret's value is never shown.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from ansible_collections.sitekit.core.plugins.plugin_utils.site import vault
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.origin import origin_of
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import Problem, is_vaulted, problem
from ansible_collections.sitekit.core.plugins.plugin_utils.site.references import LOOKUPS, is_template, reads
from ansible_collections.sitekit.core.plugins.plugin_utils.site.rulebook import rule
from ansible_collections.sitekit.core.plugins.plugin_utils.site.wording import suggest

MAX_DEPTH = 48
SECRET_WORDS = {"password", "passwd", "passphrase", "pass", "pwd", "secret", "token", "apikey", "community", "psk",
                "credential", "credentials"}
SECRET_PAIRS = {("api", "key"), ("private", "key"), ("secret", "key"), ("access", "key"), ("auth", "key"),
                ("encryption", "key"), ("pre", "shared")}
# A key ending in one of these names something about a secret, not the secret itself.
NOT_A_SECRET = {"file", "path", "length", "len", "min", "max", "policy", "age", "days", "expiry", "expires", "var",
                "vars", "name", "names", "enabled", "required", "count", "id", "user", "username", "url", "mode",
                "hash_algorithm", "rotation", "complexity"}
VALUE_SHAPES = [
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key"),
    (re.compile(r"^[a-z][a-z0-9+.-]*://[^/\s:@{}]+:[^/\s@{}]+@", re.I), "a URL with a password in it"),
    (re.compile(r"^(ghp_|gho_|github_pat_|glpat-|xox[baprs]-|sk_live_)[A-Za-z0-9_-]{8,}|^AKIA[0-9A-Z]{16}$"), "an API token"),
    (re.compile(r"PVEAPIToken=\S+=[0-9a-f]{8}-[0-9a-f]{4}-"), "a Proxmox API token"),
]


def words(key: str) -> list[str]:
    return [w.lower() for w in re.split(r"[_\-.\s]+|(?<=[a-z])(?=[A-Z])", str(key)) if w]


@functools.lru_cache(maxsize=8192)
def _secret_words(key: str) -> bool:
    parts = words(key)
    if not parts or parts[-1] in NOT_A_SECRET or parts[0] == "vault" and parts[-1] == "var":
        return False
    return bool(SECRET_WORDS & set(parts)) or any(pair in zip(parts, parts[1:], strict=False) for pair in SECRET_PAIRS)


def is_secret_key(key: Any) -> bool:
    """``ansible_become_pass``, ``glpi_db_password``, ``snmp_community``: yes; ``passive_ports``, ``vault_var``: no."""
    return _secret_words(str(key))


def _scopes(site: Site) -> Iterator[tuple[str | None, Any]]:
    """(host or None, mapping) of every place variables are written, each definition on its own."""
    if site.sources is not None:
        for f in site.sources.vars_files:
            if f.read_by_ansible and isinstance(f.data, dict):
                yield (f.entity if f.kind == "host" else None), f.data
        return
    yield None, site.vars
    for name, host in site.hosts.items():
        yield name, host.vars
        yield name, host.ansible


def _leaves(mapping: dict) -> Iterator[tuple[str, Any, Any]]:
    """(key path, leaf key, value) of every leaf, without recursion and at most MAX_DEPTH deep."""
    stack = [(str(k), k, v, 0) for k, v in reversed(list(mapping.items()))]
    while stack:
        path, key, value, depth = stack.pop()
        if depth < MAX_DEPTH and isinstance(value, dict):
            stack.extend((f"{path}.{k}", k, v, depth + 1) for k, v in reversed(list(value.items())))
        elif depth < MAX_DEPTH and isinstance(value, (list, tuple)):
            stack.extend((f"{path}[{i}]", key, v, depth + 1) for i, v in reversed(list(enumerate(value))))
        else:
            yield path, key, value


class _Scan:
    """What one pass over every definition found: problems, references to vault variables, vault values."""

    def __init__(self, site: Site):
        self.site = site
        self.problems: list[Problem] = []
        self.referenced: dict[str, Any] = {}  # vault_x -> the tagged text that names it
        self.vaulted: list[tuple[str, str | None, Any]] = []  # (key path, host, value)
        secret_names = set()
        for host, mapping in _scopes(site):
            for path, key, value in _leaves(mapping):
                if is_secret_key(key):
                    secret_names.add(str(key))
                self._collect(path, key, value, host)
        self.secret_names = secret_names

    def _collect(self, path, key, value, host):
        if is_vaulted(value):
            self.vaulted.append((path, host, value))
            return
        if not isinstance(value, str):
            return
        if str(key) == "vault_var" or str(key).endswith("_vault_var"):
            self.referenced.setdefault(str(value), value)
        for name in reads(value):
            if name.startswith("vault_"):
                self.referenced.setdefault(name, value)

    def check_values(self):
        for host, mapping in _scopes(self.site):
            for path, key, value in _leaves(mapping):
                if is_vaulted(value) or value is None or isinstance(value, (bool, int, float)):
                    continue
                if not isinstance(value, str):
                    continue
                if is_secret_key(key) or str(path).startswith("vault_") and "." not in path and "[" not in path:
                    message = self._secret_message(path, value)
                else:
                    message = _shape_message(value)
                if message:
                    severity = "warning" if message.startswith("is empty") else "error"
                    self.problems.append(problem("secrets", path, message, value=value, host=host, severity=severity))

    def _secret_message(self, path: str, value: str) -> str | None:
        if value == "":
            return "is empty: a secret with no value (if none is needed, remove the key)"
        if value.lstrip().startswith(vault.HEADER):
            return ("holds a vault envelope without the !vault tag: Ansible would use the envelope text itself as the "
                    "secret; write it as 'key: !vault |' followed by the envelope")
        if not is_template(value):
            if _from_decrypted_file(self.site, value):
                return None  # a whole-file vault opened with the password given: encrypted at rest
            return ("secret is plaintext: encrypt it with ansible-vault encrypt_string" if path.startswith("vault_")
                    else "looks like a plaintext secret: use a vault_* variable or a lookup")
        names = reads(value)
        if not names:
            return "is a literal written as a template: it is still plaintext; use a vault_* variable or a lookup"
        if any(n.startswith("vault_") or n in LOOKUPS or n in self.secret_names for n in names):
            return None
        return (f"is built from {', '.join(sorted(names))}, which hold no secret: use a vault_* variable or a lookup")


def _shape_message(value: str) -> str | None:
    if value.lstrip().startswith(vault.HEADER + ";"):
        return ("holds a vault envelope without the !vault tag: Ansible would use the envelope text itself; write it "
                "as 'key: !vault |' followed by the envelope")
    for pattern, what in VALUE_SHAPES:
        if pattern.search(value):
            return f"holds {what} in plaintext: move it to a vault_* variable"
    return None


def _from_decrypted_file(site: Site, value) -> bool:
    where = origin_of(value)
    decrypted = site.sources.decrypted if site.sources is not None else []
    return bool(where) and any(where.startswith(path + ":") or where == path for path in decrypted)


def _scan(site: Site) -> _Scan:
    """One scan per site, shared by the secrets and vault-values rules."""
    cached = site.__dict__.get("_secrets_scan")
    if cached is None:
        cached = site.__dict__["_secrets_scan"] = _Scan(site)
    return cached


# req: SPEC-6-glpi-hardening
@rule("secrets", "every secret (any password-like key, ansible_*password included) is a vault value or a lookup, "
      "present, and none is plaintext")
def secrets(site: Site):
    scan = _scan(site)
    scan.check_values()
    yield from scan.problems
    required_raw = site.vars.get("site_required_secrets")
    required_items = required_raw if isinstance(required_raw, list) else []
    required = [str(s) for s in required_items if isinstance(s, str)]
    sealed = (site.sources.sealed + site.sources.undecryptable) if site.sources is not None else []
    defined = sorted(k for k in site.vars if isinstance(k, str) and k.startswith("vault_"))
    if site.sources is not None and site.sources.sealed:
        yield Problem("secrets", "-", "this whole-file vault was not opened (no vault password given): the secrets in it "
                      "were not checked; run with --vault-password-file to check them", where=site.sources.sealed[0],
                      severity="warning")
    for item in required_items:
        if isinstance(item, str) and item not in site.vars and not sealed:
            yield problem("secrets", str(item), "required secret is missing (add it to group_vars/all/vault.yml with "
                          f"ansible-vault encrypt_string){suggest(str(item), defined)}", value=item,
                          fallback=required_raw)
    for name, value in sorted(scan.referenced.items()):
        if name in required:
            continue  # listed: its absence is reported once, at the list
        message = "is referenced but not listed in site_required_secrets"
        if name not in site.vars and not sealed:
            message += f", and no vault variable has that name{suggest(name, defined)}"
        yield problem("secrets", name, message, value=value, fallback=required_raw)


@rule("vault-values", "every vault value is a well-formed envelope, opens with the vault password when one is given, "
      "and is not a public example placeholder (an error with strict validation)")
def vault_values(site: Site):
    given = site.sources.vault_secrets if site.sources is not None else None
    placeholders: list[tuple[str, Any]] = []
    seen = set()
    for path, host, value in _scan(site).vaulted:
        text = vault.ciphertext(value)
        key = (text, origin_of(value))
        if key in seen:
            continue
        seen.add(key)
        broken = vault.envelope_problem(text)
        if broken:
            yield problem("vault-values", path, broken, value=value, host=host)
            continue
        if given and not vault.decrypts_with(text, given):
            yield problem("vault-values", path, "cannot be decrypted with the vault password given (another password, "
                          "or the value was damaged): re-encrypt it", value=value, host=host)
        elif not site.errors_only and vault.is_example(text):  # a placeholder is a warning unless strict
            placeholders.append((path, value))
    sealed_examples = []
    for path in site.sources.sealed if site.sources is not None and not site.errors_only else []:
        try:
            with open(path, encoding="ascii", errors="replace") as handle:
                text = handle.read()
        except OSError:
            continue
        if vault.is_example(text):
            sealed_examples.append(path)
            yield Problem("vault-values", "-", "this whole-file vault is encrypted with the public example vault password "
                          "the README publishes: its secrets are public; re-encrypt it under the site's own password",
                          where=path, severity="warning", strict=True)
    if placeholders:
        first = placeholders[0][1]
        names = ", ".join(p for p, _ in placeholders[:6]) + (", …" if len(placeholders) > 6 else "")
        yield Problem("vault-values", "-", f"{len(placeholders)} secret(s) are still the public example placeholders, "
                      f"encrypted with the example vault password the README publishes ({names}): replace each with "
                      "ansible-vault encrypt_string under the site's own vault password before a real run",
                      where=origin_of(first), severity="warning", strict=True)
