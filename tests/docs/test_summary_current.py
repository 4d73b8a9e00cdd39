"""docs/site-rcr/, the committed Markdown of the rcr pack, is what the inventory and the code say today.

Regenerate with ``make docs-summary`` (its git diff is the change an auditor reviews). The drawings are
compared when the installed Graphviz is the one that drew them (another version lays them out differently).
"""

from __future__ import annotations

import re
import subprocess

from sitekit_paths import REPO

SUMMARY = REPO / "docs" / "site-rcr"
HINT = "regenerate: make docs-summary"


def graphviz_version(text: str) -> str | None:
    m = re.search(r"graphviz version (\S+)", text)
    return m.group(1) if m else None


def test_committed_summary_is_current(tmp_path, monkeypatch):
    from sitedoc import build

    monkeypatch.chdir(REPO)
    written = build("inventories/rcr", tmp_path / "rcr", None)
    fresh = {p.name: p for p in written if p.suffix in (".md", ".svg")}
    assert sorted(fresh) == sorted(p.name for p in SUMMARY.iterdir()), HINT
    installed = graphviz_version(subprocess.run(["dot", "-V"], capture_output=True, text=True).stderr)
    for name, path in sorted(fresh.items()):
        committed = (SUMMARY / name).read_text(encoding="utf-8")
        if name.endswith(".svg") and graphviz_version(committed) != installed:
            continue
        assert committed == path.read_text(encoding="utf-8"), f"docs/site-rcr/{name} is stale: {HINT}"


def test_summary_shows_the_reference_site():
    hosts = (SUMMARY / "hosts.md").read_text()
    assert "| sql01 | windows | sql_servers | 10 SERVEURS | 10.0.10.60/24 | pve3 | 140 | 4 | 16 |" in hosts
    assert "history.md" in (SUMMARY / "index.md").read_text()
