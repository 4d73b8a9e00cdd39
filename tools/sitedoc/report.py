"""A report as data: pages of headings, paragraphs, tables, figures and lists, written as Markdown.

Nothing here knows about sites: the auditor's pack builds its pages from the site model, and a
drift report can build its own pages (per tier, per host: what differs) with the same blocks and
the same writers (``markdown`` here, ``html.write_site`` for the static site).

Statuses are words with a fixed leading sign, so the Markdown reads without colours and the HTML
writer can colour the cell from the sign alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Sign → (word, CSS class). A table cell whose text starts with a sign gets the class in HTML.
STATUS = {
    "ok": ("✔", "ok"),
    "warn": ("▲", "warn"),
    "fail": ("✘", "fail"),
    "none": ("○", "none"),
}


def status(kind: str, text: str) -> str:
    """``status("ok", "met")`` → ``"✔ met"``."""
    return f"{STATUS[kind][0]} {text}"


@dataclass
class Heading:
    text: str
    level: int = 2


@dataclass
class Para:
    text: str


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Table:
    columns: list[str]
    rows: list[list]
    empty: str = "none"  # what the reader sees when there is no row


@dataclass
class Figure:
    src: str  # a file of the page's directory (an SVG written beside the pages)
    alt: str
    caption: str = ""


@dataclass
class Page:
    slug: str  # file name without extension
    title: str
    blocks: list = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # extra files written beside the page (SVG)

    def add(self, *blocks) -> Page:
        self.blocks.extend(blocks)
        return self


def cell(value) -> str:
    """A table cell's Markdown: empty for None, escaped pipes, one line."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip()


def markdown(page: Page, nav: list[Page] | None = None) -> str:
    """The page as Markdown (GitHub-flavoured tables); links between pages point at ``<slug>.md``."""
    out = [f"# {page.title}", ""]
    if nav:
        out += [" · ".join(f"**{p.title}**" if p.slug == page.slug else f"[{p.title}]({p.slug}.md)" for p in nav), ""]
    for block in page.blocks:
        if isinstance(block, Heading):
            out += [f"{'#' * block.level} {block.text}", ""]
        elif isinstance(block, Para):
            out += [block.text, ""]
        elif isinstance(block, Bullets):
            out += [f"- {item}" for item in block.items] + [""] if block.items else []
        elif isinstance(block, Figure):
            out += [f"[![{block.alt}]({block.src})]({block.src})", ""]
            if block.caption:
                out += [f"*{block.caption}*", ""]
        elif isinstance(block, Table):
            if not block.rows:
                out += [f"*{block.empty}*", ""]
                continue
            out.append("| " + " | ".join(cell(c) for c in block.columns) + " |")
            out.append("|" + "|".join(" --- " for _ in block.columns) + "|")
            out += ["| " + " | ".join(cell(v) for v in row) + " |" for row in block.rows]
            out.append("")
        else:
            raise TypeError(f"unknown block {block!r}")
    return "\n".join(out).rstrip("\n") + "\n"
