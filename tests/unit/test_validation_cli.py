"""The two ways an operator validates: `make validate` (the site model's CLI) and the first play of site.yml.

Each problem is printed once (the issue saw every message three times: a warning display, the
failure message and the fatal result); a whole-file vault is validated with the vault password,
and without it everything else is still checked.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from ansible_collections.sitekit.core.plugins.plugin_utils.site import cli as validation_cli
from sitekit_paths import REPO
from validation.mutate import apply_case

BIN = Path(sys.executable).parent
ENV = {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "PATH": f"{BIN}:{os.environ['PATH']}",
       "ANSIBLE_FORCE_COLOR": "0", "ANSIBLE_NOCOLOR": "1", "PYTHONPATH": str(REPO / "collections")}
CLI = [sys.executable, "-m", "ansible_collections.sitekit.core.plugins.plugin_utils.site.cli"]
SQL_FAULT = {"file": "host_vars/sql01.yml", "set": {"vm.memory_mb": 4096}}
SQL_LINE = "host sql01: vm.memory_mb: 4096 MB is below the Cegid minimum 8192 MB for a database server [cegid-sql]"
VAULT_PASSWORD = "cli-test-password"
# Every secret the site requires (security.yml's list), in one whole-file vault.
REQUIRED = yaml.safe_load((REPO / "inventories/rcr/group_vars/all/security.yml").read_text())["site_required_secrets"]
WHOLE_FILE_VAULT = {"file": "group_vars/all/vault.yml",
                    "write": {"group_vars/all/vault.yml": "---\n" + "".join(f"{n}: x\n" for n in REQUIRED)},
                    "vault_encrypt": {"group_vars/all/vault.yml": VAULT_PASSWORD}}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=REPO, env=ENV, capture_output=True, text=True, timeout=180)


def cli(capsys, monkeypatch, *args: str) -> tuple[int, str]:
    """``make validate``'s CLI in this process, from the repository (exit status, output): its own process is
    proven once, by test_cli_prints_each_problem_once_and_fails."""
    monkeypatch.chdir(REPO)
    capsys.readouterr()
    status = validation_cli.main(list(args))
    return status, capsys.readouterr().out


def test_cli_prints_each_problem_once_and_fails(tmp_path):
    inventory = apply_case(REPO / "inventories/rcr", tmp_path / "inv", SQL_FAULT)
    out = run(*CLI, str(inventory))
    assert out.returncode == 1, out.stdout + out.stderr
    assert out.stdout.count(SQL_LINE) == 1, out.stdout
    assert "Traceback" not in out.stdout + out.stderr


def test_play_prints_each_problem_once_and_fails(tmp_path):
    """(Also test_validate_playbook's broken-inventory case once: the same command, run once for both.)"""
    inventory = apply_case(REPO / "inventories/rcr", tmp_path / "inv", SQL_FAULT)
    out = run("ansible-playbook", "-i", str(inventory), "playbooks/validate.yml")
    assert out.returncode != 0
    shown = out.stdout + out.stderr
    assert shown.count(SQL_LINE) == 1, shown
    assert f"{inventory}/host_vars/sql01.yml:" in shown  # the file (and line) of the value
    # The gate (vars plugin sitekit.core.site_gate) refuses it before the play's own validation task runs.
    assert "inventory refused before any connection, 1 problem(s)" in shown
    assert "Traceback" not in shown


def test_whole_file_vault_without_password_checks_everything_else(tmp_path, capsys, monkeypatch):
    inventory = apply_case(REPO / "inventories/rcr", tmp_path / "inv", {
        **WHOLE_FILE_VAULT, "replace_text": {"group_vars/all/backup.yml": ["keep_daily: 7", "keep_daily: 2"]}})
    status, out = cli(capsys, monkeypatch, str(inventory))
    assert status == 1, out
    assert "this whole-file vault was not opened (no vault password given)" in out
    assert "site_backup.retention.keep_daily: 2 is below the contractual minimum 7" in out
    assert "required secret is missing" not in out


def test_whole_file_vault_with_its_password(tmp_path, capsys, monkeypatch):
    inventory = apply_case(REPO / "inventories/rcr", tmp_path / "inv", WHOLE_FILE_VAULT)
    secret = tmp_path / "vault-password"
    secret.write_text(VAULT_PASSWORD + "\n")
    status, out = cli(capsys, monkeypatch, "--vault-password-file", str(secret), str(inventory))
    assert status == 0, out
    assert "not opened" not in out
    play = run("ansible-playbook", "-i", str(inventory), "--vault-password-file", str(secret), "playbooks/validate.yml")
    assert play.returncode == 0, play.stdout + play.stderr
    assert "0 errors" in play.stdout


def test_strict_refuses_the_example_placeholders(capsys, monkeypatch):
    relaxed, relaxed_out = cli(capsys, monkeypatch, "inventories/rcr")
    strict, strict_out = cli(capsys, monkeypatch, "--strict", "inventories/rcr")
    assert relaxed == 0, relaxed_out
    assert strict == 1, strict_out
    assert re.search(r"ERROR   inventories/rcr/group_vars/all/vault.yml:7: \d+ secret\(s\) are still the public example",
                     strict_out), strict_out


def test_fail_on_warnings_reads_the_string_false_as_false(tmp_path):
    """site_validate's option is a boolean: "false" keeps warnings non-fatal, "true" makes them fatal
    (it once went through bool("false"), which is True), "maybe" is refused. rcr has warnings and no error."""
    play = tmp_path / "play.yml"
    outcomes = {}
    for value in ("false", "true", "maybe"):
        play.write_text(f"""---
- name: Validate with fail_on_warnings {value}
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Validate
      sitekit.core.site_validate:
        fail_on_warnings: "{value}"
""")
        outcomes[value] = run("ansible-playbook", "-i", "inventories/rcr", str(play))
    assert outcomes["false"].returncode == 0, outcomes["false"].stdout
    assert "ok: [localhost]" in outcomes["false"].stdout and "[WARNING]: " in outcomes["false"].stderr
    assert outcomes["maybe"].returncode != 0, outcomes["maybe"].stdout
    assert "strict and fail_on_warnings take a boolean: The value 'maybe' is not a valid boolean." \
        in outcomes["maybe"].stdout, outcomes["maybe"].stdout
    assert "rules checked" not in outcomes["maybe"].stdout
    assert outcomes["true"].returncode != 0, outcomes["true"].stdout
    assert "warning(s)); fix them and run again" in outcomes["true"].stdout
