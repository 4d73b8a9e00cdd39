"""``make validate``: validate inventories without ansible-playbook, each problem printed once.

    python -m ansible_collections.sitekit.core.plugins.plugin_utils.site.cli [--vault-password-file F]
        [--strict] [--fail-on-warnings] [--rules] INVENTORY...

Unlike a play, this entry point needs no vault password even when a file of ``group_vars/all``
is a whole-file vault: ansible-playbook decrypts the implicit localhost's variables before its
first task runs and stops without the password, while the site model leaves the file unopened,
says so, and checks everything else. Exit status: 0 accepted, 1 refused, 2 bad arguments.
"""

from __future__ import annotations

import argparse
import sys

from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader import load_site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import describe_rules, validate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make validate", description="Validate site inventories (no host contacted).")
    parser.add_argument("inventory", nargs="+", help="inventory directory or file")
    parser.add_argument("--vault-password-file", help="opens whole-file vaults and checks that vault values open")
    parser.add_argument("--strict", action="store_true", help="placeholder secrets are errors (production)")
    parser.add_argument("--fail-on-warnings", action="store_true", help="warnings refuse the inventory too")
    parser.add_argument("--rules", action="store_true", help="list the rules checked")
    args = parser.parse_args(argv)
    refused = False
    for source in args.inventory:
        site = load_site(source, vault_password_file=args.vault_password_file)
        problems = validate(site, strict=args.strict)
        errors = [p for p in problems if p.severity == "error"]
        warnings = [p for p in problems if p.severity == "warning"]
        for p in errors:
            print(f"ERROR   {p}")
        for p in warnings:
            print(f"WARNING {p}")
        print(f"{source}: {len(site.hosts)} hosts, {len(describe_rules())} rules checked, {len(errors)} error(s), "
              f"{len(warnings)} warning(s)")
        refused = refused or bool(errors) or (args.fail_on_warnings and bool(warnings))
    if args.rules:
        print("rules:")
        for rule_id, text in describe_rules():
            print(f"  {rule_id}: {text}")
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
