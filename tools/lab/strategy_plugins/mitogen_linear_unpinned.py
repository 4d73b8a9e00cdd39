"""mitogen's linear strategy for the lab, without mitogen's CPU pinning (issue 10).

On a machine of 2 or 3 CPUs, ansible_mitogen/affinity.py (FixedPolicy, "small SMP") pins the connection
multiplexer to CPU 0 and the ansible-playbook process, every WorkerProcess and their children (ssh) to
CPU 1; the pin is inherited, so the plays that run after a mitogen play under ansible-core's linear (the
network devices' play, playbooks/network.yml) run on one core too. Measured on the lab's 2 cores: its
network tier took 23-26 s under the pin and 14-16 s without. The affinity module's base ``Policy``
assigns nothing, which leaves the CPUs to the kernel's scheduler; mitogen reads
``ansible_mitogen.affinity.policy`` when it starts its processes (process.py common_setup and
MuxProcess.start, strategy.py wrap_worker__run), after this module is imported.
tests/integration/test_lab_cpu_pinning.py reads a task's CPU list under both strategies.
"""

from __future__ import annotations

import ansible_mitogen.affinity

ansible_mitogen.affinity.policy = ansible_mitogen.affinity.Policy()

import ansible_mitogen.loaders  # noqa: E402
import ansible_mitogen.strategy  # noqa: E402

Linear = ansible_mitogen.loaders.strategy_loader.get("linear", class_only=True)


class StrategyModule(ansible_mitogen.strategy.StrategyMixin, Linear):
    """ansible_mitogen/plugins/strategy/mitogen_linear.py's class, loaded after the policy is replaced."""
