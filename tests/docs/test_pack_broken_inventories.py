"""A broken inventory still gets its pack: every case of the validation corpus renders, and the overview
lists the problem validation found (the pages say what they could not compute instead of crashing)."""

from __future__ import annotations

import pytest
from sitedoc import trace, write_pack
from sitedoc.context import Context
from sitedoc.report import cell
from sitekit_paths import REPO
from validation.corpus import CASES

# The pack is built without a vault password and not in strict mode: cases whose message needs either
# are validation's alone (tests/unit/test_validation_corpus.py).
CORPUS = [c for c in CASES if "vault_password" not in c and not c.get("strict")]


@pytest.fixture(scope="module")
def requirements_trace() -> trace.Trace:
    """The repository's traceability, the same for every case: built once."""
    return trace.build(REPO)


@pytest.mark.parametrize("case", CORPUS, ids=[c["id"] for c in CORPUS])
def test_a_broken_inventory_gets_a_pack_naming_its_problem(case, broken_corpus, requirements_trace, tmp_path):
    # Loaded and validated as sitedoc.build does (Context.load: no vault password, not strict), once for the
    # validation test too; the pack is written from it (sitedoc.write_pack, the rest of build).
    inventory, problems = broken_corpus.validated(case)
    write_pack(Context(str(inventory), broken_corpus.site(case), list(problems)), tmp_path / "pack", requirements_trace)
    overview = (tmp_path / "pack/index.md").read_text()
    expected = [p for p in problems if case["expect"] in str(p)]
    assert expected
    for p in expected:
        assert f"| {cell(p.key)} | {cell(p.message)} | {p.rule} |" in overview, str(p)
