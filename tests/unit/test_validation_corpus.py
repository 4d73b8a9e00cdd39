"""Each broken inventory of tests/validation/broken_inventories.yml fails with its own message."""

from __future__ import annotations

import pytest
import yaml
from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader import load_site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import validate
from sitekit_paths import REPO
from validation.mutate import apply_case

CORPUS = yaml.safe_load((REPO / "tests/validation/broken_inventories.yml").read_text())["cases"]
RCR = REPO / "inventories/rcr"


def test_corpus_is_large_and_distinct():
    ids = [c["id"] for c in CORPUS]
    assert len(ids) >= 25
    assert len(set(ids)) == len(ids)
    assert len({c["expect"] for c in CORPUS}) == len(CORPUS), "two cases expect the same message"


def test_reference_inventory_is_clean():
    problems = validate(load_site(RCR))
    assert [str(p) for p in problems if p.severity == "error"] == []


@pytest.mark.parametrize("case", CORPUS, ids=[c["id"] for c in CORPUS])
def test_broken_inventory_is_refused(case, tmp_path):
    inventory = apply_case(RCR, tmp_path / "inv", case)
    errors = [p for p in validate(load_site(inventory)) if p.severity == "error"]
    lines = [str(p) for p in errors]
    matching = [p for p in errors if case["expect"] in str(p)]
    assert matching, f"expected a problem containing {case['expect']!r}, got:\n" + "\n".join(lines)
    where = case.get("where", case["file"])
    if where is not None:
        assert any(p.where and f"{inventory}/{where}:" in p.where for p in matching), (
            f"the problem must name {where}:\n" + "\n".join(lines))
    assert not any("could not be checked" in line for line in lines), "a rule crashed on malformed data"
