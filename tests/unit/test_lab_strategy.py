"""The lab's strategy (tools/lab/strategy_plugins/mitogen_linear_unpinned.py): mitogen's linear without its
CPU pin, and its collection list walked once per ansible-playbook process instead of once per forked worker."""

from __future__ import annotations

import json
import subprocess
import sys

from sitekit_paths import REPO

PROBE = r"""
import importlib.util, json, os, sys
from ansible import context
from ansible.module_utils.common.collections import ImmutableDict
context.CLIARGS = ImmutableDict()
from ansible.plugins.loader import init_plugin_loader
init_plugin_loader()  # as ansible-playbook does: the collection finder, from ansible.cfg's collections path
import ansible.collections.list as listing

walks = []
original = listing.list_collection_dirs
def counted(*args, **kwargs):
    walks.append(1)
    return original(*args, **kwargs)

expected = {p.decode() for p in original()}
listing.list_collection_dirs = counted
spec = importlib.util.spec_from_file_location("unpinned", sys.argv[1])
unpinned = importlib.util.module_from_spec(spec)
spec.loader.exec_module(unpinned)
import ansible_mitogen.affinity, ansible_mitogen.planner

class Invocation:
    def __init__(self):
        self._extra_sys_paths = set()

given = []
unpinned.collection_dirs()  # what StrategyModule.__init__ does in the parent
before_fork = len(walks)
for _ in range(3):  # three workers: each forks from the parent and loads collections once
    pid_r, pid_w = os.pipe()
    if os.fork() == 0:
        invocation = Invocation()
        ansible_mitogen.planner._load_collections(invocation)
        os.write(pid_w, json.dumps([sorted(invocation._extra_sys_paths), len(walks)]).encode())
        os._exit(0)
    os.close(pid_w)
    given.append(json.loads(os.read(pid_r, 1 << 20)))
    os.wait()
print(json.dumps({"expected": sorted(expected), "given": given, "walks_before_fork": before_fork,
                  "patched": ansible_mitogen.planner._load_collections is unpinned.load_collections,
                  "policy": type(ansible_mitogen.affinity.policy).__name__}))
"""


def _probe() -> dict:
    plugin = REPO / "tools" / "lab" / "strategy_plugins" / "mitogen_linear_unpinned.py"
    out = subprocess.run([sys.executable, "-c", PROBE, str(plugin)], capture_output=True, text=True, check=True,
                         cwd=REPO).stdout
    return json.loads(out.splitlines()[-1])


def test_workers_get_every_collection_path_without_walking_the_collection_paths_again():
    probe = _probe()
    assert probe["patched"] and probe["policy"] == "Policy"  # the base policy: no CPU pinned
    assert any(path.endswith("/sitekit/core") for path in probe["expected"])
    assert any(path.endswith("/community/proxmox") for path in probe["expected"])
    assert probe["walks_before_fork"] == 1  # one walk, in the ansible-playbook process
    for paths, walks_in_worker in probe["given"]:
        assert paths == probe["expected"]  # the same list mitogen's own _load_collections gives
        assert walks_in_worker == 1  # the worker walked nothing itself
