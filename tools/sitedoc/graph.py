"""Graphviz: DOT text built in a stable order, turned into SVG by ``dot`` (Debian package graphviz).

Every node, cluster and edge carries an ``id`` that Graphviz copies into the SVG (``host-<name>``,
``link-<index>-<k>``), so a test can find each host and link of the model in the drawing.
"""

from __future__ import annotations

import functools
import shutil
import subprocess


def quote(text) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def attrs(**values) -> str:
    items = [f"{k}={quote(v)}" for k, v in values.items() if v is not None]
    return f" [{', '.join(items)}]" if items else ""


class Graph:
    """A small DOT writer: nodes, clusters of nodes, edges; ``source()`` gives the text."""

    def __init__(self, name: str, **graph_attrs):
        self.name = name
        self.lines = [f"{k}={quote(v)};" for k, v in graph_attrs.items()]

    def node(self, node_id: str, indent: int = 1, **values) -> None:
        self.lines.append("  " * (indent - 1) + f"{quote(node_id)}{attrs(id=node_id, **values)};")

    def edge(self, a: str, b: str, **values) -> None:
        self.lines.append(f"{quote(a)} -> {quote(b)}{attrs(**values)};")

    def cluster(self, cluster_id: str, label: str, nodes: list[tuple[str, dict]], **values) -> None:
        self.lines.append(f"subgraph {quote('cluster_' + cluster_id)} {{")
        self.lines.append(f"  id={quote(cluster_id)}; label={quote(label)};")
        for key, value in values.items():
            self.lines.append(f"  {key}={quote(value)};")
        for node_id, node_attrs in nodes:
            self.node(node_id, indent=2, **node_attrs)
        self.lines.append("}")

    def source(self) -> str:
        body = "\n".join("  " + line for line in self.lines)
        return f"digraph {quote(self.name)} {{\n{body}\n}}\n"


def dot_available() -> bool:
    return shutil.which("dot") is not None


@functools.lru_cache(maxsize=32)
def to_svg(source: str) -> bytes:
    """Run ``dot -Tsvg``; the output is stable for a given source and Graphviz version, so a process that builds
    several packs (the test suite: one per broken inventory) draws a diagram it has already drawn once."""
    if not dot_available():
        raise RuntimeError("Graphviz `dot` is not installed (tools/bootstrap-host.sh installs graphviz)")
    return subprocess.run(["dot", "-Tsvg"], input=source.encode(), capture_output=True, check=True).stdout
