"""Why the network plays run under ansible-core's linear even when a lab run selects mitogen (issue 10).

mitogen 0.3.54 (requirements-dev.txt) forks each isolated task (a module with a collection's
module_utils) from one fork parent per controller context. A forked child keeps its parent's
Importer object as it was at fork time (mitogen/fork.py Options.importer; core.py
ExternalContext._setup_importer), and fork.py on_fork() does not clear the imports in flight
(Importer._callbacks). When the parent was still waiting for a module it requested for a sibling
(parent.py ModuleForwarder._on_get_module → Importer._request_module), the child believes the
request is on its way, never sends its own, and waits in poll for ever: the lab's IOS push hang,
five devices' tasks forked side by side from localhost's context. The test plays that order of
events with a master that answers late (as a loaded machine does): the control run gets its module,
the run forked while the import was in flight never does. When mitogen resets the importer on fork
the second test fails: then the network plays may run under mitogen (docs/design.md, Decisions).
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

mitogen_master = pytest.importorskip("mitogen.master")
import mitogen.core  # noqa: E402

pytestmark = pytest.mark.integration

LATE = 1.0  # seconds the master takes to answer for the module


@pytest.fixture
def router(tmp_path, monkeypatch):
    (tmp_path / "far_module.py").write_text("VALUE = 42\n")  # on the master's sys.path only
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.syspath_prepend(str(Path(__file__).parent / "mitogen_fork"))
    broker = mitogen_master.Broker()
    router = mitogen_master.Router(broker)
    serve = router.responder._on_get_module

    def late(msg):
        if msg.data == b"far_module":
            threading.Timer(LATE, serve, (msg,)).start()
            return None
        return serve(msg)

    router.del_handler(mitogen.core.GET_MODULE)
    router.add_handler(late, mitogen.core.GET_MODULE)
    yield router
    broker.shutdown()
    broker.join()


def _child_import(router, in_flight: bool, wait_s: float) -> int | None:
    from fork_helpers import fork_while_importing, import_value, make_fork_parent

    fork_parent = router.local().call(make_fork_parent)
    child = fork_parent.call(fork_while_importing, "far_module" if in_flight else None)
    try:
        return child.call_async(import_value, "far_module").get(timeout=wait_s).unpickle()
    except mitogen.core.TimeoutError:
        return None


def test_a_child_forked_with_no_import_in_flight_gets_its_module(router):
    assert _child_import(router, in_flight=False, wait_s=4 * LATE) == 42


def test_a_child_forked_while_its_parent_imports_the_same_module_waits_for_ever(router):
    assert _child_import(router, in_flight=True, wait_s=4 * LATE) is None
