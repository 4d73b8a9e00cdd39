"""What each page says comes from the model's views and validation, and follows the inventory."""

from __future__ import annotations

import pytest
import sites
from ansible_collections.sitekit.core.plugins.plugin_utils.site import debian, windows
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import Problem
from ansible_collections.sitekit.core.plugins.plugin_utils.site.registry import validate
from ansible_collections.sitekit.core.plugins.plugin_utils.site.typed import to_vars
from sitedoc.context import Context
from sitedoc.pages import backup, cegid, firewall, history, hosts, overview, traceability
from sitedoc.report import markdown
from sitedoc.trace import build as build_trace
from sitekit_paths import REPO


def ctx_of(site, journal=None) -> Context:
    return Context("inventories/rcr", site, validate(site), journal, REPO)


@pytest.fixture(scope="module")
def trace():
    return build_trace(REPO)


def row(md: str, *cells: str) -> str:
    """The first table row holding every cell (as Markdown cells)."""
    for line in md.splitlines():
        if line.startswith("|") and all(f"| {c} |" in line for c in cells):
            return line
    raise AssertionError(f"no row with {cells}")


def test_hosts_table_gives_tier_vlan_address_node_and_sizing(rcr_site):
    md = markdown(hosts.page(ctx_of(rcr_site)))
    assert row(md, "sql01", "windows", "sql_servers", "10 SERVEURS", "10.0.10.60/24", "pve3", "140", "4", "16", "80 + 200 + 100")
    assert row(md, "sw-core", "network", "20 ADMIN-RESEAU", "10.0.20.11/24")


def test_a_resized_vm_shows_its_new_size(rcr_site):
    vm = dict(rcr_site.hosts["sql01"].get("vm"), memory_mb=32768, node="pve1")
    md = markdown(hosts.page(ctx_of(sites.modified(sql01__vm=vm))))
    assert row(md, "sql01", "pve1", "32")


def test_windows_firewall_rows_are_the_windows_view(rcr_site):
    md = markdown(firewall.page(ctx_of(rcr_site)))
    for rule in windows.firewall_rules(rcr_site, "sql01"):
        assert row(md, ",".join(str(p) for p in rule.ports), rule.protocol.upper(), rule.direction)
    assert "### sql01 (Windows)" in md and "### rdsh01 (Windows)" in md and "### dc01 (Windows)" not in md
    smb = row(md, "445", "TCP", "in")
    assert "toolkit addition" in smb and "servers VLANs: 10.0.10.0/24" in smb
    assert "seed 000 §6 « Pare-Feu »" in row(md, "135,139,703,1433", "TCP", "in")


def test_debian_rows_are_the_debian_views_input_policy(rcr_site):
    md = markdown(firewall.page(ctx_of(rcr_site)))
    glpi = to_vars(debian.firewall(rcr_site, "glpi01"))["rules"]
    web = next(r for r in glpi if r["name"] == "glpi-https")
    assert row(md, "80,443", "TCP", "in", ", ".join(web["sources"]), f"glpi-https: {web['why']}",
               firewall.DEBIAN_SOURCES["glpi-https"])
    ssh = next(r for r in to_vars(debian.firewall(rcr_site, "proxy01"))["rules"] if r["name"] == "ssh")
    assert row(md, "22", "TCP", "in", ", ".join(ssh["sources"]), f"ssh: {ssh['why']}", firewall.DEBIAN_SOURCES["ssh"])
    assert md.count("(Debian)") == len(rcr_site.group("debian"))
    assert "not modelled" not in md and "could not be computed" not in md


def test_a_debian_firewall_the_view_refuses_is_shown_as_such(rcr_site, monkeypatch):
    def refuse(site, host):
        raise debian.DebianPlanError("no administration VLAN", key="site_security.linux_admin_vlans")
    monkeypatch.setattr(debian, "firewall", refuse)
    md = markdown(firewall.page(ctx_of(rcr_site)))
    assert md.count("could not be computed: ") == len(rcr_site.group("debian"))


def test_cegid_rows_report_validation_verdicts(rcr_site, trace):
    md = markdown(cegid.page(ctx_of(rcr_site), trace))
    assert row(md, "Collation", "site", "French_CI_AS", "✔ met")
    assert row(md, "Database server: memory", "sql01", "✔ met")
    assert row(md, "Session host: CPU", "rdsh01", "8 vCPU", "✔ met")


