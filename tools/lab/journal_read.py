"""The run journal as the lab reads it: the record of one pass, found by the run id the pass gave it."""

from __future__ import annotations

from context import REPO, site


def run_record(run_id: str) -> dict | None:
    """The record of the run ``run_id`` (journal.run: its end record, else its start record marked
    "no end recorded"), or None when it wrote none (refused before its first play)."""
    site()  # installs the collection finder
    from ansible_collections.sitekit.core.plugins.plugin_utils import journal

    return journal.run(journal.read(journal.journal_file(str(REPO / "ansible.cfg"))), run_id)
