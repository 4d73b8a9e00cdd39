"""bench/noop_parallel_services.py merges the service plays after the host firewall play into rounds.

The comparison only measures the plays' layout if the merged playbook keeps every task, in order, included only
on the hosts of its play (each task keeps its own `when`), and keeps the serial batches apart (the FTP archive's second server in a later
round, so one server stays up as in site.yml).
"""

from __future__ import annotations

from pathlib import Path

import bench_scripts
import pytest
import yaml

pytestmark = pytest.mark.unit


def _play(name, hosts, *tasks):
    return {"name": name, "hosts": hosts, "gather_facts": False, "strategy": "mitogen_linear_unpinned",
            "tasks": [{"name": t, "when": f"inventory_hostname in {hosts}"} for t in tasks]}


PLAYS = [_play("Prepare the nodes", ["pve1"], "p1"), _play("Host firewalls and SSH access (x)", ["ftp01", "ftp02", "glpi01"], "f1"),
         _play("FTP archive (one at a time)", ["ftp01"], "a1", "a2"), _play("FTP archive (one at a time)", ["ftp02"], "a1", "a2"),
         _play("GLPI", ["glpi01"], "g1")]


def _included(include):
    return [(t["name"], t["when"]) for t in yaml.safe_load(Path(include["ansible.builtin.include_tasks"]).read_text())]


def test_the_service_plays_merge_into_rounds_by_batch(tmp_path):
    merged = bench_scripts.load("noop_parallel_services").merged_services(PLAYS, tmp_path)
    assert merged[:2] == PLAYS[:2]
    first, second = merged[2:]
    assert (first["hosts"], first["strategy"]) == (["ftp01", "glpi01"], "mitogen_free")
    archive, glpi = first["tasks"]
    assert archive["when"] == "inventory_hostname in ['ftp01']" and glpi["when"] == "inventory_hostname in ['glpi01']"
    assert _included(archive) == [("a1", "inventory_hostname in ['ftp01']"), ("a2", "inventory_hostname in ['ftp01']")]
    assert _included(glpi) == [("g1", "inventory_hostname in ['glpi01']")]
    (again,) = second["tasks"]
    assert second["hosts"] == ["ftp02"] and _included(again) == [("a1", "inventory_hostname in ['ftp02']"),
                                                                 ("a2", "inventory_hostname in ['ftp02']")]


def test_a_play_on_a_pattern_is_refused(tmp_path):
    plays = [*PLAYS[:2], {**PLAYS[4], "hosts": "glpi"}]
    with pytest.raises(ValueError, match="pattern"):
        bench_scripts.load("noop_parallel_services").merged_services(plays, tmp_path)
