"""SQL Server for Cegid: rendered ConfigurationFile.ini, and every T-SQL statement the role sends."""

from __future__ import annotations

import configparser
import re

import pytest
import sqlglot
from ansible_collections.sitekit.core.plugins.plugin_utils.site import windows as sw
from ansible_collections.sitekit.core.plugins.plugin_utils.site.problems import SiteError
from sqlglot import exp
from sqlglot.tokens import TokenType
from windows_testlib import REPO, TSQL_DIR, modified, rcr, render, sql_vars

UPDATE_LOGIN = "RCR\\svc-cegid-maj"
USERS_GROUP = "RCR\\GG-Cegid-Utilisateurs"
ADMINS_GROUP = "RCR\\GG-Cegid-Admins"
BROKERS = ["RCR\\RDCB01$", "RCR\\RDCB02$"]


def ini(site=None, host="sql01") -> configparser.SectionProxy:
    text = render("sqlserver_cegid/templates/ConfigurationFile.ini.j2", **sql_vars(site, host))
    parser = configparser.ConfigParser(comment_prefixes=(";",), interpolation=None)
    parser.optionxform = str  # setup keys are upper case
    parser.read_string(text)
    return {k: v.strip('"') for k, v in parser["OPTIONS"].items()}


# ---- ConfigurationFile.ini ------------------------------------------------------------------
@pytest.mark.requirement("SPEC-5-collation")
def test_ini_has_the_explicit_ci_as_collation():
    options = ini()
    assert options["SQLCOLLATION"] == "French_CI_AS"
    assert options["SQLCOLLATION"].endswith("_CI_AS")


@pytest.mark.requirement("SPEC-5-windows-auth")
def test_ini_is_windows_authentication_only():
    options = ini()
    assert "SECURITYMODE" not in options and "SAPWD" not in options


@pytest.mark.requirement("SPEC-5-sql-version")
def test_ini_accounts_instance_and_protocols():
    options = ini()
    assert options["SQLSYSADMINACCOUNTS"] == "RCR\\GG-SQL-Admins"
    assert options["SQLSVCACCOUNT"] == "RCR\\gmsa-sqlcegid$"
    assert options["AGTSVCACCOUNT"] == "NT Service\\SQLAgent$CEGID"
    assert (options["INSTANCENAME"], options["INSTANCEID"], options["FEATURES"]) == ("CEGID", "CEGID", "SQLENGINE")
    assert (options["ACTION"], options["QUIET"], options["IACCEPTSQLSERVERLICENSETERMS"]) == ("Install", "True", "True")
    assert (options["TCPENABLED"], options["NPENABLED"], options["BROWSERSVCSTARTUPTYPE"]) == ("1", "0", "Automatic")
    assert options["SQLUSERDBDIR"] == "E:\\MSSQL\\Data"


def test_ini_with_a_virtual_service_account():
    windows = {**rcr().vars["site_windows"], "sql": {**rcr().vars["site_windows"]["sql"], "service_account": {"kind": "virtual"}}}
    site = modified(site_windows=windows)
    assert ini(site)["SQLSVCACCOUNT"] == "NT Service\\MSSQL$CEGID"
    share = sw.sql_update_share(site, "sql01")
    assert share.share_change == ("RCR\\SQL01$", USERS_GROUP, UPDATE_LOGIN), "a virtual account is the computer account on the network"
    assert share.ntfs_modify == ("NT Service\\MSSQL$CEGID", "RCR\\SQL01$", USERS_GROUP, UPDATE_LOGIN)


@pytest.mark.requirement("SPEC-5-update-share")
def test_update_share_grants_the_service_account_and_the_bulk_insert_callers():
    """Seed 000: the SQL Server service account reads and writes the share. Under Windows authentication
    BULK INSERT opens the file as the caller (Microsoft's BULK INSERT security notes): the Cegid users'
    group and the update login need the same rights, and nobody else."""
    share = sw.sql_update_share(rcr(), "sql01")
    assert (share.name, share.path) == ("CegidMAJ", "D:\\CegidMAJ")
    assert share.share_change == share.ntfs_modify == ("RCR\\gmsa-sqlcegid$", USERS_GROUP, UPDATE_LOGIN)
    assert share.share_read == share.ntfs_read == ()
    assert share.ntfs_full_sids == ("S-1-5-18", "S-1-5-32-544")
    everyone = {"everyone", "tout le monde", "users", "utilisateurs", "authenticated users", "s-1-1-0", "s-1-5-11"}
    assert not everyone & {p.lower() for p in share.share_change + share.ntfs_modify + share.ntfs_full_sids}


