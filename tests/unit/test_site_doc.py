"""docs/site-rcr.md, the auditor's summary, is what the inventory says today."""

from sitekit_paths import REPO, load_tool


def test_committed_site_summary_is_current(monkeypatch):
    monkeypatch.chdir(REPO)
    expected = load_tool("site_doc").render("inventories/rcr")
    assert (REPO / "docs/site-rcr.md").read_text() == expected, (
        "regenerate: .venv/bin/python tools/site_doc.py inventories/rcr > docs/site-rcr.md")
    assert "| sql01 | windows | sql_servers | 10.0.10.60/24 | 4 | 16384 |" in expected
