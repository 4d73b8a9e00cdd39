"""The auditor's pack: a static site (HTML + the Markdown it is made from) generated from an inventory.

    make docs INV=inventories/rcr            # → build/docs/rcr/index.html
    PYTHONPATH=tools .venv/bin/python -m sitedoc inventories/rcr --out build/docs/rcr

Every page is built from the site model (plugins/plugin_utils/site/ of sitekit.core): the loader,
validation and the views the roles apply. Same inventory, journal and Graphviz version → the same
bytes. Nothing is fetched: CSS is inline, diagrams are SVG files beside the pages.
"""

from __future__ import annotations

from pathlib import Path

from sitedoc import bootstrap  # noqa: F401  (first: the collection finder)
from sitedoc.context import Context
from sitedoc.html import write_site
from sitedoc.pages import backup, cegid, firewall, history, hosts, overview, topology, traceability, vlans
from sitedoc.report import Page
from sitedoc.trace import Trace
from sitedoc.trace import build as build_trace


def pages(ctx: Context, trace: Trace | None = None) -> list[Page]:
    """The pages of the pack; ``trace`` (the requirements' traceability, which depends on the repository only) is
    built when not given."""
    trace = build_trace(ctx.repo) if trace is None else trace
    return [overview.page(ctx), topology.page(ctx), vlans.page(ctx), hosts.page(ctx), firewall.page(ctx),
            backup.page(ctx), cegid.page(ctx, trace), traceability.page(ctx, trace), history.page(ctx)]


def build(inventory: str, out: Path, journal_dir: Path | None = None) -> list[Path]:
    """Write the pack of ``inventory`` into ``out``; returns the files written."""
    return write_pack(Context.load(inventory, journal_dir), out)


def write_pack(ctx: Context, out: Path, trace: Trace | None = None) -> list[Path]:
    """Write the pack of a loaded and validated site (``Context.load``) into ``out``; a caller writing packs of
    several inventories of one repository may give the ``trace`` they share."""
    footer = f"sitekit auditor's pack — inventory {ctx.inventory} — generated from the site model; do not edit by hand"
    return write_site(pages(ctx, trace), out, f"Site {ctx.name}", footer)