@pytest.mark.parametrize("collation", ["French_CS_AS", "Latin1_General_CI_AI", "French_BIN2"])
@pytest.mark.requirement("SPEC-5-collation")
def test_a_collation_other_than_ci_as_is_refused(collation):
    cegid = {**rcr().vars["site_cegid"], "sql": {**rcr().vars["site_cegid"]["sql"], "collation": collation}}
    with pytest.raises(SiteError, match=r"\*_CI_AS"):
        sw.sql_setup(modified(site_cegid=cegid), "sql01")


def test_mixed_authentication_is_refused():
    cegid = {**rcr().vars["site_cegid"], "sql": {**rcr().vars["site_cegid"]["sql"], "authentication": "mixed"}}
    with pytest.raises(SiteError, match="Windows authentication mode"):
        sw.sql_setup(modified(site_cegid=cegid), "sql01")


# ---- T-SQL ----------------------------------------------------------------------------------
def rendered_tsql(apply: bool = True) -> dict[str, str]:
    variables = sql_vars(apply=apply)
    return {path.name: render(f"sqlserver_cegid/templates/tsql/{path.name}", **variables) for path in sorted(TSQL_DIR.glob("*.sql.j2"))}


# sqlglot 30.30 parses T-SQL control flow poorly (after `IF … BEGIN … END;` the next statements
# land inside the first block) and has no grammar for the security DDL (CREATE LOGIN, ALTER SERVER
# ROLE…: parsed as an opaque Command). So the batch is cut into its leaf statements with sqlglot's
# own T-SQL tokenizer: each IF condition is parsed as an expression, each other statement on its
# own; the opaque DDL commands must then match the strict shapes below.
DDL_SHAPES = {
    "CREATE LOGIN": re.compile(r"^CREATE LOGIN (\[(?:[^\]]|\]\])+\]) FROM WINDOWS WITH DEFAULT_DATABASE = \[master\]$"),
    "CREATE USER": re.compile(r"^CREATE USER (\[(?:[^\]]|\]\])+\]) FOR LOGIN (\[(?:[^\]]|\]\])+\])$"),
    "ALTER SERVER ROLE": re.compile(r"^ALTER SERVER ROLE (\[\w+\]) (ADD|DROP) MEMBER (\[(?:[^\]]|\]\])+\])$"),
    "DROP LOGIN": re.compile(r"^DROP LOGIN (\[(?:[^\]]|\]\])+\])$"),
    "THROW": re.compile(r"^THROW 50001, N'(?:[^']|'')+', 1$"),
}
# Statements built for sp_executesql: a principal read by SID (a user that may have another name, sa
# whatever its name) enters the statement only through QUOTENAME.
DYNAMIC_SHAPES = {
    "ALTER ROLE": re.compile(r"^SET @statement = N'ALTER ROLE ' \+ QUOTENAME\(N'(\w+)'\) \+ N' ADD MEMBER ' \+ "
                             r"QUOTENAME\(@member\) \+ N';'$"),
    "ALTER LOGIN": re.compile(r"^SET @statement = N'ALTER LOGIN ' \+ QUOTENAME\(@sa\) \+ N' DISABLE;'$"),
}


def leaf_statements(sql: str) -> list[tuple[str, exp.Expression]]:
    """(text, parsed) of every leaf statement and IF condition of a batch, each parsed strictly as T-SQL."""
    tokens = sqlglot.Dialect.get_or_raise("tsql").tokenize(sql)
    segments, current = [], []
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            segments.append(current)
            current = []
        else:
            current.append(token)
    assert not current, f"statement without a final semicolon: {sql[current[0].start:]!r}"
    out = []
    for segment in segments:
        while segment:
            word = segment[0].text.upper()
            if word in ("BEGIN", "END"):
                segment = segment[1:]
                continue
            if word == "IF":
                depth, cut = 0, None
                for i, token in enumerate(segment[1:], 1):
                    depth += token.token_type == TokenType.L_PAREN
                    depth -= token.token_type == TokenType.R_PAREN
                    if depth == 0 and token.text.upper() == "BEGIN":
                        cut = i
                        break
                assert cut, "every IF body is a BEGIN … END block"
                condition = sql[segment[1].start:segment[cut - 1].end + 1]
                out.append((condition, sqlglot.parse_one(f"SELECT 1 WHERE {condition}", read="tsql",
                                                         error_level=sqlglot.ErrorLevel.RAISE)))
                segment = segment[cut + 1:]
                continue
            text = sql[segment[0].start:segment[-1].end + 1]
            if word == "THROW":  # not in sqlglot's grammar: checked against its shape only
                out.append((text, exp.Command(this="THROW")))
                break
            out.append((text, sqlglot.parse_one(text, read="tsql", error_level=sqlglot.ErrorLevel.RAISE)))
            break
    return out


def statements(sql: str) -> list[exp.Expression]:
    return [parsed for _, parsed in leaf_statements(sql) if not _is_condition(parsed)]


