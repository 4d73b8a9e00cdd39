"""sitekit.core.sha512_crypt writes what ansible.builtin.password_hash('sha512', salt) writes, through libxcrypt.

ftp_archive's accounts were hashed by password_hash before: any other string would change every account's
password hash on the first run after an upgrade (and report changed on every host). Salt, rounds and password are
refused where passlib refuses them, and where a random salt (an empty one) would make every run change.
"""

from __future__ import annotations

import pytest
import yaml
from ansible.errors import AnsibleFilterError
from ansible.plugins.loader import init_plugin_loader
from ansible.template import Templar, trust_as_template
from ansible_collections.sitekit.core.plugins.filter import crypt
from passlib.hash import sha512_crypt as passlib_sha512
from sitekit_paths import REPO

CASES = [("x" * 20, "0123456789abcdef", 656000), ("pässwörd ¤ ümlaut", "a./Z9", 5000), ("p", "ab", 1000),
         ("long " * 60, "ABCDEFGHIJKLMNOP", 1000)]
# The role's expression before this filter (roles/ftp_archive/tasks/account.yml up to 0.5.0).
BEFORE = "{{ item.password | password_hash('sha512', (inventory_hostname ~ item.user) | hash('sha256') | truncate(16, true, '')) }}"


def role_expression() -> str:
    tasks = yaml.safe_load((REPO / "roles/ftp_archive/tasks/account.yml").read_text())
    return next(t["ansible.builtin.user"]["password"] for t in tasks if "ansible.builtin.user" in t)


def test_the_system_library_computes_it_here():
    assert crypt._CRYPT_RN is not None, "libcrypt.so.1 (Debian's libcrypt1) is on every Debian controller"


@pytest.mark.parametrize(("password", "salt", "rounds"), CASES)
@pytest.mark.parametrize("backend", ["libxcrypt", "passlib"])
def test_the_hash_is_passlibs(password, salt, rounds, backend, monkeypatch):
    if backend == "passlib":
        monkeypatch.setattr(crypt, "_CRYPT_RN", None)
    expected = passlib_sha512.using(salt=salt, rounds=rounds).hash(password)
    assert crypt.sha512_crypt(password, salt, rounds) == expected
    assert expected.startswith("$6$rounds=" if rounds != 5000 else f"$6${salt}$")


def test_the_role_writes_the_string_password_hash_wrote():
    init_plugin_loader()
    variables = {"inventory_hostname": "ftp01", "item": {"user": "archive-sw", "password": "placeholder-Passw0rd!"}}
    now = Templar(variables=variables).template(trust_as_template(role_expression()))
    before = Templar(variables=variables).template(trust_as_template(BEFORE))
    assert now == before and now.startswith("$6$rounds=656000$")
    assert "sitekit.core.sha512_crypt" in role_expression()


@pytest.mark.parametrize(("salt", "rounds", "reason"), [
    ("a" * 17, 656000, "1 to 16 characters"), ("ab$", 656000, "1 to 16 characters"), ("ab:", 656000, "1 to 16"),
    ("", 656000, "1 to 16"), ("ab", 999, "from 1000"), ("ab", 10**9, "to 999999999"), ("ab", True, "integer"),
    ("ab", "656000", "integer")])
def test_a_salt_or_rounds_passlib_refuses_is_refused(salt, rounds, reason):
    with pytest.raises(AnsibleFilterError, match=reason):
        crypt.sha512_crypt("a-long-password", salt, rounds)
    if salt and isinstance(rounds, int) and not isinstance(rounds, bool):
        with pytest.raises(ValueError):
            passlib_sha512.using(salt=salt, rounds=rounds).hash("a-long-password")


@pytest.mark.parametrize("password", ["", "a\0b", None, 12])
def test_an_empty_or_unusable_password_is_refused(password):
    with pytest.raises(AnsibleFilterError, match="password"):
        crypt.sha512_crypt(password, "ab")


def test_a_library_failure_token_falls_back_to_passlib(monkeypatch):
    monkeypatch.setattr(crypt, "_CRYPT_RN", lambda *args: b"*0")
    assert crypt.sha512_crypt("p", "ab", 1000) == passlib_sha512.using(salt="ab", rounds=1000).hash("p")


def test_a_lone_surrogate_is_refused_as_password_hash_refuses_it():
    with pytest.raises(AnsibleFilterError, match="not valid text"):
        crypt.sha512_crypt("a\udcffb", "ab")
    with pytest.raises(UnicodeEncodeError):
        "a\udcffb".encode("utf-8")
