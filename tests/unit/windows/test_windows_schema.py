"""site_windows (group_vars/all/windows.yml) is validated like every site variable."""

from __future__ import annotations

import copy

import pytest
from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import validate
from windows_testlib import modified, rcr


def _problems(site_windows):
    return [str(p) for p in validate(modified(site_windows=site_windows)) if p.severity == "error"]


def test_rcr_windows_data_is_valid():
    assert [str(p) for p in validate(rcr()) if p.severity == "error" and "site_windows" in str(p)] == []


@pytest.mark.parametrize("path, value, expected", [
    (("sql", "service_account"), {"kind": "local_system"}, "site_windows.sql.service_account"),
    (("rds", "licensing_mode"), "PerSeat", "site_windows.rds.licensing_mode"),
    (("update_install_hour",), 25, "site_windows.update_install_hour"),
    (("rds", "certificates"), [{"role": "RDWeb", "pfx": "x.pfx", "vault_var": "vault_x"}], "site_windows.rds.certificates"),
    (("service_accounts",), [{"name": "svc", "kind": "user", "vault_var": "S3cret!"}], "site_windows.service_accounts"),
])
def test_bad_windows_data_is_refused(path, value, expected):
    data = copy.deepcopy(rcr().vars["site_windows"])
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    problems = _problems(data)
    assert any(expected in p for p in problems), problems