def _is_condition(parsed: exp.Expression) -> bool:
    return isinstance(parsed, exp.Select) and parsed.sql(dialect="tsql").startswith("SELECT 1 WHERE ")


def role_changes(sql: str) -> set[tuple[str, str, str]]:
    """(server role, ADD|DROP, member) of every ALTER SERVER ROLE statement."""
    out = set()
    for text, parsed in leaf_statements(sql):
        match = DDL_SHAPES["ALTER SERVER ROLE"].match(" ".join(text.split()))
        if match:
            assert isinstance(parsed, exp.Command)
            out.add((match.group(1), match.group(2), match.group(3)))
    return out


def test_the_role_tasks_send_no_inline_tsql():
    """Every T-SQL statement lives in templates/tsql (so that this file can parse it)."""
    tasks = "\n".join(p.read_text() for p in (REPO / "roles/sqlserver_cegid/tasks").glob("*.yml"))
    assert not re.search(r"\b(SELECT|ALTER|CREATE LOGIN|CREATE USER|GRANT|EXEC)\b", tasks)
    used = set(re.findall(r"tsql/([a-z_]+\.sql\.j2)", tasks))
    assert used == {p.name for p in TSQL_DIR.glob("*.sql.j2")}, "a template is unused or missing"


@pytest.mark.parametrize("apply", [True, False], ids=["apply", "check-mode"])
def test_every_statement_parses_as_tsql(apply):
    kinds = set()
    for name, sql in rendered_tsql(apply).items():
        leaves = leaf_statements(sql)
        assert leaves, f"{name}: no statement"
        for text, parsed in leaves:
            assert parsed.sql(dialect="tsql"), f"{name}: {text}"
            flat = " ".join(text.split())
            if isinstance(parsed, exp.Command):  # opaque to sqlglot: must have one of the known shapes
                shape = next((k for k in DDL_SHAPES if flat.startswith(k + " ")), None)
                assert shape and DDL_SHAPES[shape].match(flat), f"{name}: unexpected statement {flat!r}"
                kinds.add(shape)
            elif isinstance(parsed, exp.ExecuteSql):
                assert flat == "EXEC sys.sp_executesql @statement", f"{name}: {flat!r}"
                kinds.add("ExecuteSql")
            elif flat.startswith("SET @statement"):
                shape = next((k for k, rx in DYNAMIC_SHAPES.items() if rx.match(flat)), None)
                assert shape, f"{name}: unexpected dynamic statement {flat!r}"
                kinds.add("dynamic " + shape)
            else:
                kinds.add(type(parsed).__name__)
    assert {"CREATE LOGIN", "CREATE USER", "ALTER SERVER ROLE", "dynamic ALTER ROLE", "dynamic ALTER LOGIN", "ExecuteSql",
            "DROP LOGIN", "Select", "Declare", "Set"} <= kinds


def test_queries_are_structured_selects():
    sql = rendered_tsql()
    for name in ("collation.sql.j2", "databases.sql.j2", "verify.sql.j2"):
        parsed = statements(sql[name])
        assert len(parsed) == 1 and isinstance(parsed[0], (exp.Select, exp.Union)), name
    collation = statements(sql["collation.sql.j2"])[0]
    assert "SERVERPROPERTY('Collation')" in collation.sql(dialect="tsql")
    assert statements(sql["databases.sql.j2"])[0].find(exp.In) is not None


@pytest.mark.requirement("SPEC-5-bulkadmin")
def test_exactly_bulkadmin_is_granted_to_the_update_login():
    changes = set()
    for sql in rendered_tsql().values():
        changes |= role_changes(sql)
    adds = {(role, member) for role, action, member in changes if action == "ADD"}
    assert adds == {("[bulkadmin]", f"[{UPDATE_LOGIN}]")} | {("[dbcreator]", f"[{b}]") for b in BROKERS}
    drops = {(role, member) for role, action, member in changes if action == "DROP"}
    fixed = {f"[{r}]" for r in sw.FIXED_SERVER_ROLES}
    assert {r for r, m in drops if m == f"[{UPDATE_LOGIN}]"} == fixed - {"[bulkadmin]"}
    assert {r for r, m in drops if m == f"[{USERS_GROUP}]"} == fixed, "the users' group holds no server role"
    assert {r for r, m in drops if m == f"[{ADMINS_GROUP}]"} == fixed, "the application administrators hold no server role"
    for broker in BROKERS:
        assert {r for r, m in drops if m == f"[{broker}]"} == fixed - {"[dbcreator]"}
    every_sql = "\n".join(rendered_tsql().values()).upper()
    assert "GRANT " not in every_sql and "CONTROL SERVER" not in every_sql


