"""The broken inventories of broken_inventories.yml, each written and validated once per test process.

tests/unit/test_validation_corpus.py (the problems) and tests/docs/test_pack_broken_inventories.py (the
auditor's pack of the same copies) assert on the same validation: ``Corpus.validated(case)`` writes the
copy and validates it the first time it is asked, then returns the same result (the copy is never changed).
"""

from __future__ import annotations

from pathlib import Path

import yaml
from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader import load_site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import Problem
from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import validate
from sitekit_paths import REPO

from validation.mutate import apply_case

CASES: list[dict] = yaml.safe_load((REPO / "tests/validation/broken_inventories.yml").read_text())["cases"]


class Corpus:
    def __init__(self, scratch: Path):
        self.scratch = scratch
        self._done: dict[str, tuple[Path, tuple[Problem, ...]]] = {}
        self._sites: dict[str, Site] = {}

    def site(self, case: dict) -> Site:
        """The loaded and validated site of the case's copy (read-only: the pack tests render it)."""
        self.validated(case)
        return self._sites[case["id"]]

    def validated(self, case: dict) -> tuple[Path, tuple[Problem, ...]]:
        """(the inventory copy, its problems), validated as ``make validate`` would: with the case's vault
        password and strict mode when it has them."""
        if case["id"] not in self._done:
            root = self.scratch / case["id"]
            inventory = apply_case(REPO / "inventories/rcr", root / "inv", case)
            kwargs = {}
            if "vault_password" in case:
                secret = root / "vault-password"
                secret.write_text(case["vault_password"] + "\n")
                kwargs["vault_password_file"] = str(secret)
            site = load_site(str(inventory), **kwargs)
            problems = validate(site, strict=bool(case.get("strict")))
            self._done[case["id"]], self._sites[case["id"]] = (inventory, tuple(problems)), site
        return self._done[case["id"]]
