"""sitekit.core.site_validate (an action: it runs on the controller and contacts no host), scenario by
scenario through ansible-playbook, every row a task of one play (one process for the whole table).

Validation never changes anything: every row reports changed=False, in check mode too, and there is
no "change" row; the rows that differ are inventories with warnings or errors. The inventory each row
validates is the action's ``inventory`` argument; the play itself runs on ``-i localhost,`` (no site
model there, so the site_gate vars plugin leaves it alone and the action's own verdict is what shows)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from sitekit_paths import REPO

from validation.mutate import apply_case

BROKEN = {"file": "host_vars/sql01.yml", "set": {"vm.memory_mb": 4096}}
WARNED = {"file": "group_vars/all/maintenance.yml", "set": {"site_maintenance_windows[0].start": "18:00"}}


@dataclass(frozen=True)
class Row:
    id: str
    inventory: str                 # rcr, or the name of a changed copy (INVENTORIES)
    args: dict = field(default_factory=dict)
    check: bool = False
    failed: str | None = None      # regex the message must match
    shown: tuple = ()              # what the play's output shows (problems are displayed, paths from the play's directory)
    warnings: int = 0              # warnings beyond rcr's own (placeholders of the example vault, GLPI checksum…)

    def param(self):
        return pytest.param(self, id=self.id)


INVENTORIES = {"broken": BROKEN, "warned": WARNED}
ROWS = [
    Row("noop", "rcr"),
    Row("noop-check", "rcr", check=True),
    Row("errors-refused", "broken", failed=r"^the inventory is refused: \d+ problem\(s\) listed above \(1 error\(s\), ",
        shown=("broken/host_vars/sql01.yml:", "host sql01: vm.memory_mb: 4096 MB is below the Cegid minimum 8192 MB")),
    Row("errors-refused-check", "broken", check=True, failed=r"^the inventory is refused: \d+ problem\(s\) listed above \(1 error"),
    Row("warnings-pass", "warned", warnings=1, shown=("inside business hours",)),
    Row("warnings-pass-with-false-as-text", "warned", args={"fail_on_warnings": "false"}, warnings=1),
    Row("warnings-refused-when-asked", "warned", args={"fail_on_warnings": True},
        failed=r"^the inventory is refused: \d+ problem\(s\) listed above \(0 error\(s\), \d+ warning"),
    Row("no-site-model-refused", "no-model", failed=r"^no site model in .*no-model"),
]


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    """Every row as one task of one play; {row id: registered result}, and the play's output."""
    base = tmp_path_factory.mktemp("site-validate")
    paths = {"rcr": REPO / "inventories/rcr"}
    for name, case in INVENTORIES.items():
        paths[name] = apply_case(REPO / "inventories/rcr", base / name, case)
    paths["no-model"] = base / "no-model"  # hosts, no site_* variable
    (paths["no-model"] / "hosts.yml").parent.mkdir()
    (paths["no-model"] / "hosts.yml").write_text("all:\n  hosts:\n    somewhere:\n")
    results = base / "results.json"
    tasks = [{"name": row.id, "sitekit.core.site_validate": {"inventory": str(paths[row.inventory]), **row.args},
              "check_mode": row.check, "ignore_errors": True, "register": f"row_{i}"} for i, row in enumerate(ROWS)]
    collect = "{{ " + "{" + ", ".join(f"'{row.id}': row_{i}" for i, row in enumerate(ROWS)) + "} | to_json }}"
    tasks.append({"name": "results", "ansible.builtin.copy": {"content": collect, "dest": str(results), "mode": "0600"},
                  "check_mode": False})
    play = base / "play.yml"
    play.write_text(yaml.safe_dump([{"name": "site_validate scenarios", "hosts": "localhost", "gather_facts": False,
                                     "tasks": tasks}], sort_keys=False))
    env = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1",
           "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    proc = subprocess.run(["ansible-playbook", "-i", "localhost,", "-c", "local", "-e",
                           f"ansible_python_interpreter={sys.executable}", str(play)], cwd=base, env=env,
                          capture_output=True, text=True, timeout=600)
    assert results.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads(results.read_text()), proc.stdout + proc.stderr


@pytest.mark.integration  # one ansible-playbook run loading several copies of rcr
@pytest.mark.parametrize("row", [r.param() for r in ROWS])
def test_site_validate(played, row):
    results, output = played
    result = results[row.id]
    assert result["changed"] is False
    if row.failed:
        assert result.get("failed") and re.search(row.failed, result["msg"]), result.get("msg")
    else:
        assert not result.get("failed"), result.get("msg")
        assert result["hosts"] == 33 and result["error_count"] == 0
        assert result["warning_count"] == results["noop"]["warning_count"] + row.warnings
    for text in row.shown:
        assert text in output
