"""The static site: each page's Markdown rendered to HTML, inline CSS, no script, nothing remote.

The HTML is made from the Markdown the pack writes (markdown-it-py, CommonMark with tables), so
both say the same thing. Three touches on the way: headings get stable ids (anchors), links to
``<page>.md`` point at ``<page>.html``, and a table cell that starts with a status sign
(report.STATUS) gets that status's class.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from html import escape
from pathlib import Path

from markdown_it import MarkdownIt

from sitedoc.report import STATUS, Page, markdown

CSS = """
body{font:15px/1.45 "DejaVu Sans",sans-serif;margin:0;color:#1d2430;background:#fff}
header{background:#1d3557;color:#fff;padding:.6em 1.2em}
header a{color:#fff}
nav{display:flex;flex-wrap:wrap;gap:.2em 1em;margin-top:.3em;font-size:.92em}
nav a{color:#dfe7f2;text-decoration:none}nav a.here{color:#fff;font-weight:bold;text-decoration:underline}
main{padding:.5em 1.2em 2em;max-width:1500px}
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;margin-top:1.4em;border-bottom:1px solid #ccd3dd}
h3{font-size:1.05em}
table{border-collapse:collapse;margin:.6em 0;font-size:.9em}
th,td{border:1px solid #c4ccd8;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#eef2f7}tr:nth-child(even) td{background:#f8fafc}
td.ok{background:#e3f5e1!important}td.warn{background:#fff4d6!important}
td.fail{background:#fde2e1!important}td.none{background:#eceff3!important}
img{max-width:100%;height:auto;border:1px solid #dde3ea}
code{background:#f1f3f6;padding:0 .2em}
footer{color:#5b6675;font-size:.85em;padding:0 1.2em 1em}
""".strip()

_SIGNS = {sign: cls for sign, cls in STATUS.values()}


def slugify(text: str) -> str:
    """A heading's anchor: lower case words joined by dashes (ASCII letters, digits, accents kept)."""
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-") or "section"


@cache
def _parser() -> MarkdownIt:
    """Built once per process: rendering keeps no state in the parser (the anchors rule counts per render)."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")

    def anchors(state):
        seen: dict[str, int] = {}
        tokens = state.tokens
        for i, tok in enumerate(tokens):
            if tok.type == "heading_open":
                base = slugify(tokens[i + 1].content)
                seen[base] = seen.get(base, 0) + 1
                tok.attrSet("id", base if seen[base] == 1 else f"{base}-{seen[base]}")
            elif tok.type == "td_open":
                text = tokens[i + 1].content if i + 1 < len(tokens) else ""
                cls = _SIGNS.get(text[:1])
                if cls:
                    tok.attrSet("class", cls)
            elif tok.type == "inline":
                for child in tok.children or []:
                    href = child.attrGet("href") if child.type == "link_open" else None
                    if href and not re.match(r"^[a-z]+:", href):
                        child.attrSet("href", re.sub(r"\.md(#|$)", r".html\1", href))

    md.core.ruler.push("sitedoc_anchors", anchors)
    return md


@lru_cache(maxsize=256)
def _body(text: str) -> str:
    """A page's Markdown as HTML, rendered once per text and process: rendering is deterministic (the anchors rule
    keeps nothing between renders), and one process writing many packs (the test suite's ~150 broken inventories)
    meets the same page again and again (two renders in three, measured on 40 of them)."""
    return _parser().render(text)


def html_page(page: Page, nav: list[Page], site_title: str, footer: str) -> str:
    body = _body(markdown(page))
    here = ' class="here"'
    links = "".join(f'<a href="{p.slug}.html"{here if p.slug == page.slug else ""}>{escape(p.title)}</a>' for p in nav)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{escape(page.title)} — {escape(site_title)}</title>\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<style>\n{CSS}\n</style>\n</head>\n<body>\n"
        f'<header><a href="index.html">{escape(site_title)}</a>\n<nav>{links}</nav>\n</header>\n'
        f"<main>\n{body}</main>\n<footer>{escape(footer)}</footer>\n</body>\n</html>\n"
    )


def write_site(pages: list[Page], out: Path, site_title: str, footer: str) -> list[Path]:
    """Write ``<slug>.md``, ``<slug>.html`` and each page's files into ``out``; the first page is ``index``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for page in pages:
        for name, data in sorted(page.files.items()):
            (out / name).write_bytes(data)
            written.append(out / name)
        (out / f"{page.slug}.md").write_text(markdown(page, nav=pages), encoding="utf-8")
        (out / f"{page.slug}.html").write_text(html_page(page, pages, site_title, footer), encoding="utf-8")
        written += [out / f"{page.slug}.md", out / f"{page.slug}.html"]
    return written
