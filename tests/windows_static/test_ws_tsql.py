"""Check 4: the T-SQL the sqlserver_cegid role sends. Every template's `{{ }}` is escaped
(tsql_name / tsql_str) or a constant; rendered with the rcr data, every principal DDL sits behind
a guard that reads the principal it writes; rendered with hostile names (quote, bracket, newline,
comment, statement), each name stays one literal or one identifier and the statements do not change."""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import ws_findings
import ws_tsql
import yaml
from sitekit_paths import REPO
from ws_tasks import load, variables_at

TSQL_DIR = "roles/sqlserver_cegid/templates/tsql"
TEMPLATES = sorted(p.name for p in (REPO / TSQL_DIR).glob("*.sql.j2"))
SEEDED = Path(__file__).parent / "data/seeded"


def hostile(security: dict) -> tuple[dict, dict[str, str]]:
    """The security plan with every principal and database name made hostile, and the name mapping."""
    mapping = ws_tsql.hostile_names([login["name"] for login in security["logins"]] + security["databases"])

    def swap(value):
        if isinstance(value, dict):
            return {mapping.get(k, k): swap(v) for k, v in value.items()}
        if isinstance(value, list):
            return [swap(v) for v in value]
        return mapping.get(value, value) if isinstance(value, str) else value
    return swap(copy.deepcopy(security)), mapping


def batches(security: dict, playbook: str | Path = "playbooks/windows.yml") -> dict[str, list[str]]:
    """Every rendered Query of a win_powershell task, by template name, for the plan `security`."""
    extra = {"sqlserver_cegid_security": security,
             "sqlserver_cegid_databases": {"output": [{"name": name} for name in security["databases"]]}}
    out: dict[str, list[str]] = {}
    for task in load(playbook, extra_vars=extra, hosts=["sql01"]):
        query = (task.raw_args.get("parameters") or {}).get("Query", "") if isinstance(task.raw_args.get("parameters"), dict) else ""
        template = re.search(r"tsql/([\w.]+\.sql\.j2)", str(query))
        if template:
            out.setdefault(template.group(1), []).extend(c.args["parameters"]["Query"] for c in task.calls)
    return out


@dataclass(frozen=True)
class Rendered:
    """rcr's security plan for sql01, its hostile copy and the batches of both (rendered once per process,
    when a test first needs them: collection only lists the templates)."""
    security: dict
    hostile_security: dict
    mapping: dict[str, str]
    plain: dict[str, list[str]]
    hostile: dict[str, list[str]]


@functools.cache
def rendered() -> Rendered:
    security = variables_at("roles/sqlserver_cegid/tasks/security.yml", "sql01",
                            {"security": "{{ sqlserver_cegid_security }}"})["security"]
    hostile_security, mapping = hostile(security)
    return Rendered(security, hostile_security, mapping, batches(security), batches(hostile_security))


def unit(template: str, aspect: str, test_id: str):
    return ws_findings.param("tsql", f"{TSQL_DIR}/{template}", f"{template} {aspect}", template, test_id)


@pytest.mark.parametrize("template", [unit(t, "escaping", t) for t in TEMPLATES])
def test_template_escapes_every_expression(template):
    findings = ws_tsql.template_findings((REPO / TSQL_DIR / template).read_text())
    ws_findings.verify("tsql", f"{TSQL_DIR}/{template}", f"{template} escaping", findings)


@pytest.mark.parametrize("template", [unit(t, "guards", t) for t in TEMPLATES])
def test_every_ddl_is_guarded_by_a_read_of_the_principal_it_writes(template):
    plain = rendered().plain
    assert plain.get(template), f"no task renders {template}"
    findings = sorted({f for sql in plain[template] for f in ws_tsql.guard_findings(sql) + ws_tsql.lexical_findings(sql)})
    ws_findings.verify("tsql", f"{TSQL_DIR}/{template}", f"{template} guards", findings)


@pytest.mark.parametrize("template", [unit(t, "hostile names", t) for t in TEMPLATES])
def test_hostile_names_stay_literals_and_change_no_statement(template):
    r = rendered()
    assert len(r.plain[template]) == len(r.hostile[template])
    findings = sorted({f for plain, bad in zip(r.plain[template], r.hostile[template], strict=True)
                       for f in ws_tsql.hostile_findings(plain, bad, r.mapping)})
    ws_findings.verify("tsql", f"{TSQL_DIR}/{template}", f"{template} hostile names", findings)


