"""Vault values checked without (or with) the site's vault password: their form, their password.

Ansible reads an inline ``!vault`` value lazily: a truncated or pasted-wrong envelope loads fine
and fails only when a role needs the secret, mid-converge. ``envelope_problem`` checks the form
Ansible writes (ansible/parsing/vault/__init__.py: ``format_vaulttext_envelope`` and
``_parse_vaulttext``: a ``$ANSIBLE_VAULT;1.1|1.2;AES256[;id]`` header, then the hexlified
``salt\\nhmac\\nciphertext``; AES256 vaults pad the plaintext to whole 16-byte blocks and use a
32-byte salt and a 32-byte HMAC-SHA256). Truncation by whole 80-column lines can keep that form:
only the HMAC, checked when a password is given, proves the value intact.

``EXAMPLE_PASSWORD`` is the example vault password the README publishes for the committed
placeholders: a value it decrypts is public knowledge, never a real secret.
"""

from __future__ import annotations

import binascii
import functools
from typing import Any

EXAMPLE_PASSWORD = b"sitekit-example-vault"  # README "Secrets": the committed placeholders use it; public
HEADER = "$ANSIBLE_VAULT"


def ciphertext(value: Any) -> str | None:
    """The envelope text of an inline vault value (never decrypted here)."""
    from ansible.parsing.vault import VaultHelper

    try:
        return VaultHelper.get_ciphertext(value, with_tags=False)
    except Exception:  # noqa: BLE001 - not a vault value
        return None


def envelope_problem(text: str | None) -> str | None:
    """What is wrong with the form of a vault envelope, or None when it is well-formed."""
    if not text:
        return "is an empty vault value"
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    header = lines[0].split(";") if lines else []
    if len(header) < 3 or header[0] != HEADER:
        return "is not a vault envelope (it must start with $ANSIBLE_VAULT;1.1;AES256, as ansible-vault writes it)"
    if header[1] not in ("1.1", "1.2") or header[2] != "AES256":
        return f"has an envelope of an unknown format ({';'.join(header[1:3])}): re-encrypt it with ansible-vault"
    body = "".join(lines[1:])
    damaged = "is damaged (truncated or edited by hand): re-encrypt it with ansible-vault encrypt_string"
    try:
        inner = binascii.unhexlify(body)
        salt, hmac, data = inner.split(b"\n", 2)
        salt, data = binascii.unhexlify(salt), binascii.unhexlify(data)
    except (binascii.Error, ValueError):
        return damaged
    if len(salt) != 32 or len(hmac) != 64 or not data or len(data) % 16:
        return damaged
    return None


def decrypts_with(text: str, secrets: list) -> bool:
    """True when one of ``secrets`` (Ansible vault secrets) decrypts the envelope and its HMAC verifies."""
    from ansible.parsing.vault import VaultLib

    try:
        VaultLib(secrets).decrypt(text)
    except Exception:  # noqa: BLE001 - wrong password, damaged data: not decryptable
        return False
    return True


def example_secrets() -> list:
    from ansible.parsing.vault import VaultSecret

    return [("default", VaultSecret(EXAMPLE_PASSWORD))]


@functools.lru_cache(maxsize=1024)
def is_example(text: str) -> bool:
    """True when the public example password opens this envelope: a placeholder, not a secret.

    Cached by envelope (a key derivation per value costs milliseconds; the vars gate validates once
    per process, tests and benches many times)."""
    return decrypts_with(text, example_secrets())
