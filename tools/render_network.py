#!/usr/bin/env python3
"""Render every switch and router of an inventory from the site model (dummy secrets).

    .venv/bin/python tools/render_network.py [inventories/rcr] [--out DIR] [--update-golden]

Without --out, prints a summary; --update-golden rewrites tests/network/golden/ (review the
git diff before committing: it is the configuration change every device will receive).
Production rendering with real hashes goes through playbooks/network.yml (vault).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "network"))

import netlab  # noqa: E402
from ansible_collections.sitekit.core.plugins.plugin_utils.ios_validate import validate  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inventory", nargs="?", default="inventories/rcr")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--update-golden", action="store_true")
    args = parser.parse_args()
    site = netlab.load(args.inventory)
    configs = netlab.render(site=site)
    problems = validate(netlab.load(args.inventory), configs)
    for p in problems:
        print(f"PROBLEM {p}", file=sys.stderr)
    out = netlab.GOLDEN if args.update_golden else args.out
    for host, text in configs.items():
        if out:
            out.mkdir(parents=True, exist_ok=True)
            (out / f"{host}.cfg").write_text(text)
        print(f"{host}: {len(text.splitlines())} lines")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
