"""``python -m sitedoc INV [--out DIR] [--journal DIR] [--markdown DIR]`` (tools/ on PYTHONPATH)."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def default_journal_dir() -> Path:
    """The directory the run_summary callback writes to from this project (plugin_utils/journal.py decides)."""
    from sitedoc.journal import run_journal  # sitedoc installs the collection finder first

    return run_journal.journal_dir(str(REPO / "ansible.cfg"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sitedoc", description="Write the auditor's pack of an inventory.")
    parser.add_argument("inventory", help="inventory directory, e.g. inventories/rcr")
    parser.add_argument("--out", type=Path, help="output directory (default build/docs/<inventory name>)")
    parser.add_argument("--journal", type=Path, default=None,
                        help="run journal directory (default: where the runs write it, $SITEKIT_JOURNAL_DIR, else "
                             "$SITEKIT_RUN_LOG_DIR, else journal/ beside ansible.cfg)")
    parser.add_argument("--no-journal", action="store_true", help="leave the run history out (the committed summary)")
    parser.add_argument("--markdown", type=Path,
                        help="also copy the Markdown pages and diagrams here (the committed summary, e.g. docs/site/rcr)")
    args = parser.parse_args(argv)
    from sitedoc import build

    out = args.out or REPO / "build" / "docs" / Path(args.inventory).name
    if out.exists():
        shutil.rmtree(out)  # a page that is no longer generated must not linger
    journal = None if args.no_journal else Path(args.journal) if args.journal else default_journal_dir()
    written = build(args.inventory, out, journal)
    if args.markdown:
        if args.markdown.exists():
            shutil.rmtree(args.markdown)
        args.markdown.mkdir(parents=True)
        for path in written:
            if path.suffix in (".md", ".svg"):
                shutil.copyfile(path, args.markdown / path.name)
    print(f"auditor's pack: {out / 'index.html'} ({len(written)} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
