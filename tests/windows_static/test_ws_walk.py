"""ws_powershell.walk visits what the recursive definition visits (node, then each child's walk), in order,
from the root or from a node inside the tree, and never a node outside the one it starts from."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitekit_paths import REPO
from ws_powershell import parse, walk

SCRIPTS = sorted(REPO.glob("roles/*/files/*.ps1"))


def recursive(node):
    yield node
    for child in node.children:
        yield from recursive(child)


def spans(nodes):
    return [(n.type, n.start_byte, n.end_byte) for n in nodes]


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.name for p in SCRIPTS])
def test_walk_is_the_recursive_walk(script: Path):
    root = parse(script.read_text()).root_node
    assert spans(walk(root)) == spans(recursive(root))
    inner = [n for n in recursive(root) if n.parent is not None and n.child_count and n.next_sibling is not None]
    assert inner, "no node with children and a sibling to start from"
    for node in inner[:: max(1, len(inner) // 25)]:
        assert spans(walk(node)) == spans(recursive(node))


def test_walk_of_a_leaf_is_the_leaf():
    leaf = next(n for n in walk(parse("Get-Item -Path C:\\x\n").root_node) if not n.child_count)
    assert spans(walk(leaf)) == spans([leaf])
