"""module_result (plugin_utils/in_process.py) ends and reads a module's run() as ansible-core's module process would."""

from __future__ import annotations

import datetime
import json

import pytest
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.testing import patch_module_args
from ansible_collections.sitekit.core.plugins.plugin_utils.in_process import module_result

SPEC = {"items": {"type": "list", "elements": "dict", "default": []}, "secret": {"type": "str", "no_log": True}}


def result_of(run, **args):
    return module_result(run, ArgumentSpecValidator(SPEC), args, check_mode=False, diff=False, name="sitekit.core.x")


def test_exit_json_inside_a_catch_all_ends_the_module_as_it_does_in_a_module_process():
    """AnsibleModule.exit_json raises SystemExit, which `except Exception` does not catch (ios_remediate's read)."""
    def run(module):
        try:
            module.exit_json(changed=False, running_config="hostname sw1")
        except Exception as exc:  # noqa: BLE001 - what ios_remediate_run does around its session
            module.fail_json(msg=f"caught {type(exc).__name__}")

    result = result_of(run)
    assert not result.get("failed"), result
    assert result["running_config"] == "hostname sw1"


def test_a_yaml_date_reaches_run_as_the_string_a_module_receives_and_the_result_is_json():
    seen = {}

    def run(module):
        seen["comment"] = module.params["items"][0]["comment"]
        module.exit_json(changed=True, echoed=module.params["items"])

    result = result_of(run, items=[{"comment": datetime.date(2025, 1, 1)}], secret="s3cr3t-value")
    assert seen["comment"] == "2025-01-01"
    assert result["echoed"] == [{"comment": "2025-01-01"}] and result["changed"] is True
    assert "s3cr3t-value" not in str(result)


def test_fail_json_is_a_failed_result_with_its_message():
    result = result_of(lambda module: module.fail_json(msg="refused", detail=1))
    assert result["failed"] is True and result["msg"] == "refused" and result["detail"] == 1



def test_run_command_expands_arguments_and_reports_a_command_that_cannot_start_as_ansible_module_does(
    tmp_path, monkeypatch, capsys
):
    """TaskModule.run_command against AnsibleModule.run_command itself, for the same lists of arguments."""
    monkeypatch.setenv("SITEKIT_PROBE_DIR", str(tmp_path))
    (tmp_path / "probe").write_text("found")
    readable = ["cat", "$SITEKIT_PROBE_DIR/probe"]
    missing = [str(tmp_path / "no-such-checker"), "--password=hunter2-not-shown", "$SITEKIT_PROBE_DIR"]
    read = {}

    def run(module):
        read["rc_out"] = module.run_command(readable)[:2]
        module.run_command(missing)
        module.exit_json(started=True)

    in_worker = result_of(run)
    with patch_module_args({}), pytest.raises(SystemExit):
        real = AnsibleModule(argument_spec={})
        assert read["rc_out"] == real.run_command(readable)[:2] == (0, "found")
        real.run_command(missing)
    printed = json.loads(capsys.readouterr().out)
    assert {k: in_worker[k] for k in ("failed", "msg", "rc", "stdout", "stderr", "cmd")} == {
        k: printed[k] for k in ("failed", "msg", "rc", "stdout", "stderr", "cmd")}
    assert in_worker["msg"] == "Error executing command." and "hunter2" not in in_worker["cmd"]
    assert f"{tmp_path} " not in in_worker["cmd"] and in_worker["cmd"].endswith(str(tmp_path))  # expanded


def test_output_is_split_into_lines_as_execute_module_splits_a_modules():
    result = result_of(lambda module: module.fail_json(msg="refused", stdout="a\nb\n", stderr=""))
    assert result["stdout_lines"] == ["a", "b"] and result["stderr_lines"] == []
    assert "stdout_lines" not in result_of(lambda module: module.exit_json(changed=False))


def test_run_command_output_and_refused_arguments_as_ansible_module_gives_them(tmp_path, capsys):
    """Output bytes as basic.py decodes them (\\r kept, invalid UTF-8 as surrogates); an argument Popen refuses (a
    NUL byte: ValueError, not OSError) fails with rc 257."""
    raw = ["printf", "a\\r\\nb\\377\\n"]
    refused = ["echo", "nul\x00byte"]
    read = {}

    def run(module):
        read["out"] = module.run_command(raw)
        module.run_command(refused)
        module.exit_json(started=True)

    in_worker = result_of(run)
    with patch_module_args({}), pytest.raises(SystemExit):
        real = AnsibleModule(argument_spec={})
        assert read["out"] == real.run_command(raw) == (0, "a\r\nb\udcff\n", "")
        real.run_command(refused)
    printed = json.loads(capsys.readouterr().out)
    keys = ("failed", "msg", "rc", "stdout", "stderr", "cmd")
    assert {k: in_worker[k] for k in keys} == {k: printed[k] for k in keys} and in_worker["rc"] == 257
