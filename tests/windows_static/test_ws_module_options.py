"""Check 1: every Windows module call of playbooks/windows.yml, rendered with inventories/rcr, against
the argument spec of the installed collection (ws_specs: module code + documentation; ws_argcheck:
Ansible.Basic / Legacy rules)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import ws_findings
import yaml
from sitekit_paths import REPO
from ws_ansible import loaders
from ws_argcheck import Unrendered, check_call
from ws_specs import legacy_rules, module_spec
from ws_tasks import load, rcr_windows_task, rcr_windows_task_list, rcr_windows_tasks

SEEDED = "tests/windows_static/data/seeded/module_options.yml"


def findings_of(task) -> list[str]:
    spec = module_spec(task.fqcn)
    return sorted({str(f) for call in task.calls for f in check_call(spec, call.args)})


# Parametrized on the tasks as written; each is rendered (once per process) when the first test runs.
TASKS = [ws_findings.param("module-options", t.file, t.name, t.where, f"{t.file}::{t.name}") for t in rcr_windows_task_list()]


@pytest.mark.parametrize("where", TASKS)
def test_module_options_match_the_installed_argument_spec(where):
    task = rcr_windows_task(where)
    ws_findings.verify("module-options", task.file, task.name, findings_of(task))


def test_every_windows_task_of_the_tier_is_checked():
    tasks = rcr_windows_tasks()
    roles = {t.file.split("/")[1] for t in tasks if t.file.startswith("roles/")}
    assert roles == {"windows_base", "ad_domain", "rds_deployment", "sqlserver_cegid", "windows_firewall", "file_server"}
    assert len(tasks) >= 70, "the playbook's Windows tasks were not all found"
    modules = {t.fqcn for t in tasks}
    assert {"microsoft.ad.ou", "ansible.windows.win_template", "ansible.windows.win_powershell",
            "community.windows.win_firewall_rule"} <= modules


def run_time_names() -> set[str]:
    """Variables that exist only during a run: registered results and set_fact of the Windows roles."""
    names = set()
    for path in REPO.glob("roles/*/tasks/*.yml"):
        for task in yaml.safe_load(path.read_text()) or []:
            for item in [task, *task.get("block", [])]:
                names |= {item["register"]} if "register" in item else set()
                names |= set(item.get("ansible.builtin.set_fact") or {})
    return names


def test_values_are_rendered_except_secrets_and_run_time_results():
    """The check is only as good as the rendering: what stays unrendered is a vault secret, a result
    registered (or a fact set) during the run, or a task no host runs (its option names are still checked)."""
    rendered = unrendered = 0
    reasons = set()
    for task in rcr_windows_tasks():
        for call in task.calls:
            for value in call.args.values():
                if isinstance(value, Unrendered):
                    unrendered += 1
                    reasons.add(value.why)
                else:
                    rendered += 1
    assert rendered > 10 * unrendered, (rendered, unrendered)
    allowed = run_time_names()
    for reason in reasons:
        undefined = re.match(r"AnsibleUndefinedVariable: '(\w+)' is undefined", reason)
        assert reason in ("vault secret", "no host runs the task under this inventory") or (
            undefined and undefined.group(1) in allowed), reason
    assert "vault secret" in reasons


def test_every_used_option_means_the_same_in_code_and_documentation():
    """Where the module's code and its documentation disagree on an option the roles use, which one
    the host follows is unclear: none may."""
    problems = []
    for task in rcr_windows_tasks():
        spec = module_spec(task.fqcn)
        for name in task.raw_args:
            code, doc = spec.options.get(name), spec.documented.get(name)
            if code is None or doc is None:
                continue
            if code.type and doc.type and code.type != doc.type and {code.type, doc.type} != {"str", "path"}:
                problems.append(f"{task.fqcn} {name}: type {code.type} (code) vs {doc.type} (docs)")
            if code.choices and doc.choices and {str(c).lower() for c in code.choices} != {str(c).lower() for c in doc.choices}:
                problems.append(f"{task.fqcn} {name}: choices {code.choices} (code) vs {doc.choices} (docs)")
    assert not problems, "\n".join(sorted(set(problems)))


# ---- the check catches each kind of fault and accepts the correct form -------------------------------
SEEDED_TASKS = load(SEEDED, hosts=["dc01"])


@pytest.mark.parametrize("task", SEEDED_TASKS, ids=[t.name for t in SEEDED_TASKS])
def test_seeded_fault_is_reported_and_correct_form_accepted(task):
    findings = findings_of(task)
    verdict, *expected = task.name.split()
    if verdict == "ok":
        assert findings == []
    else:
        rule, option = expected[0], expected[1]
        assert any(f.startswith(f"[{rule}]") and option in f for f in findings), findings


def test_seeded_faults_cover_every_rule():
    rules = {t.name.split()[1] for t in SEEDED_TASKS if t.name.startswith("fault")}
    assert rules == {"unsupported-option", "bad-choice", "bad-type", "missing-required", "mutually-exclusive",
                     "required-one-of", "required-together", "required-if", "required-by", "bad-element", "bad-entry"}


def test_legacy_rules_follow_lines_still_in_the_installed_modules():
    """data/legacy_rules.yml quotes the code line each rule follows: a collection update that changes it is noticed."""
    module_loader = loaders()[0]
    for fqcn, rules in legacy_rules().items():
        source = Path(module_loader.find_plugin_with_context(fqcn, mod_type=".ps1").plugin_resolved_path).read_text(
            encoding="utf-8-sig")
        for rule in rules:
            assert rule["code"] in source, f"{fqcn}: {rule['code']!r} is no longer in the module"


def test_seeded_value_comes_from_the_inventory():
    """reboot_timeout is rendered from dc01's site_ip (10.0.10.21), which Int32.Parse refuses."""
    task = next(t for t in SEEDED_TASKS if t.name == "fault bad-type reboot_timeout")
    assert task.calls[0].args["reboot_timeout"] == "10.0.10.21"
