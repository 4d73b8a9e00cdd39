"""The Debian roles read each site-model default once per host (issue 10, no-op speed).

A default such as ``ftp_archive_server: "{{ hostvars | sitekit.core.debian_archive_server(...) }}"`` is a lazy
template: every task that references it rebuilds the site model in its own worker process (0.2-0.4 s a task
under load). Each Debian role's first task must store it with ``set_fact`` (plain data for the rest of the
play); the default stays, so a run that skips that step by tag still works, only slower."""

from __future__ import annotations

import re

import pytest
import yaml
from sitekit_paths import REPO

DEBIAN_ROLES = ["ftp_archive", "glpi", "nftables", "squid", "ssh_access"]
MODEL_FILTER = re.compile(r"hostvars\s*\|\s*sitekit\.core\.")


def model_defaults(role: str) -> set[str]:
    defaults = yaml.safe_load((REPO / "roles" / role / "defaults" / "main.yml").read_text())
    return {name for name, value in defaults.items() if isinstance(value, str) and MODEL_FILTER.search(value)}


def first_task(role: str) -> dict:
    """The first task the role runs: main.yml's first import, followed into its file."""
    tasks = REPO / "roles" / role / "tasks"
    first = yaml.safe_load((tasks / "main.yml").read_text())[0]
    return yaml.safe_load((tasks / first["ansible.builtin.import_tasks"]).read_text())[0]


@pytest.mark.parametrize("role", DEBIAN_ROLES)
def test_first_task_stores_every_site_model_default(role):
    wanted = model_defaults(role)
    assert wanted, f"{role}: no site-model default found (the test reads the wrong file)"
    task = first_task(role)
    stored = set((task.get("ansible.builtin.set_fact") or {}).keys())
    assert stored == wanted, f"{role}: its first task stores {sorted(stored)}, the defaults read {sorted(wanted)}"
    for name in stored:
        assert task["ansible.builtin.set_fact"][name] == f"{{{{ {name} }}}}", f"{role}: {name} stored as itself"


def test_facts_holding_secrets_are_not_logged():
    """The archive accounts' and the proxy users' passwords pass through set_fact: no_log."""
    for role in ("ftp_archive", "squid"):
        assert first_task(role).get("no_log") is True, role
