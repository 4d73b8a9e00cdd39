#!/usr/bin/env python3
"""The fixed cost of every ansible process: ansible-playbook with one ansible.builtin.debug task on localhost.

    .venv/bin/python bench/startup.py [--rounds N]   → bench/results/startup.json

Inventories: inventories/lab, inventories/rcr (validation only: the play is on ``hosts: localhost`` with
``connection: local``, the implicit localhost, so no rcr host is contacted; ``--limit localhost`` would leave no
host, rcr does not list localhost) and a one-host ini that declares no site (what a
molecule scenario gives). Variants, each run ``rounds`` times in turn with the others so all see the same load:
``default`` (the gate's verdict kept by content, warm), ``gate_cache_off`` (SITEKIT_GATE_CACHE_DIR empty: every
process validates, as before the cache), ``gate_off`` (only host_group_vars enabled), ``callbacks_off`` (no
callback but the default stdout one), ``gate_and_callbacks_off``; floors: ``python -c pass``, ``import
ansible.cli.playbook`` and ``ansible-playbook --version``. Wall and CPU (user + system of the process and its
children) are medians; ``ratio_to_gate_cache_off`` compares CPU within this run.

The breakdown runs ansible-playbook in-process with timers around: the import of ansible.cli.playbook, the
collection loader's compile of sources (no .pyc for ``ansible_collections.*``), each vars plugin, the inventory
parse (which includes the gate's first call), the callbacks' loading, the playbook run; the rest is argument
parsing, configuration and exit. Load averages are recorded: on a shared machine compare ratios of one run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = REPO / ".venv" / "bin"
RESULT = REPO / "bench" / "results" / "startup.json"
PLAY = """- name: One task
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Say
      ansible.builtin.debug:
        msg: hi
