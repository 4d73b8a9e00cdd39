"""The pack is valid HTML5, self-contained (nothing remote, no script), its links resolve, and it is
deterministic: the same inventory and journal give the same bytes."""

from __future__ import annotations

import filecmp
import re
from pathlib import Path
from urllib.parse import urlsplit

import html5lib
import pytest
from docs_testlib import PAGES
from sitekit_paths import REPO


def parse(path: Path):
    """Parse with html5lib in strict mode: any HTML5 parse error raises."""
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(path.read_bytes())


def references(doc) -> list[str]:
    return [el.get(attr) for el in doc.iter() for attr in ("href", "src") if el.get(attr)]


def broken_links(pack: Path) -> list[str]:
    """Internal links whose file or #anchor does not exist; remote links count as broken (offline pack)."""
    ids = {p.name: {el.get("id") for el in parse(p).iter() if el.get("id")} for p in pack.glob("*.html")}
    out = []
    for page in sorted(pack.glob("*.html")):
        for ref in references(parse(page)):
            parts = urlsplit(ref)
            if parts.scheme or parts.netloc:
                out.append(f"{page.name}: remote {ref}")
                continue
            target = parts.path or page.name
            if not (pack / target).is_file():
                out.append(f"{page.name}: missing file {ref}")
            elif parts.fragment and parts.fragment not in ids.get(target, set()):
                out.append(f"{page.name}: missing anchor {ref}")
    return out


def test_every_page_is_written_in_html_and_markdown(rcr_pack):
    for name in PAGES:
        assert (rcr_pack / f"{name}.html").is_file() and (rcr_pack / f"{name}.md").is_file(), name


@pytest.mark.parametrize("name", PAGES)
def test_page_is_valid_html5(rcr_pack, name):
    doc = parse(rcr_pack / f"{name}.html")
    assert doc.find("body/main/h1") is not None


def test_strict_parser_refuses_broken_html(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><html><head><title>x</title></head><body><table><tr><td>a</tr></p></body></html>")
    with pytest.raises(html5lib.html5parser.ParseError):
        parse(bad)


def test_no_internal_link_is_broken_and_nothing_is_remote(rcr_pack):
    assert broken_links(rcr_pack) == []


def test_a_broken_link_is_found(rcr_pack, tmp_path):
    copy = tmp_path / "pack"
    copy.mkdir()
    for path in rcr_pack.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    (copy / "racks.svg").unlink()
    page = copy / "index.html"
    page.write_text(page.read_text().replace('href="topology.html"', 'href="topology.html#nowhere"', 1))
    found = broken_links(copy)
    assert "hosts.html: missing file racks.svg" in found and "index.html: missing anchor topology.html#nowhere" in found


def test_pages_carry_no_script_and_inline_css_only(rcr_pack):
    for page in rcr_pack.glob("*.html"):
        text = page.read_text()
        assert "<script" not in text and "<link" not in text, page.name
        assert "<style>" in text, page.name
    for svg in rcr_pack.glob("*.svg"):
        assert not re.search(r'(href|src)="https?:', svg.read_text()), svg.name


def test_same_inputs_give_the_same_bytes(rcr_pack, journal_dir, tmp_path):
    from sitedoc import build

    again = tmp_path / "again"
    build(str(REPO / "inventories/rcr"), again, journal_dir)
    names = sorted(p.name for p in rcr_pack.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(rcr_pack, again, names, shallow=False)
    assert mismatch == [] and errors == []
