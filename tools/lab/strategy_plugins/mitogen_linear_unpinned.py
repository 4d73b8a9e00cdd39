"""mitogen's linear strategy for the lab, without mitogen's CPU pinning and with its collection list computed
once (issue 10).

CPU pinning. On a machine of 2 or 3 CPUs, ansible_mitogen/affinity.py (FixedPolicy, "small SMP") pins the
connection multiplexer to CPU 0 and the ansible-playbook process, every WorkerProcess and their children (ssh)
to CPU 1; the pin is inherited, so the plays that run after a mitogen play under ansible-core's linear (the
network devices' play, playbooks/network.yml) run on one core too. Measured on the lab's 2 cores: its network
tier took 23-26 s under the pin and 14-16 s without. The affinity module's base ``Policy`` assigns nothing,
which leaves the CPUs to the kernel's scheduler; mitogen reads ``ansible_mitogen.affinity.policy`` when it
starts its processes (process.py common_setup and MuxProcess.start, strategy.py wrap_worker__run), after this
module is imported. tests/integration/test_lab_cpu_pinning.py reads a task's CPU list under both strategies.

Collection list. mitogen 0.3.54's ansible_mitogen/planner.py ``_load_collections`` calls ansible-core's
``list_collection_dirs()`` (a walk of every collection path, every namespace and collection directory) each
time a forked WorkerProcess first runs a collection module; its memo (``_planner_by_path``) lives in the
worker, which exits after one task, so the walk is repeated for every host and task: 37 walks, 16 % of the
workers' CPU in a profiled no-op of the Linux tier. The list depends only on the configured collection paths,
so the strategy computes it in the ansible-playbook process, before the play forks its workers, and the
workers inherit it. tests/unit/test_lab_strategy.py checks the paths are the same and the walk happens once.
"""

from __future__ import annotations

import ansible_mitogen.affinity

ansible_mitogen.affinity.policy = ansible_mitogen.affinity.Policy()

import ansible.collections.list  # noqa: E402
import ansible_mitogen.loaders  # noqa: E402
import ansible_mitogen.planner  # noqa: E402
import ansible_mitogen.strategy  # noqa: E402

Linear = ansible_mitogen.loaders.strategy_loader.get("linear", class_only=True)

_collection_dirs: tuple[str, ...] | None = None


def collection_dirs() -> tuple[str, ...]:
    """Every installed collection's directory, walked once per ansible-playbook process."""
    global _collection_dirs
    if _collection_dirs is None:
        _collection_dirs = tuple(path.decode("utf-8") for path in ansible.collections.list.list_collection_dirs())
    return _collection_dirs


def load_collections(invocation) -> None:
    """ansible_mitogen.planner._load_collections, from the list computed before the workers forked."""
    invocation._extra_sys_paths.update(collection_dirs())


ansible_mitogen.planner._load_collections = load_collections


class StrategyModule(ansible_mitogen.strategy.StrategyMixin, Linear):
    """ansible_mitogen/plugins/strategy/mitogen_linear.py's class, loaded after the policy is replaced."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        collection_dirs()  # in this process, before the play forks a worker: every worker inherits it
