"""sha512-crypt ($6$) through the system's libxcrypt, as ansible.builtin.password_hash('sha512', salt) writes it.

ansible-core 2.19's password_hash needs passlib; passlib's fork libpass 1.9.3 (the only maintained one) dropped the
``os_crypt`` backend and computes sha512-crypt in Python: libxcrypt takes 0.6 of its time at 656,000 rounds
(0.29 s against 0.49 s a hash, bench/results/sha512_crypt.json), paid for every account on every run since the user
module compares hashes. Same algorithm, same rounds, same string: ``crypt_rn(3)`` from libcrypt.so.1 (Debian's libcrypt1 package,
essential), passlib's where that library is missing. Salt and rounds are checked as passlib checks them, so a bad
salt fails the same way whichever computes it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text

# passlib.handlers.sha2_crypt: 16 salt characters at most from the hash64 alphabet, rounds 1000..999999999,
# default 656000 (ansible.utils.encrypt's implicit_rounds for sha512_crypt); 5000 is written without "rounds=".
_SALT = re.compile(r"[./0-9A-Za-z]{0,16}")
DEFAULT_ROUNDS = 656000
_CRYPT_DATA_SIZE = 32768  # sizeof(struct crypt_data) in libxcrypt's crypt.h


def _libcrypt():
    name = ctypes.util.find_library("crypt")
    try:
        lib = ctypes.CDLL(name or "libcrypt.so.1")
        func = lib.crypt_rn
    except (OSError, AttributeError):
        return None
    func.restype = ctypes.c_char_p
    func.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int]
    return func


_CRYPT_RN = _libcrypt()


def _setting(salt: str, rounds: int) -> str:
    if not isinstance(salt, str) or not salt or not _SALT.fullmatch(salt):
        raise AnsibleFilterError("sha512_crypt: the salt must be 1 to 16 characters of [./0-9A-Za-z]")
    if isinstance(rounds, bool) or not isinstance(rounds, int) or not 1000 <= rounds <= 999999999:
        raise AnsibleFilterError("sha512_crypt: rounds must be an integer from 1000 to 999999999")
    return f"$6${salt}" if rounds == 5000 else f"$6$rounds={rounds}${salt}"


def _with_libcrypt(secret: bytes, setting: str) -> str | None:
    if _CRYPT_RN is None:
        return None
    data = ctypes.create_string_buffer(_CRYPT_DATA_SIZE)
    out = _CRYPT_RN(secret, setting.encode("ascii"), data, _CRYPT_DATA_SIZE)
    if not out or not out.startswith(setting.encode("ascii") + b"$"):
        return None  # NULL or a failure token ("*0"): let passlib decide
    return out.decode("ascii")


def _with_passlib(secret: bytes, salt: str, rounds: int) -> str:
    from passlib.hash import sha512_crypt as handler

    return to_text(handler.using(salt=salt, rounds=rounds).hash(secret))


def sha512_crypt(password, salt, rounds: int = DEFAULT_ROUNDS) -> str:
    """``password | sitekit.core.sha512_crypt(salt)``: the ``$6$`` hash passlib (and password_hash) would write."""
    if not isinstance(password, str) or not password:
        raise AnsibleFilterError("sha512_crypt: the password must be a non-empty string")
    setting = _setting(salt, rounds)
    try:
        secret = password.encode("utf-8")  # strict, as password_hash: a lone surrogate is no password
    except UnicodeEncodeError as exc:
        raise AnsibleFilterError("sha512_crypt: the password is not valid text (a lone surrogate)") from exc
    if b"\0" in secret:
        raise AnsibleFilterError("sha512_crypt: the password must not hold a NUL character")
    return _with_libcrypt(secret, setting) or _with_passlib(secret, salt, rounds)


class FilterModule:
    def filters(self):
        return {"sha512_crypt": sha512_crypt}