def test_each_change_is_guarded_and_counted():
    security = rendered_tsql()["security.sql.j2"]
    conditions = [" ".join(text.split()) for text, parsed in leaf_statements(security) if _is_condition(parsed)]
    state_guards = [c for c in conditions if c != "@apply = 1"]
    # 5 logins (users, update login, administrators, 2 brokers) + 5 principals x 8 fixed server roles
    # + sa + the generic login: each reads the state first…
    state_guards = [c for c in state_guards if not c.startswith("EXISTS (SELECT 1 FROM sys.databases WHERE owner_sid")]
    assert len(state_guards) == 5 + 5 * len(sw.FIXED_SERVER_ROLES) + 1 + 1
    assert all(c.startswith(("NOT EXISTS (SELECT", "EXISTS (SELECT", "@remove_generic = 1 AND EXISTS (SELECT")) for c in state_guards)
    # …then counts the change, and writes it only when @apply = 1 (check mode renders 0).
    assert conditions.count("@apply = 1") == len(state_guards)
    assert security.count("SET @changes = @changes + 1;") == len(state_guards)
    assert "SELECT @changes AS changes," in security


def test_check_mode_renders_apply_zero():
    assert "DECLARE @apply BIT = 0;" in rendered_tsql(apply=False)["security.sql.j2"]
    assert "DECLARE @apply BIT = 1;" in rendered_tsql(apply=True)["security.sql.j2"]


def test_logins_are_windows_logins_and_sa_is_disabled():
    security = rendered_tsql()["security.sql.j2"]
    logins = re.findall(r"CREATE LOGIN (\[[^\]]+\]) FROM WINDOWS", security)
    assert logins == [f"[{USERS_GROUP}]", f"[{UPDATE_LOGIN}]", f"[{ADMINS_GROUP}]", *(f"[{b}]" for b in BROKERS)]
    assert not re.search(r"PASSWORD\s*=", security, re.I), "Windows logins have no password"
    # sa by its SID 0x01, whatever its name (it may have been renamed)
    assert "DECLARE @sa SYSNAME = (SELECT name FROM sys.server_principals WHERE sid = 0x01);" in security
    assert "N'ALTER LOGIN ' + QUOTENAME(@sa) + N' DISABLE;'" in security and "[sa]" not in security


def test_generic_login_is_dropped_only_when_declared_and_while_an_administrators_login_exists():
    """Seed 000: the generic CEGID login goes once an administrator of the application exists."""
    kept = rendered_tsql()["security.sql.j2"]
    assert "DECLARE @remove_generic BIT = 0;" in kept, "rcr: no administrator created in Cegid yet"
    cegid = {**rcr().vars["site_cegid"], "remove_generic_account": True}
    dropped = render("sqlserver_cegid/templates/tsql/security.sql.j2", **sql_vars(modified(site_cegid=cegid)))
    assert "DECLARE @remove_generic BIT = 1;" in dropped and "DROP LOGIN [CEGID];" in dropped
    guard = " ".join(dropped.split("DECLARE @remove_generic BIT = 1;")[1].split("BEGIN")[0].split())
    assert guard == ("IF @remove_generic = 1 AND EXISTS (SELECT 1 FROM sys.server_principals WHERE name = N'CEGID') "
                     f"AND EXISTS (SELECT 1 FROM sys.server_principals WHERE name = N'{ADMINS_GROUP}')")
    without_admins = {k: v for k, v in cegid.items() if k != "administrators_group"}
    with pytest.raises(SiteError, match="administrators_group"):
        sw.sql_security(modified(site_cegid=without_admins))


def test_database_access_gives_the_roles_of_the_inventory():
    """Each role goes to the database user found by the login's SID (it may exist under another name)."""
    access = rendered_tsql()["database_access.sql.j2"]
    grants, member = [], None
    for line in access.splitlines():
        found = re.match(r"SET @member = \(SELECT name FROM sys.database_principals WHERE sid = SUSER_SID\(N'(.+)'\)\);", line)
        member = found.group(1) if found else member
        role = re.search(r"QUOTENAME\(N'(\w+)'\) \+ N' ADD MEMBER ' \+ QUOTENAME\(@member\)", line)
        if role:
            grants.append((role.group(1), member))
    assert grants == [("db_datareader", USERS_GROUP), ("db_datawriter", USERS_GROUP), ("db_owner", UPDATE_LOGIN),
                      ("db_owner", ADMINS_GROUP)]


def test_names_are_quoted_against_injection():
    cegid = {**rcr().vars["site_cegid"], "update_login": "RCR\\evil]; DROP LOGIN [x"}
    security = render("sqlserver_cegid/templates/tsql/security.sql.j2", **sql_vars(modified(site_cegid=cegid)))
    assert "[RCR\\evil]]; DROP LOGIN [x]" in security
    assert sw.tsql_str("l'arbre") == "N'l''arbre'"
    statements(security)  # still one well-formed batch
