"""The device's configuration as data: a small tree of canonical IOS lines.

Each node is one line as IOS prints it (no indentation) with its sub-mode lines as
children. Command handlers keep the tree canonical (defaults removed, forms rewritten);
render.py orders and prints it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

Match = str | re.Pattern | Callable[["Node"], bool]


def _matcher(what: Match) -> Callable[[Node], bool]:
    if callable(what) and not isinstance(what, re.Pattern):
        return what
    if isinstance(what, re.Pattern):
        return lambda n: bool(what.search(n.text))
    return lambda n: n.text == what or n.text.startswith(what + " ")


@dataclass
class Node:
    text: str
    children: list[Node] = field(default_factory=list)
    seq: int = 0                     # ACL entry sequence number (not printed by IOS)

    def find(self, what: Match) -> Node | None:
        test = _matcher(what)
        return next((c for c in self.children if test(c)), None)

    def find_all(self, what: Match) -> list[Node]:
        test = _matcher(what)
        return [c for c in self.children if test(c)]

    def child(self, text: str) -> Node:
        """The child with exactly this text, created at the end when missing."""
        node = next((c for c in self.children if c.text == text), None)
        if node is None:
            node = Node(text)
            self.children.append(node)
        return node

    def set(self, text: str, replace: Match | None = None) -> Node:
        """Put ``text`` in place of the children matching ``replace`` (first one's position)."""
        if replace is None:
            return self.child(text)
        test = _matcher(replace)
        for i, c in enumerate(self.children):
            if test(c):
                kept = c.children if c.text == text else []
                self.children[i] = Node(text, kept)
                self.children[i + 1:] = [x for x in self.children[i + 1:] if not test(x)]
                return self.children[i]
        return self.child(text)

    def remove(self, what: Match) -> list[Node]:
        test = _matcher(what)
        gone = [c for c in self.children if test(c)]
        self.children = [c for c in self.children if not test(c)]
        return gone

    def copy(self) -> Node:
        return Node(self.text, [c.copy() for c in self.children], self.seq)

    def walk(self, depth: int = 0):
        for c in self.children:
            yield depth, c
            yield from c.walk(depth + 1)