"""
# An empty list fails in ansible-core 2.19 ("A non-empty plugin name is required"); a stdout-type callback in
# the list is skipped: no callback but the default stdout one runs.
NO_CALLBACKS = "ansible.builtin.minimal"
VARIANTS = {
    "default": {},
    "gate_cache_off": {"SITEKIT_GATE_CACHE_DIR": ""},
    "gate_off": {"ANSIBLE_VARS_ENABLED": "ansible.builtin.host_group_vars"},
    "callbacks_off": {"ANSIBLE_CALLBACKS_ENABLED": NO_CALLBACKS},
    "gate_and_callbacks_off": {
        "ANSIBLE_VARS_ENABLED": "ansible.builtin.host_group_vars",
        "ANSIBLE_CALLBACKS_ENABLED": NO_CALLBACKS,
    },
}


def load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def timed(argv: list[str], env: dict) -> tuple[float, float]:
    before, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    done = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def probe(playbook_args: list[str]) -> None:
    """Run ansible-playbook in this process with timers; print the breakdown as JSON on the last line."""
    t0 = time.perf_counter()
    import ansible.cli.playbook as cli

    spent: dict[str, float] = {"import_ansible_cli_playbook": time.perf_counter() - t0}

    def wrap(owner, name, label, first_only=False):
        original = getattr(owner, name)

        def timer(*args, **kwargs):
            t = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                key = label(*args) if callable(label) else label
                spent[key] = spent.get(key, 0.0) + time.perf_counter() - t

        setattr(owner, name, timer)

    from ansible.executor.playbook_executor import PlaybookExecutor
    from ansible.executor.task_queue_manager import TaskQueueManager
    from ansible.inventory.manager import InventoryManager
    from ansible.utils.collection_loader import _collection_finder
    from ansible.vars import plugins as vars_plugins

    loader_base = _collection_finder._AnsibleCollectionPkgLoaderBase
    original_get_code = loader_base.get_code

    def get_code(self, fullname):
        if self._compiled_code:
            return self._compiled_code
        t = time.perf_counter()
        try:
            return original_get_code(self, fullname)
        finally:
            spent["collection_compile"] = spent.get("collection_compile", 0.0) + time.perf_counter() - t
            spent["collection_modules_compiled"] = spent.get("collection_modules_compiled", 0) + 1

    loader_base.get_code = get_code
    wrap(vars_plugins, "get_plugin_vars", lambda _loader, plugin, *a: f"vars_plugin {plugin._load_name}")
    wrap(InventoryManager, "parse_sources", "inventory_parse (gate's first call included)")
    wrap(TaskQueueManager, "load_callbacks", "load_callbacks")
    wrap(PlaybookExecutor, "run", "playbook_run")
    sys.argv = ["ansible-playbook", *playbook_args]
    code = 0
    try:
        cli.main()
    except SystemExit as exc:
        code = exc.code or 0
    spent["total"] = time.perf_counter() - t0
    print(json.dumps({"exit": code, **{k: round(v, 3) for k, v in spent.items()}}))


def breakdown(argv: list[str], env: dict) -> dict:
    """The second of two probes: the first keeps the gate's verdict for this interpreter (its path is in the key)."""
    for _ in range(2):
        done = subprocess.run(
            [str(BIN / "python"), __file__, "--probe", *argv],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="startup-bench-"))
    (scratch / "one.yml").write_text(PLAY)
    (scratch / "hosts.ini").write_text("[all]\nlocalhost ansible_connection=local\n")
    env = {
        **os.environ,
        "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
        "ANSIBLE_NOCOLOR": "1",
        "SITEKIT_JOURNAL_DIR": str(scratch / "journal"),
    }
    env.pop("SITEKIT_GATE_CACHE_DIR", None)
    inventories = {
        "lab": ["-i", "inventories/lab"],
        "rcr": ["-i", "inventories/rcr"],
        "non_site_ini": ["-i", str(scratch / "hosts.ini")],
    }
    commands = {
        f"{inv}/{variant}": (
            [str(BIN / "ansible-playbook"), *inv_args, str(scratch / "one.yml")],
            {**env, **VARIANTS[variant]},
        )
        for inv, inv_args in inventories.items()
        for variant in VARIANTS
    }
    commands |= {
        "floor/python": ([str(BIN / "python"), "-c", "pass"], env),
        "floor/import_ansible_cli_playbook": ([str(BIN / "python"), "-c", "import ansible.cli.playbook"], env),
        "floor/ansible-playbook --version": ([str(BIN / "ansible-playbook"), "--version"], env),
    }
    for argv, e in commands.values():  # warm: the page cache, and the gate's verdicts for `default`
        timed(argv, e)
    load_before, samples = load(), {name: [] for name in commands}
    for _ in range(args.rounds):
        for name, (argv, e) in commands.items():
            samples[name].append(timed(argv, e))
    load_after = load()
    runs = {
        name: {
            "wall_s": round(statistics.median(w for w, _ in s), 3),
            "cpu_s": round(statistics.median(c for _, c in s), 3),
        }
        for name, s in samples.items()
    }
    for inv in inventories:
        ref = runs[f"{inv}/gate_cache_off"]["cpu_s"]
        for variant in VARIANTS:
            runs[f"{inv}/{variant}"]["ratio_to_gate_cache_off"] = round(runs[f"{inv}/{variant}"]["cpu_s"] / ref, 3)
    probes = {
        f"{inv}/{variant}": breakdown([*inv_args, str(scratch / "one.yml")], {**env, **VARIANTS[variant]})
        for inv, inv_args in inventories.items()
        for variant in ("default", "gate_cache_off")
    }
    out = {
        "what": "ansible-playbook, one ansible.builtin.debug task on localhost (gather_facts false); medians of "
        f"{args.rounds} interleaved rounds, CPU = user + system of the process and its children",
        "cores": os.cpu_count(),
        "load_before": load_before,
        "load_after": load_after,
        "runs": runs,
        "breakdown_s": probes,
        "load_end": load(),
    }
    RESULT.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--probe"]:
        probe(sys.argv[2:])
    else:
        sys.exit(main())
