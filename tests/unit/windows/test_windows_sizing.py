"""Sizing check of SITE-SPEC §5: an under-sized session host is refused with a clear message."""

from __future__ import annotations

import pytest
from ansible_collections.sitekit.core.plugins.filter.windows import windows_measured_sizing
from ansible_collections.sitekit.core.plugins.plugin_utils.site import windows as sw
from ansible_collections.sitekit.core.plugins.plugin_utils.site.windows.data import SizingCheck
from windows_testlib import modified, rcr


def _vm(host, **changes):
    return {**rcr().hosts[host].vars["vm"], **changes}


@pytest.mark.requirement("SPEC-5-rds-sizing")
def test_rcr_farm_is_sized_for_85_users():
    result = sw.sizing_check(rcr())
    assert result == SizingCheck(ok=True, errors=(), warnings=(), users_per_session_host=43)


def test_under_sized_session_host_memory_is_refused_with_the_figures():
    result = sw.sizing_check(modified(rdsh01__vm=_vm("rdsh01", memory_mb=8192)))
    assert not result.ok
    assert result.errors == (
        "session host rdsh01 (declared in host_vars): 8192 MB is below the Cegid minimum 12492 MB for a session host "
        "with 43 users (8192 MB + 100 MB x 43 users, seed 000)",)


def test_under_sized_session_host_vcpu_is_refused():
    result = sw.sizing_check(modified(rdsh02__vm=_vm("rdsh02", vcpu=2)))
    assert not result.ok
    assert len(result.errors) == 1
    assert result.errors[0] == ("session host rdsh02 (declared in host_vars): 2 vCPU for 43 users: at least 3 needed "
                                   "(1 CPU per 20 users)")


def test_recommendations_are_warnings_not_errors():
    result = sw.sizing_check(modified(rdsh01__vm=_vm("rdsh01", memory_mb=16384, vcpu=3)))
    assert result.ok
    assert any("below the recommended 20684 MB" in w for w in result.warnings)
    assert any("below the recommended 3" in w for w in result.warnings) is False  # 3 vCPU = ceil(43/15)


def test_losing_a_session_host_moves_all_users_to_the_other():
    site = modified()
    site.groups["rds_session_hosts"] = ["rdsh01"]
    result = sw.sizing_check(site)
    assert result.users_per_session_host == 85
    assert result.ok  # 24576 MB >= 8192 + 8500; 8 vCPU >= ceil(85/20) = 5


def test_measured_facts_override_the_inventory():
    result = sw.sizing_check(rcr(), actual={"rdsh02": {"memory_mb": 12288}})
    assert not result.ok
    assert result.errors[0].startswith("session host rdsh02 (measured)")


@pytest.mark.requirement("SPEC-5-rds-threshold")
def test_no_session_host_beyond_15_users_is_refused():
    site = modified()
    site.groups["rds_session_hosts"] = []
    result = sw.sizing_check(site)
    assert not result.ok and "RDS farm" in result.errors[0]


@pytest.mark.requirement("SPEC-5-sql-memory", "SPEC-5-sql-windows")
def test_under_sized_sql_server_is_refused():
    result = sw.sizing_check(modified(sql01__vm=_vm("sql01", memory_mb=4096)))
    assert result.errors == ("SQL server sql01 (declared in host_vars): 4096 MB is below the Cegid minimum 8192 MB "
                             "for a database server",)


def test_measured_memory_is_rounded_up_to_256_mb():
    hostvars = {"rdsh01": {"ansible_memtotal_mb": 24319, "ansible_processor_vcpus": 8}, "rdsh02": {}}
    assert windows_measured_sizing(hostvars, ["rdsh01", "rdsh02"]) == {"rdsh01": {"memory_mb": 24320, "vcpu": 8}}
