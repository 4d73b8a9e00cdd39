"""Shared test set-up: the project's collection on sys.path (see sitekit_paths), the rcr site once."""

import os
import tempfile

import pytest
import sitekit_paths  # noqa: F401  (puts collections/ on sys.path)
import sites

# Test runs of ansible-playbook append to a journal of their own, never to the operator's (journal/).
os.environ.setdefault("SITEKIT_JOURNAL_DIR", tempfile.mkdtemp(prefix="sitekit-test-journal-"))


@pytest.fixture(scope="session")
def rcr_site():
    """The reference site, loaded once for the whole run (read-only: change a ``sites.modified()`` copy)."""
    return sites.site("inventories/rcr")


@pytest.fixture(scope="session")
def broken_corpus(tmp_path_factory):
    """The corpus of broken inventories, each case written and validated once (tests/validation/corpus.py)."""
    from validation.corpus import Corpus

    return Corpus(tmp_path_factory.mktemp("broken-corpus"))


NOT_UNIT = ("integration", "molecule", "windows_real")
# Fixtures that start a server process: a test using one (directly or through another fixture) is an
# integration test, whatever its module says (tests/glpi: the stand-in's database is a private mariadbd).
SERVER_FIXTURES = {"mariadb"}


def pytest_collection_modifyitems(items):
    """A test is a unit test unless its module or itself says it needs processes, containers or Windows,
    or it uses a fixture that starts a server."""
    for item in items:
        if SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)
        if not any(item.get_closest_marker(name) for name in NOT_UNIT):
            item.add_marker(pytest.mark.unit)


# Test files that share a costly session cache, dealt to one xdist worker together (`--dist loadfile`):
# the broken-inventory corpus is validated once for both (tests/validation/corpus.py); the Windows tier
# is rendered once for the static checks that read it (tests/windows_static/ws_tasks.rcr_windows_tasks).
SHARED_SCOPES = {"tests/docs/test_pack_broken_inventories.py": "tests/unit/test_validation_corpus.py"} | {
    f"tests/windows_static/test_ws_{name}.py": "tests/windows_static/test_ws_module_options.py"
    for name in ("cmdlet_signatures", "powershell_grammar", "second_hop")}


# Files whose tests are dealt one by one: each test is costly on its own (a real ansible-playbook run) and
# its module fixture is cheap, so the file would otherwise keep one worker busy while the other idles.
SPLIT_FILES = {"tests/unit/test_validation_gate.py"}
# The costliest scopes (CPU seconds measured with --durations), dealt first so that no worker is left with a
# long file at the end while the other is idle; the other scopes follow, largest test count first.
SLOW_FIRST = ()


def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile`` keeps each file on one worker (its module fixtures run once) and the files of
    SHARED_SCOPES together, deals SPLIT_FILES test by test and the SLOW_FIRST scopes first. (``--dist
    loadgroup`` cannot be used: xdist 3.8 marks groups by renaming node ids, which pytest 9 forbids, so it
    silently deals tests one by one.)"""
    if config.getoption("dist", None) != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class SharedFileScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)
            return nodeid if scope in SPLIT_FILES else SHARED_SCOPES.get(scope, scope)

        def schedule(self) -> None:
            if self.collection is None and self.collection_is_completed:
                # Every worker's list in the same order (xdist still checks they collected the same tests).
                for node, collection in self.registered_collections.items():
                    self.registered_collections[node] = slow_first(collection, self._split_scope)
                self.config.option.loadscopereorder = False
            super().schedule()

    return SharedFileScheduling(config, log)


def slow_first(collection: list[str], scope_of) -> list[str]:
    """Node ids ordered by scope: SLOW_FIRST in its order, then by test count (xdist's own order); each
    scope's tests keep their collection order."""
    counts: dict[str, int] = {}
    for nodeid in collection:
        counts[scope_of(nodeid)] = counts.get(scope_of(nodeid), 0) + 1
    rank = {scope: i for i, scope in enumerate(SLOW_FIRST)}
    first = {scope: i for i, scope in enumerate(counts)}

    def key(nodeid: str) -> tuple[int, int, int]:
        scope = scope_of(nodeid)
        file = scope.split("::")[0]
        return rank.get(scope, rank.get(file, len(rank))), -counts[scope], first[scope]
    return sorted(collection, key=key)
