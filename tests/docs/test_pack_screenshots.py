"""Each page of the pack, and each drawing, photographed in headless Chromium; a broken one fails.

A page's picture must weigh well above the picture of the same page with an empty ``<main>``
(header, navigation and CSS only); a drawing's well above a blank page. PNG bytes grow with what
is drawn: tables, text and lines. Chromium runs offline, in a fresh profile per picture.
"""

from __future__ import annotations

import re
import shutil

import pytest
from docs_testlib import PAGES
from sitedoc.screenshot import png_size, screenshot

pytestmark = pytest.mark.integration  # starts Chromium

WIDTH, HEIGHT = 1280, 1024
PAGE_FACTOR = 1.8  # a page against its empty shell
DRAWING_FACTOR = 10  # a drawing against a blank page


@pytest.fixture(scope="module")
def baselines(rcr_pack, tmp_path_factory):
    """Bytes of the empty shell's picture and of a blank page's picture."""
    root = tmp_path_factory.mktemp("baseline")
    shell = re.sub(r"<main>.*</main>", "<main></main>", (rcr_pack / "vlans.html").read_text(), flags=re.S)
    (root / "shell.html").write_text(shell)
    (root / "blank.html").write_text("<!DOCTYPE html><html><head><title>blank</title></head><body></body></html>")
    return {name: screenshot(root / f"{name}.html", root / f"{name}.png", WIDTH, HEIGHT).stat().st_size
            for name in ("shell", "blank")}


def check_page(html, png, baselines) -> None:
    shot = screenshot(html, png, WIDTH, HEIGHT)
    assert png_size(shot) == (WIDTH, HEIGHT)
    assert shot.stat().st_size >= PAGE_FACTOR * baselines["shell"], (
        f"{html.name}: {shot.stat().st_size} bytes, an empty page weighs {baselines['shell']}")


def check_drawing(svg, png, baselines) -> None:
    shot = screenshot(svg, png, WIDTH, HEIGHT)
    assert shot.stat().st_size >= DRAWING_FACTOR * baselines["blank"], (
        f"{svg.name}: {shot.stat().st_size} bytes, a blank page weighs {baselines['blank']}")


@pytest.mark.parametrize("name", PAGES)
def test_each_page_renders(rcr_pack, baselines, tmp_path, name):
    check_page(rcr_pack / f"{name}.html", tmp_path / f"{name}.png", baselines)


@pytest.mark.parametrize("name", ["topology.svg", "racks.svg"])
def test_each_drawing_renders(rcr_pack, baselines, tmp_path, name):
    check_drawing(rcr_pack / name, tmp_path / f"{name}.png", baselines)


def test_a_broken_page_or_drawing_fails_the_check(rcr_pack, baselines, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(rcr_pack, broken)
    page = broken / "cegid.html"
    page.write_text(re.sub(r"<main>.*</main>", "<main><p>error</p></main>", page.read_text(), flags=re.S))
    with pytest.raises(AssertionError, match="empty page weighs"):
        check_page(page, tmp_path / "page.png", baselines)
    svg = broken / "topology.svg"
    svg.write_bytes(svg.read_bytes()[:3000])  # a drawing cut short
    with pytest.raises(AssertionError, match="blank page weighs"):
        check_drawing(svg, tmp_path / "svg.png", baselines)
