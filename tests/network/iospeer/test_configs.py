"""The starting configurations: at least ten, each with its source, each booting as-is."""

from __future__ import annotations

import re

import pytest

from .loader import apply_text
from .peer import CONFIGS, IosPeer, from_file, stored_config, stored_vlans

FILES = sorted(p.name for p in CONFIGS.glob("*.cfg"))


def test_there_are_at_least_ten_with_their_source_noted():
    assert len(FILES) >= 10
    for name in FILES:
        header = [x for x in (CONFIGS / name).read_text().splitlines() if x.startswith("!!")]
        assert any("Source" in x or "Sources" in x for x in header), name


@pytest.mark.parametrize("name", FILES)
def test_each_boots_without_a_refused_line_and_prints_a_fixed_point(name):
    peer = from_file(name).boot()
    first = peer.running_config()
    again = IosPeer(name, peer.platform, config=re.sub(r"^.*?\nversion", "version", first, flags=re.S),
                    vlans=stored_vlans(name)).boot()
    assert again.running_config().split("\nversion", 1)[1] == first.split("\nversion", 1)[1]


def test_a_line_outside_the_grammar_is_refused_at_boot():
    with pytest.raises(ValueError, match="Invalid input"):
        apply_text(from_file(FILES[0]).boot().device, stored_config(FILES[0]) + "frobnicate all\n")
