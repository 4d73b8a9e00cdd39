#!/usr/bin/env python3
"""sha512-crypt at 656,000 rounds: the system's libxcrypt (sitekit.core.sha512_crypt) against passlib's Python code.

    .venv/bin/python bench/sha512_crypt.py [--rounds N]   → bench/results/sha512_crypt.json

ftp_archive hashes each account's password on every run (the user module compares hashes), so a no-op pays this per
account. Both compute the same string (tests/unit/test_sha512_crypt.py); each is timed ``rounds`` times, alternated so
both see the same load; the best and the median are kept and the ratio is of the medians within this run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "collections"))

from ansible_collections.sitekit.core.plugins.filter import crypt  # noqa: E402
from passlib.hash import sha512_crypt as passlib_sha512  # noqa: E402

SALT, PASSWORD = "0123456789abcdef", "placeholder-password-20"


def timed(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    assert crypt._CRYPT_RN is not None, "libcrypt.so.1 not found"
    load_before = os.getloadavg()
    runs = {"libxcrypt": [], "passlib": []}
    for _ in range(args.rounds):
        runs["libxcrypt"].append(timed(lambda: crypt.sha512_crypt(PASSWORD, SALT)))
        runs["passlib"].append(timed(lambda: passlib_sha512.using(salt=SALT, rounds=crypt.DEFAULT_ROUNDS).hash(PASSWORD)))
    median = {k: round(statistics.median(v), 3) for k, v in runs.items()}
    result = {
        "what": "one sha512-crypt hash at 656,000 rounds (ftp_archive's per-account cost on every run)",
        "command": "make bench (or .venv/bin/python bench/sha512_crypt.py)",
        "rounds": args.rounds,
        "median_s": median,
        "best_s": {k: round(min(v), 3) for k, v in runs.items()},
        "libxcrypt_over_passlib": round(median["libxcrypt"] / median["passlib"], 2),
        "loadavg_before_after": [load_before, os.getloadavg()],
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    out = REPO / "bench/results/sha512_crypt.json"
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
