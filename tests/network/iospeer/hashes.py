"""Cisco password types as IOS 15.x stores them: 5 (MD5-crypt), 7 (reversible), 9 (scrypt).

A plain ``secret`` is stored as type 5 on these releases: real 15.x configs show
``username admin secret 5 $1$...`` after ``username admin secret <clear>`` (FlagHunter01/school
docs/projet.md, CISCO1941/K9 15.4; a WS-C2960X-24PS-L 15.2 config, code-corpus file 4726671017).
Type 9 is stored only when given already hashed (or with ``algorithm-type scrypt``).
Algorithms: MD5-crypt as specified by P.-H. Kamp's FreeBSD crypt (the ``$1$`` scheme);
type 9 is scrypt N=2^14, r=1, p=1 with a 14-character salt, base64 in the ``./0-9A-Za-z``
alphabet; type 7 is the XOR with IOS's fixed 53-character key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_STD64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_TYPE7_KEY = "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"
TYPE5 = re.compile(r"^\$1\$[./0-9A-Za-z]{1,8}\$[./0-9A-Za-z]{22}$")
TYPE4 = re.compile(r"^[./0-9A-Za-z]{43}$")
TYPE9 = re.compile(r"^\$9\$[./0-9A-Za-z]{14}\$[./0-9A-Za-z]{43}$")
TYPE7 = re.compile(r"^(0[0-9]|1[0-5])([0-9A-Fa-f]{2})*$")


def _to64(value: int, count: int) -> str:
    out = ""
    for _ in range(count):
        out += ITOA64[value & 0x3F]
        value >>= 6
    return out


def md5_crypt(password: str, salt: str) -> str:
    pw, salt_b = password.encode(), salt[:8].encode()
    alt = hashlib.md5(pw + salt_b + pw).digest()
    ctx = pw + b"$1$" + salt_b
    remaining = len(pw)
    while remaining > 0:
        ctx += alt[:min(16, remaining)]
        remaining -= 16
    i = len(pw)
    while i:
        ctx += b"\0" if i & 1 else pw[:1]
        i >>= 1
    final = hashlib.md5(ctx).digest()
    for rnd in range(1000):
        step = (pw if rnd & 1 else final) + (salt_b if rnd % 3 else b"") + (pw if rnd % 7 else b"")
        step += final if rnd & 1 else pw
        final = hashlib.md5(step).digest()
    out = ""
    for a, b, c in ((0, 6, 12), (1, 7, 13), (2, 8, 14), (3, 9, 15), (4, 10, 5)):
        out += _to64((final[a] << 16) | (final[b] << 8) | final[c], 4)
    out += _to64(final[11], 2)
    return f"$1${salt[:8]}${out}"


def type5(password: str) -> str:
    return md5_crypt(password, "".join(secrets.choice(ITOA64) for _ in range(4)))


def type9(password: str, salt: str | None = None) -> str:
    salt = salt or "".join(secrets.choice(ITOA64) for _ in range(14))
    raw = hashlib.scrypt(password.encode(), salt=salt.encode(), n=16384, r=1, p=1, dklen=32)
    text = base64.b64encode(raw).decode().rstrip("=").translate(str.maketrans(_STD64, ITOA64))
    return f"$9${salt}${text}"


def type7(clear: str, seed: int = 2) -> str:
    return f"{seed:02d}" + "".join(f"{ord(ch) ^ ord(_TYPE7_KEY[(seed + i) % 53]):02X}" for i, ch in enumerate(clear))


def type7_decode(text: str) -> str:
    seed = int(text[:2])
    pairs = [int(text[i:i + 2], 16) for i in range(2, len(text), 2)]
    return "".join(chr(v ^ ord(_TYPE7_KEY[(seed + i) % 53])) for i, v in enumerate(pairs))


def verify(kind: str, stored: str, password: str) -> bool:
    """Whether ``password`` matches a stored secret of type ``kind`` ("0", "5", "7", "9")."""
    if kind == "5" and TYPE5.match(stored):
        return hmac.compare_digest(md5_crypt(password, stored.split("$")[2]), stored)
    if kind == "9" and TYPE9.match(stored):
        return hmac.compare_digest(type9(password, stored.split("$")[2]), stored)
    if kind == "7" and TYPE7.match(stored):
        return hmac.compare_digest(type7_decode(stored), password)
    if kind == "0":
        return hmac.compare_digest(stored, password)
    return False