@pytest.mark.parametrize(("change", "cells"), [
    ({"site_cegid": "collation"}, ("Collation", "site", "French_CS_AS")),
    ({"site_cegid": "edition"}, ("SQL Server edition", "site", "Express")),
    ({"sql01__vm": 12288}, ("Database server: memory", "sql01")),
    ({"sql01__vm": 4096}, ("Database server: memory", "sql01")),
    ({"rdsh01__vm": 2}, ("Session host: CPU", "rdsh01", "2 vCPU")),
])
def test_a_prerequisite_the_inventory_misses_is_reported(rcr_site, trace, change, cells):
    (key, value), = change.items()
    if key == "site_cegid":
        sql = dict(rcr_site.vars["site_cegid"]["sql"], **({"collation": "French_CS_AS"} if value == "collation"
                                                           else {"edition": "Express"}))
        site = sites.modified(site_cegid=dict(rcr_site.vars["site_cegid"], sql=sql))
        expected = "✘ not met"
    elif key == "sql01__vm":
        site = sites.modified(sql01__vm=dict(rcr_site.hosts["sql01"].get("vm"), memory_mb=value))
        expected = "▲ met, below the recommendation" if value >= 8192 else "✘ not met"
    else:
        site = sites.modified(rdsh01__vm=dict(rcr_site.hosts["rdsh01"].get("vm"), vcpu=value))
        expected = "✘ not met"
    line = row(markdown(cegid.page(ctx_of(site), trace)), *cells)
    assert f"| {expected}" in line, line


def test_a_prerequisite_nothing_checks_is_a_gap(rcr_site, trace):
    md = markdown(cegid.page(ctx_of(rcr_site), trace))
    assert "✘ gap: nothing checks or applies it" in row(md, "Office", "site")


def test_backup_page_shows_jobs_scope_targets_and_restore_targets(rcr_site):  # the PRA drill: test_pack_journal.py
    md = markdown(backup.page(ctx_of(rcr_site)))
    assert row(md, "prune-backups", "keep-daily=7,keep-monthly=2,keep-weekly=5")
    assert row(md, "keep_weekly", "5", "one copy per week (the weekend's)")
    assert row(md, "maintenance window", "✔ inside a maintenance window")
    assert row(md, "dc01", "101", "pve1", "✔ backed up")
    assert row(md, "ad_domain_controllers", "30", "dc01, dc02")


def test_backup_schedule_outside_every_window_is_shown(rcr_site):
    md = markdown(backup.page(ctx_of(sites.modified(site_backup=dict(rcr_site.vars["site_backup"], schedule="12:00")))))
    assert "Proxmox view cannot compute the backups" in md and "outside every maintenance window" in md


def test_no_journal_says_so(rcr_site):
    md = markdown(history.page(ctx_of(rcr_site)))
    assert "*no run recorded*" in md and "set SITEKIT_JOURNAL_DIR" in md


def test_overview_shows_business_hours_availability_windows_and_slas(rcr_site):
    md = markdown(overview.page(ctx_of(rcr_site)))
    assert "Business hours mon, tue, wed, thu, fri 07:00–20:00; availability target 99.5 %" in md
    assert row(md, "nightly", "mon, tue, wed, thu, fri, sat, sun", "20:00", "07:00", "yes")
    assert row(md, "majeur", "5", "4")
    hours = dict(rcr_site.vars["site_business_hours"], availability_pct=99.0)
    assert "availability target 99.0 %" in markdown(overview.page(ctx_of(sites.modified(site_business_hours=hours))))


def test_overview_lists_validation_problems_with_their_place_relative_to_the_repository(rcr_site):
    sql = dict(rcr_site.vars["site_cegid"]["sql"], collation="French_CS_AS")
    ctx = ctx_of(sites.modified(site_cegid=dict(rcr_site.vars["site_cegid"], sql=sql)))
    assert row(markdown(overview.page(ctx)), "✘ error", "site_cegid.sql.collation", "cegid-sql")
    ctx.problems = [Problem("cegid-sql", "vm.memory_mb", "too small", host="sql01",
                            where=f"{REPO}/inventories/rcr/host_vars/sql01.yml:9")]
    assert row(markdown(overview.page(ctx)), "✘ error", "inventories/rcr/host_vars/sql01.yml:9", "sql01", "vm.memory_mb")


def test_traceability_matrix_links_rules_roles_and_tests(rcr_site, trace):
    md = markdown(traceability.page(ctx_of(rcr_site), trace))
    line = row(md, "SPEC-5-collation")
    assert "cegid-sql" in line and "role::sqlserver_cegid" in line and "tests/unit/windows/test_windows_sql.py" in line
    assert "✔ traced" in line
    assert "✘ gap: no validation rule, no role/task, no test" in row(md, "SPEC-5-office")


def test_no_prerequisite_is_called_met_while_validation_skips_its_rule(rcr_site, trace):
    site = sites.modified()
    del site.vars["site_backup"]  # a schema error: the Cegid rules (they read views) do not run
    line = row(markdown(cegid.page(ctx_of(site), trace)), "Collation", "site")
    assert "○ not established while validation reports errors" in line and "✔" not in line
