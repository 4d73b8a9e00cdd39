"""Shared test set-up: the project's collection on sys.path (see sitekit_paths), the rcr site once."""

import functools
import os
import tempfile
import zlib

import pytest
import sitekit_paths  # noqa: F401  (puts collections/ on sys.path)
import sites
import yaml

# Tests read YAML with libyaml, as Ansible's loader parses (yaml.safe_load's pure-Python parser was ~4 % of make unit).
if yaml.__with_libyaml__:
    yaml.safe_load = functools.partial(yaml.load, Loader=yaml.CSafeLoader)

# Test runs of ansible-playbook append to a journal of their own, never to the operator's (journal/).
os.environ.setdefault("SITEKIT_JOURNAL_DIR", tempfile.mkdtemp(prefix="sitekit-test-journal-"))


@pytest.fixture(scope="session")
def rcr_site():
    """The reference site, loaded once for the whole run (read-only: change a ``sites.modified()`` copy)."""
    return sites.site("inventories/rcr")


@pytest.fixture
def rcr_copy(tmp_path):
    """A copy of the reference inventory this test may edit."""
    import shutil

    from sitekit_paths import REPO

    return shutil.copytree(REPO / "inventories/rcr", tmp_path / "rcr")


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


# Test files that share a costly session cache, dealt to one xdist worker together (`--dist loadfile`): the
# Windows tier is rendered once for the static checks that read it (tests/windows_static/ws_tasks).
SHARED_SCOPES = {f"tests/windows_static/test_ws_{name}.py": "tests/windows_static/test_ws_module_options.py"
                 for name in ("cmdlet_signatures", "powershell_grammar", "second_hop")}
# The broken-inventory corpus is validated once per case and process for both files (tests/validation/
# corpus.py): the tests of one case stay together, in CORPUS_SHARDS scopes dealt like files.
CORPUS_FILES = ("tests/docs/test_pack_broken_inventories.py", "tests/unit/test_validation_corpus.py")
CORPUS_SHARDS = 6
# Files whose tests are dealt one by one: each test is costly on its own (a real ansible-playbook run) and
# its module fixture is cheap, so the file would otherwise keep one worker busy while the other idles.
SPLIT_FILES = {"tests/unit/test_validation_gate.py"}
# The costliest scopes (--durations of a whole run), dealt first so that no worker is left with a long file
# at the end while the other is idle; then xdist's order (most tests first); the gate's tests fill the end.
SLOW_FIRST = (*(f"broken-corpus-{n}" for n in range(CORPUS_SHARDS)), "tests/windows_static/test_ws_module_options.py",
              "tests/windows_static/test_ws_tsql.py", "tests/unit/windows/test_windows_roles.py")


def scope_of(nodeid: str, file: str) -> str:
    """The unit of work of a test (xdist's scope): its file, its file's group, its corpus shard, or itself."""
    if file in CORPUS_FILES:
        case = nodeid.partition("[")[2].rstrip("]")
        return f"broken-corpus-{zlib.crc32(case.encode()) % CORPUS_SHARDS}"
    return nodeid if file in SPLIT_FILES else SHARED_SCOPES.get(file, file)


def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile`` keeps each file on one worker (its module fixtures run once) and the files of
    SHARED_SCOPES together, the corpus by shard, SPLIT_FILES test by test, the SLOW_FIRST scopes first. (``--dist
    loadgroup`` cannot be used: xdist 3.8 marks groups by renaming node ids, which pytest 9 forbids, so it
    silently deals tests one by one.)"""
    if config.getoption("dist", None) != "loadfile":
        return None
    from collections import OrderedDict

    from xdist.scheduler import LoadFileScheduling

    class SlowFirstQueue(OrderedDict):
        """xdist's queue of scopes (ordered by test count), from which the next scope dealt is the first
        SLOW_FIRST one still waiting. (The workers' collections are left in their order: xdist sends
        indexes into them.)"""

        def popitem(self, last: bool = True):
            if last:
                return super().popitem(last=True)
            scope = min(self, key=slow_rank)  # the first of equal rank: xdist's order
            return scope, self.pop(scope)

    class SharedFileScheduling(LoadFileScheduling):
        def __init__(self, config, log=None):
            super().__init__(config, log)
            self.workqueue = SlowFirstQueue()

        def _split_scope(self, nodeid: str) -> str:
            return scope_of(nodeid, super()._split_scope(nodeid))

    return SharedFileScheduling(config, log)


def slow_rank(scope: str) -> int:
    """A scope's place in SLOW_FIRST (a test of a SPLIT_FILES file by its file), after them all if absent."""
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    return rank.get(scope, rank.get(scope.split("::")[0], len(rank)))
