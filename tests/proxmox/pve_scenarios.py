"""One row of a pve_* module's scenario table, and how it is played on a fresh simulator.

A row says the cluster's state before (``given``: steps run on the simulator, usually the module
itself once), the module's arguments, check mode, and what must come out: failed (and the
message), changed, the exact write requests the simulator saw (``writes``: ``{}`` is "no request
that writes"), values of the result, and the cluster's state after (``then``). Arguments are a
function of the rcr model's desired state (``desired``), known only once the session has loaded it. Every row runs
twice (the ``via`` fixture): as the module, and as its action runs it inside Ansible's worker.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from pve_harness import ModuleFailed, run, sim_for

NO_WRITE: dict = {}


@dataclass(frozen=True)
class Row:
    id: str
    args: Callable[[dict], dict]
    given: tuple = ()                       # steps (sim, desired, args, module) -> None, before the run
    check: bool = False
    changed: bool | None = None             # None: the row fails
    writes: dict | Callable[[dict], dict] = field(default_factory=dict)  # or desired -> dict
    failed: str | None = None               # regex searched in msg
    result: Callable[[dict, dict], dict] | None = None   # (result, desired) -> {key: expected}: compared exactly
    then: Callable | None = None            # (sim, result, desired) -> None or a truth: the cluster after
    version: int = 9

    def param(self):
        return pytest.param(self, id=self.id)


def applied(sim, desired, args, module):
    """The module already ran once with the row's arguments (the cluster is as declared)."""
    run(sim, module, args)


def play(rcr_site, desired: dict, module: str, row: Row, via: str = "module") -> dict:
    """Run ``row`` on a fresh simulator shaped like rcr's cluster, through the module or its action (``via``); assert
    what it expects; its result."""
    with sim_for(rcr_site, row.version) as sim:
        args = row.args(desired)
        for step in row.given:
            step(sim, desired, args, module)
        sim.reset_counts()
        try:
            result = run(sim, module, args, check=row.check, via=via)
        except ModuleFailed as exc:
            result = exc.result
        if row.failed:
            assert result.get("failed") and re.search(row.failed, result["msg"]), result
            assert not result.get("changed"), result
        else:
            assert not result.get("failed"), result
            assert result["changed"] is row.changed, result
        assert sim.writes() == (row.writes(desired) if callable(row.writes) else row.writes), f"writes: {sim.writes()}"
        if row.result:
            expected = row.result(result, desired)
            assert {k: result.get(k) for k in expected} == expected
        if row.then:
            outcome = row.then(sim, result, desired)
            assert outcome is None or outcome, f"{row.id}: the cluster after is not as expected"
        return result