def test_the_rendering_is_real():
    """The batches come from the role's tasks with the rcr plan, and the hostile names reach them."""
    plain, hostile_, mapping = rendered().plain, rendered().hostile, rendered().mapping
    assert set(plain) == set(TEMPLATES)
    security = plain["security.sql.j2"][0]
    assert "CREATE LOGIN [RCR\\svc-cegid-maj] FROM WINDOWS" in security
    assert "WHERE sid = 0x01" in security and "N'ALTER LOGIN ' + QUOTENAME(@sa) + N' DISABLE;'" in security
    assert "N' ADD MEMBER ' + QUOTENAME(@member)" in plain["database_access.sql.j2"][0]
    assert "SUSER_SID(N'RCR\\svc-cegid-maj')" in plain["database_access.sql.j2"][0]
    bad = mapping["RCR\\svc-cegid-maj"]
    assert "\n" in bad and "'" in bad and "]" in bad
    assert "[" + bad.replace("]", "]]") + "]" in hostile_["security.sql.j2"][0]


def test_dynamic_statements_are_read_as_the_ddl_they_build():
    """ALTER ROLE and ALTER LOGIN built for sp_executesql are checked like written DDL: a guard on
    another principal is reported, the rcr batches' guards match."""
    access = rendered().plain["database_access.sql.j2"][0]
    writes = [w for _, w, _ in ws_tsql._writes_in_order(access) if w is not None]
    assert [w.statement.split()[:2] for w in writes if w.member] and all(
        p.key == "login-sid" for w in writes if w.member for p in w.principals[0])
    broken = access.replace("u.sid = SUSER_SID(N'RCR\\svc-cegid-maj')", "u.sid = SUSER_SID(N'RCR\\other')")
    assert any(f.startswith("[guard-mismatch]") for f in ws_tsql.guard_findings(broken))
    assert ws_tsql.guard_findings(access) == []


# ---- the lexer follows SQL Server's rules -----------------------------------------------------------------
@pytest.mark.parametrize(("sql", "kinds"), [
    ("N'it''s'", [("string", "it's")]),
    ("[a]]b]", [("bracket", "a]b")]),
    ('"x""y"', [("quoted", 'x"y')]),
    ("/* a /* b */ c */", [("comment", "")]),
    ("-- x\nSELECT", [("comment", ""), ("word", "")]),
    ("'-- not a comment'", [("string", "-- not a comment")]),
    ("/* '*/' */", [("comment", ""), ("error", "")]),  # no string inside a comment: its */ ends it
])
def test_lexer(sql, kinds):
    tokens = [(t.kind, t.value) for t in ws_tsql.code(ws_tsql.lex(sql)) + [t for t in ws_tsql.lex(sql) if t.kind == "comment"]]
    assert sorted(tokens) == sorted(kinds)


def test_identifiers_longer_than_sysname_are_refused():
    """QUOTENAME returns NULL beyond 128 characters; SQL Server refuses longer identifiers."""
    assert ws_tsql.lexical_findings("CREATE LOGIN [" + "a" * 129 + "] FROM WINDOWS;")[0].startswith("[identifier-too-long]")
    assert ws_tsql.lexical_findings("CREATE LOGIN [" + "a" * 128 + "] FROM WINDOWS;") == []


# ---- the check catches each seeded fault and accepts the correct form ---------------------------------------
@functools.cache
def seeded_findings() -> dict[str, list[str]]:
    r = rendered()
    plain = batches(r.security, SEEDED / "tsql.yml")
    bad = batches(r.hostile_security, SEEDED / "tsql.yml")
    out = {}
    for template, sqls in plain.items():
        findings = ws_tsql.template_findings((SEEDED / "templates/tsql" / template).read_text())
        for sql, hostile_sql in zip(sqls, bad[template], strict=True):
            findings += ws_tsql.guard_findings(sql) + ws_tsql.lexical_findings(sql)
            findings += ws_tsql.hostile_findings(sql, hostile_sql, r.mapping)
        out[template] = sorted(set(findings))
    return out


@functools.cache
def seeded_tasks() -> dict[str, str]:
    """Template of each seeded task, by task name, as ansible-core loads the seeded playbook."""
    tasks = {t.name: re.search(r"tsql/([\w.]+)'", str(t.raw_args["parameters"]["Query"])).group(1)
             for t in load(SEEDED / "tsql.yml", hosts=["sql01"])}
    assert sorted(tasks) == SEEDED_NAMES, "the seeded tasks loaded are not the ones the tests were parametrized with"
    return tasks


# The task names as written (collection reads the YAML; the playbook is loaded when a test runs).
SEEDED_NAMES = sorted(t["name"] for play in yaml.safe_load((SEEDED / "tsql.yml").read_text()) for t in play["tasks"])


@pytest.mark.parametrize("name", SEEDED_NAMES)
def test_seeded_tsql(name):
    findings = seeded_findings()[seeded_tasks()[name]]
    verdict, *expected = name.split()
    if verdict == "ok":
        assert findings == []
    else:
        assert any(f.startswith(f"[{expected[0]}]") for f in findings), findings
