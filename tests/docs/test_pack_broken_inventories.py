"""A broken inventory still gets its pack: every case of the validation corpus renders, and the overview
lists the problem validation found (the pages say what they could not compute instead of crashing)."""

from __future__ import annotations

import pytest
import yaml
from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader import load_site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import validate
from sitedoc import build
from sitedoc.report import cell
from sitekit_paths import REPO
from validation.mutate import apply_case

# The pack is built without a vault password and not in strict mode: cases whose message needs either
# are validation's alone (tests/unit/test_validation_corpus.py).
CORPUS = [c for c in yaml.safe_load((REPO / "tests/validation/broken_inventories.yml").read_text())["cases"]
          if "vault_password" not in c and not c.get("strict")]


@pytest.mark.parametrize("case", CORPUS, ids=[c["id"] for c in CORPUS])
def test_a_broken_inventory_gets_a_pack_naming_its_problem(case, tmp_path):
    inventory = apply_case(REPO / "inventories/rcr", tmp_path / "inv", case)
    build(str(inventory), tmp_path / "pack", None)
    overview = (tmp_path / "pack/index.md").read_text()
    expected = [p for p in validate(load_site(str(inventory))) if case["expect"] in str(p)]
    assert expected
    for p in expected:
        assert f"| {cell(p.key)} | {cell(p.message)} | {p.rule} |" in overview, str(p)
