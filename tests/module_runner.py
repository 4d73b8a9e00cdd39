"""Run a sitekit.core module in this process as Ansible runs it on a host: arguments in, JSON result out."""

from __future__ import annotations

import importlib.util
import json

import pytest
from ansible.module_utils.testing import patch_module_args
from sitekit_paths import COLLECTION


def load(name: str):
    """A fresh copy of ``plugins/modules/<name>.py``: a test may patch its globals without touching the next test."""
    spec = importlib.util.spec_from_file_location(name, COLLECTION / "plugins" / "modules" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_module(capsys, module, args: dict, check: bool = False, diff: bool = True) -> dict:
    """The module's result for ``args``, in check mode or not, with diff or not."""
    with patch_module_args({**args, "_ansible_check_mode": check, "_ansible_diff": diff}), pytest.raises(SystemExit):
        module.main()
    return json.loads(capsys.readouterr().out)


def assert_outcome(out: dict, row, root, diffs) -> None:
    """The outcome a scenario row states: refused with ``row.failed`` in the message, or ``row.changed`` with
    exactly ``row.changed_paths`` (relative to ``root``) changed, each with a diff (``diffs(out)`` counts them)."""
    if row.failed:
        assert out.get("failed"), out
        assert row.failed in out["msg"], out["msg"]
        return
    assert not out.get("failed"), out
    assert out["changed"] is row.changed
    assert out["changed_paths"] == [str(root / p) for p in row.changed_paths]
    assert diffs(out) == len(row.changed_paths)
