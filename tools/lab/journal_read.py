"""The run journal as the lab reads it: the records a converge appended."""

from __future__ import annotations

from context import REPO, site


def records_after(mark: int | None):
    """With None, a mark (the number of records now); with a mark, the records appended since."""
    site()  # installs the collection finder
    from ansible_collections.sitekit.core.plugins.plugin_utils import journal

    records = journal.read(journal.journal_file(str(REPO / "ansible.cfg")))
    return len(records) if mark is None else records[mark:]
