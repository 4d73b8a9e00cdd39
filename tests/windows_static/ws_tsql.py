"""T-SQL of the sqlserver_cegid role: names always escaped, every principal DDL behind a guard that
reads the principal it writes.

Lexical rules (SQL Server, Microsoft documentation):
- `--` comments run to the end of the line; `/* */` comments nest, strings are not recognised inside
  them (https://learn.microsoft.com/sql/t-sql/language-elements/comment-transact-sql,
  https://learn.microsoft.com/sql/t-sql/language-elements/slash-star-comment-transact-sql);
- '…' and N'…' strings with '' for a quote (https://learn.microsoft.com/sql/t-sql/data-types/constants-transact-sql);
- [..] identifiers with ]] for a bracket, "…" identifiers with "" (QUOTED_IDENTIFIER is on for SqlClient),
  at most 128 characters (https://learn.microsoft.com/sql/relational-databases/databases/database-identifiers,
  https://learn.microsoft.com/sql/t-sql/functions/quotename-transact-sql: the escaping QUOTENAME does);
- GO is a batch separator of sqlcmd and SSMS, not T-SQL: SqlCommand (invoke_tsql.ps1) sends it to the
  server, which refuses it (https://learn.microsoft.com/sql/t-sql/language-elements/sql-server-utilities-statements-go).

Dynamic SQL (`EXEC sys.sp_executesql @statement`) is read, not trusted: the statement must be built by `+`
from string literals and QUOTENAME() of a literal or of a variable read from a catalog view (a principal's
name found by SID, https://learn.microsoft.com/sql/relational-databases/system-stored-procedures/sp-executesql-transact-sql);
the DDL it builds is then checked like any other, the variable standing for the principal it was read from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import jinja2
from jinja2 import nodes

MAX_IDENTIFIER = 128
SAFE_FILTERS = {"sitekit.core.tsql_name", "sitekit.core.tsql_str"}


@dataclass
class Token:
    kind: str  # ws, comment, string, bracket, quoted, word, variable, number, op, error
    text: str
    line: int
    value: str = ""  # decoded content of a string or a delimited identifier

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


def _delimited(sql: str, start: int, close: str) -> tuple[int, str] | None:
    """End index and decoded value of a string or identifier closed by `close` (doubled to escape it)."""
    out, index = [], start
    while index < len(sql):
        char = sql[index]
        if char == close:
            if sql[index + 1:index + 2] == close:
                out.append(close)
                index += 2
                continue
            return index + 1, "".join(out)
        out.append(char)
        index += 1
    return None


def lex(sql: str) -> list[Token]:
    tokens: list[Token] = []
    index, line = 0, 1
    while index < len(sql):
        char = sql[index]
        start = index
        kind, value = "op", ""
        if char.isspace():
            while index < len(sql) and sql[index].isspace():
                index += 1
            kind = "ws"
        elif sql.startswith("--", index):
            end = re.search(r"[\r\n]", sql[index:])
            index = len(sql) if end is None else index + end.start()
            kind = "comment"
        elif sql.startswith("/*", index):
            depth, index = 1, index + 2
            while index < len(sql) and depth:
                if sql.startswith("/*", index):
                    depth, index = depth + 1, index + 2
                elif sql.startswith("*/", index):
                    depth, index = depth - 1, index + 2
                else:
                    index += 1
            kind = "comment" if depth == 0 else "error"
        elif char == "'" or (char in "Nn" and sql[index + 1:index + 2] == "'"):
            body = index + (2 if char != "'" else 1)
            found = _delimited(sql, body, "'")
            kind, (index, value) = ("string", found) if found else ("error", (len(sql), ""))
        elif char in "[\"":
            found = _delimited(sql, index + 1, "]" if char == "[" else '"')
            kind, (index, value) = ("bracket" if char == "[" else "quoted", found) if found else ("error", (len(sql), ""))
        elif char == "@":
            index += 1
            while index < len(sql) and (sql[index].isalnum() or sql[index] in "_@#$"):
                index += 1
            kind = "variable"
        elif char.isalpha() or char in "_#":
            while index < len(sql) and (sql[index].isalnum() or sql[index] in "_@#$"):
                index += 1
            kind = "word"
        elif char.isdigit():
            while index < len(sql) and (sql[index].isalnum() or sql[index] == "."):
                index += 1
            kind = "number"
        else:
            two = sql[index:index + 2]
            index += 2 if two in ("<=", ">=", "<>", "!=", "+=", "-=", "*=", "/=") else 1
        text = sql[start:index]
        tokens.append(Token(kind, text, line, value))
        line += text.count("\n")
    return tokens


def code(tokens: list[Token]) -> list[Token]:
    return [t for t in tokens if t.kind not in ("ws", "comment")]


# ---- statements and the IF guards around them --------------------------------------------------------
@dataclass
class Statement:
    tokens: list[Token]
    guards: list[list[Token]] = field(default_factory=list)  # conditions of the enclosing IFs

    @property
    def line(self) -> int:
        return self.tokens[0].line


_CONDITION_END = {"BEGIN", "CREATE", "ALTER", "DROP", "EXEC", "EXECUTE", "SET", "INSERT", "UPDATE", "DELETE", "GRANT",
                  "DENY", "REVOKE", "PRINT", "RETURN", "DECLARE", "THROW", "RAISERROR"}


def statements(tokens: list[Token]) -> list[Statement]:
    body = code(tokens)
    out: list[Statement] = []

    def block(index: int, guards: list[list[Token]], single: bool = False) -> int:
        while index < len(body):
            word = body[index].upper
            if body[index].text == ";":
                index += 1
                continue
            if word == "END":
                return index + 1 if not single else index
            if word == "BEGIN" and not (index + 1 < len(body) and body[index + 1].upper in ("TRAN", "TRANSACTION", "TRY", "CATCH")):
                index = block(index + 1, guards)
            elif word == "IF":
                depth, end = 0, index + 1
                while end < len(body):
                    depth += body[end].text == "("
                    depth -= body[end].text == ")"
                    if depth == 0 and body[end].upper in _CONDITION_END:
                        break
                    end += 1
                condition = body[index + 1:end]
                index = block(end, guards + [condition], single=True)
                if index < len(body) and body[index].upper == "ELSE":
                    index = block(index + 1, guards + [condition], single=True)
            else:
                depth, end = 0, index
                while end < len(body) and not (depth == 0 and (body[end].text == ";" or (end > index and body[end].upper == "END"))):
                    depth += body[end].text == "("
                    depth -= body[end].text == ")"
                    end += 1
                out.append(Statement(body[index:end], guards))
                index = end
            if single:
                return index + (1 if index < len(body) and body[index].text == ";" else 0)
        return index

    block(0, [])
    return out


# ---- what a DDL statement writes, what a guard reads -------------------------------------------------------
@dataclass(frozen=True)
class Principal:
    catalog: str  # "server" or "database"
    key: str  # "name", or "login-sid": the principal whose SID is SUSER_SID(value)
    value: str


@dataclass
class Write:
    statement: str
    principals: list[set[Principal]]  # each entry: the guard must read one of these
    role: Principal | None = None  # a role membership's role
    member: bool = False


def _identifier(token: Token) -> str:
    return token.value if token.kind in ("bracket", "quoted", "string") else token.text


def writes(statement: Statement) -> Write | None:
    t = statement.tokens
    words = [x.upper for x in t]
    flat = " ".join(x.text for x in t)
    if words[:2] in (["CREATE", "LOGIN"], ["ALTER", "LOGIN"], ["DROP", "LOGIN"]):
        name = _identifier(t[2])
        return Write(flat, [{Principal("server", "name", name), Principal("server", "login-sid", name)}])
    if words[:2] == ["CREATE", "USER"]:
        user = _identifier(t[2])
        accepted = {Principal("database", "name", user)}
        if len(t) > 5 and words[3] in ("FOR", "FROM") and words[4] == "LOGIN":
            accepted.add(Principal("database", "login-sid", _identifier(t[5])))
        return Write(flat, [accepted])
    if words[:2] in (["ALTER", "USER"], ["DROP", "USER"]):
        return Write(flat, [{Principal("database", "name", _identifier(t[2]))}])
    if words[:3] == ["ALTER", "SERVER", "ROLE"] and len(t) > 6 and words[5] == "MEMBER":
        return Write(flat, [{Principal("server", "name", _identifier(t[6]))}],
                     Principal("server", "name", _identifier(t[3])), True)
    if words[:2] == ["ALTER", "ROLE"] and len(t) > 5 and words[4] == "MEMBER":
        return Write(flat, [{Principal("database", "name", _identifier(t[5]))}],
                     Principal("database", "name", _identifier(t[2])), True)
    if words[:1] in (["EXEC"], ["EXECUTE"]) and any(x.text.lower() == "sp_executesql" for x in t[1:4]):
        return None  # dynamic SQL: read by _dynamic_writes
    if words[:1] in (["EXEC"], ["EXECUTE"]) and len(t) > 1:
        procedure = t[1].text.lower().split(".")[-1]
        args = [_identifier(x) for x in t[2:] if x.kind in ("string", "bracket", "quoted", "word")]
        if procedure in ("sp_addrolemember", "sp_droprolemember") and len(args) >= 2:
            return Write(flat, [{Principal("database", "name", args[1])}], Principal("database", "name", args[0]), True)
        if procedure in ("sp_addsrvrolemember", "sp_dropsrvrolemember") and len(args) >= 2:
            return Write(flat, [{Principal("server", "name", args[0])}], Principal("server", "name", args[1]), True)
    return None


_CATALOGS = {"server_principals": "server", "database_principals": "database", "server_role_members": "server-members",
             "database_role_members": "database-members"}


@dataclass(frozen=True)
class Read:
    principal: Principal
    part: str  # "role", "member" or "" (a plain principal read)


def reads(condition: list[Token]) -> list[Read]:
    """Principals a guard condition reads: catalog views filtered by name or by SID, role-member joins,
    and the principal functions."""
    t = condition
    aliases: dict[str, str] = {}
    for i in range(len(t) - 2):
        if t[i].text.lower() == "sys" and t[i + 1].text == "." and t[i + 2].text.lower() in _CATALOGS:
            table = t[i + 2].text.lower()
            j = i + 3
            if j < len(t) and t[j].upper == "AS":
                j += 1
            alias = t[j].text.lower() if j < len(t) and t[j].kind == "word" and t[j].upper not in (
                "WHERE", "JOIN", "ON", "INNER", "LEFT") else table
            aliases[alias] = _CATALOGS[table]
            aliases.setdefault(table, _CATALOGS[table])
    parts: dict[str, str] = {}
    for i in range(len(t) - 6):
        left, right = (t[i].text.lower(), t[i + 2].text.lower()), (t[i + 4].text.lower(), t[i + 6].text.lower())
        if t[i + 1].text == "." and t[i + 3].text == "=" and t[i + 5].text == ".":
            for (a, col_a), (_, col_b) in ((left, right), (right, left)):
                if col_a == "principal_id" and col_b in ("role_principal_id", "member_principal_id"):
                    parts[a] = "role" if col_b == "role_principal_id" else "member"
    principal_tables = [a for a, c in aliases.items() if c in ("server", "database")]
    out: list[Read] = []
    for i, token in enumerate(t):
        alias, column_at = None, i
        if token.kind == "word" and i + 2 < len(t) and t[i + 1].text == "." and t[i + 2].kind == "word":
            alias, column_at = token.text.lower(), i + 2
        elif i > 0 and t[i - 1].text == ".":
            continue
        column = t[column_at].text.lower()
        if column not in ("name", "sid") or column_at + 2 >= len(t) or t[column_at + 1].text != "=":
            continue
        alias = alias or (principal_tables[0] if len(set(aliases[a] for a in principal_tables)) == 1
                          and principal_tables else None)
        catalog = aliases.get(alias or "")
        if catalog not in ("server", "database"):
            continue
        value_token = t[column_at + 2]
        if column == "sid" and value_token.kind == "number" and value_token.text.lower().startswith("0x"):
            out.append(Read(Principal(catalog, "sid", value_token.text.lower()), parts.get(alias, "")))
        elif column == "name" and value_token.kind == "string":
            out.append(Read(Principal(catalog, "name", value_token.value), parts.get(alias, "")))
        elif column == "sid" and value_token.upper == "SUSER_SID" and column_at + 4 < len(t) and t[column_at + 4].kind == "string":
            out.append(Read(Principal(catalog, "login-sid", t[column_at + 4].value), parts.get(alias, "")))
    functions = {"SUSER_ID": "server", "DATABASE_PRINCIPAL_ID": "database", "USER_ID": "database"}
    for i, token in enumerate(t):
        if token.upper in functions and i + 2 < len(t) and t[i + 2].kind == "string":
            out.append(Read(Principal(functions[token.upper], "name", t[i + 2].value), ""))
        if token.upper in ("IS_SRVROLEMEMBER", "IS_ROLEMEMBER") and i + 4 < len(t) and t[i + 2].kind == "string":
            catalog = "server" if token.upper == "IS_SRVROLEMEMBER" else "database"
            out.append(Read(Principal(catalog, "name", t[i + 2].value), "role"))
            if t[i + 4].kind == "string":
                out.append(Read(Principal(catalog, "name", t[i + 4].value), "member"))
    return out


_MARK = "\x00"  # a bracket identifier built from QUOTENAME(@variable): the principal the variable was read from


def _assignment(statement: Statement) -> tuple[str, list[Token]] | None:
    """(variable, right-hand side) of `DECLARE @v type = …` or `SET @v = …`."""
    t = statement.tokens
    words = [x.upper for x in t]
    if words[:1] == ["SET"] and len(t) > 2 and t[1].kind == "variable" and t[2].text == "=":
        return t[1].text.lower(), t[3:]
    if words[:1] == ["DECLARE"] and len(t) > 1 and t[1].kind == "variable":
        equals = next((i for i, x in enumerate(t) if x.text == "="), None)
        return (t[1].text.lower(), t[equals + 1:]) if equals else (t[1].text.lower(), [])
    return None


def _split_plus(tokens: list[Token]) -> list[list[Token]]:
    parts, depth, current = [], 0, []
    for token in tokens:
        depth += token.text == "("
        depth -= token.text == ")"
        if token.text == "+" and depth == 0:
            parts.append(current)
            current = []
        else:
            current.append(token)
    return parts + [current]


def _principal_of(rhs: list[Token]) -> Principal | None:
    """The principal a variable holds: `(SELECT name FROM sys.<principals> WHERE sid = …)`."""
    words = [x.upper for x in rhs if x.text not in "()"]
    if words[:2] != ["SELECT", "NAME"]:
        return None
    found = [r.principal for r in reads(rhs) if r.principal.key in ("login-sid", "sid")]
    return found[0] if len(found) == 1 else None


def _dynamic(statement: Statement, variables: dict[str, list[Token]]) -> tuple[str, dict[str, Principal], list[str]]:
    """The SQL text an `EXEC sp_executesql @v` runs, the principals standing behind QUOTENAME(@var), and findings."""
    t = statement.tokens
    name = next((x.text.lower() for x in t if x.kind == "variable"), None)
    rhs = variables.get(name or "")
    if not rhs:
        return "", {}, [f"[dynamic-sql] line {statement.line}: sp_executesql runs {name}, which no SET or DECLARE builds"]
    text, markers, findings = [], {}, []
    for part in _split_plus(rhs):
        code_part = [x for x in part if x.text not in ("(", ")")]
        if len(code_part) == 1 and code_part[0].kind == "string":
            text.append(code_part[0].value)
        elif len(code_part) == 2 and code_part[0].upper == "QUOTENAME" and code_part[1].kind == "string":
            text.append("[" + code_part[1].value.replace("]", "]]") + "]")
        elif len(code_part) == 2 and code_part[0].upper == "QUOTENAME" and code_part[1].kind == "variable":
            variable = code_part[1].text.lower()
            principal = _principal_of(variables.get(variable) or [])
            if principal is None:
                findings.append(f"[dynamic-sql] line {statement.line}: QUOTENAME({variable}) holds no principal read "
                                "from a catalog view by SID")
                continue
            marker = _MARK + variable
            markers[marker] = principal
            text.append("[" + marker + "]")
        else:
            shown = " ".join(x.text for x in part)[:60]
            findings.append(f"[dynamic-sql] line {statement.line}: {name} concatenates {shown!r}, neither a literal nor "
                            "QUOTENAME()")
    return "".join(text), markers, findings


def _dynamic_writes(statement: Statement, variables: dict[str, list[Token]]) -> tuple[list[Write], list[str]]:
    sql, markers, findings = _dynamic(statement, variables)
    out = []
    for inner in statements(lex(sql)):
        write = writes(inner)
        if write is None:
            continue
        resolved = []
        for accepted in write.principals:
            marked = [p.value for p in accepted if p.value in markers]
            # QUOTENAME(@v): the statement writes exactly the principal @v was read from
            resolved.append({markers[marked[0]]} if marked else accepted)
        write.principals = resolved
        write.statement = write.statement.replace(_MARK, "@")
        out.append(write)
    return out, findings


def _writes_in_order(sql: str) -> list[tuple[Statement, Write | None, list[str]]]:
    variables: dict[str, list[Token]] = {}
    out = []
    for statement in statements(lex(sql)):
        assigned = _assignment(statement)
        if assigned:
            variables[assigned[0]] = assigned[1]
            continue
        t = statement.tokens
        if t and t[0].upper in ("EXEC", "EXECUTE") and any(x.text.lower() == "sp_executesql" for x in t[1:4]):
            dynamic, findings = _dynamic_writes(statement, variables)
            out.extend((statement, w, []) for w in dynamic)
            if findings or not dynamic:
                out.append((statement, None, findings))
            continue
        out.append((statement, writes(statement), []))
    return out


def guard_findings(sql: str) -> list[str]:
    findings = []
    for statement, write, problems in _writes_in_order(sql):
        findings.extend(problems)
        if write is None:
            continue
        guard_reads = [r for condition in statement.guards for r in reads(condition)]
        shown = " ".join(write.statement.split())[:140]
        if not guard_reads:
            findings.append(f"[unguarded-ddl] line {statement.line}: {shown}: no IF reads the principal first")
            continue
        if write.role is not None:
            role_ok = any(r.part in ("role", "") and r.principal == write.role for r in guard_reads)
            if not role_ok:
                findings.append(f"[guard-mismatch] line {statement.line}: {shown}: the guard does not read the role "
                                f"{write.role.value!r}")
        wanted = write.principals[0]
        candidates = [r for r in guard_reads if (r.part == "member") == write.member or r.part == ""]
        if not any(r.principal in wanted for r in candidates):
            read_text = ", ".join(f"{r.principal.catalog} principal by {r.principal.key} {r.principal.value!r}"
                                  for r in candidates) or "no principal"
            want_text = " or ".join(sorted(f"{p.catalog} principal by {p.key} {p.value!r}" for p in wanted))
            findings.append(f"[guard-mismatch] line {statement.line}: {shown}: writes the {want_text} but the "
                            f"guard reads the {read_text}")
    return findings


def lexical_findings(sql: str) -> list[str]:
    findings = []
    for token in lex(sql):
        if token.kind == "error":
            findings.append(f"[unterminated] line {token.line}: {token.text[:40]!r} is never closed")
        if token.kind in ("bracket", "quoted") and len(token.value) > MAX_IDENTIFIER:
            findings.append(f"[identifier-too-long] line {token.line}: {len(token.value)} characters (at most "
                            f"{MAX_IDENTIFIER}; QUOTENAME returns NULL beyond)")
    if re.search(r"^\s*GO\s*$", "\n".join(t.text for t in lex(sql) if t.kind != "comment"), re.M | re.I):
        findings.append("[batch-separator] GO is a sqlcmd/SSMS separator: SqlCommand sends it and the server refuses it")
    return findings


# ---- names with quotes, brackets and newlines: escaped, and the statements unchanged --------------------
HOSTILE = "'] ZQ{n} [x\nDROP LOGIN [sa]; -- \"/*"


def hostile_names(names: list[str]) -> dict[str, str]:
    """Each name made hostile: a quote, a bracket, then a newline and a statement; ZQ<n> marks it."""
    return {name: f"{name}{HOSTILE.format(n=index)}" for index, name in enumerate(sorted(set(names)))}


def _normalised(tokens: list[Token], back: dict[str, str]) -> list[tuple[str, str]]:
    out = []
    for token in code(tokens):
        if token.kind in ("string", "bracket", "quoted"):
            out.append((token.kind, back.get(token.value, token.value)))
        else:
            out.append((token.kind, token.text.upper() if token.kind == "word" else token.text))
    return out


def hostile_findings(plain_sql: str, hostile_sql: str, mapping: dict[str, str]) -> list[str]:
    """Findings of the render with hostile names, compared with the render of the same data with the
    real names: each hostile name must be one string literal or one delimited identifier whose value is
    exactly the name, never in a comment or in code, and the statements must not change."""
    findings = []
    tokens = lex(hostile_sql)
    names = set(mapping.values())
    misplaced: dict[str, list[Token]] = {}
    for token in tokens:
        if "ZQ" in token.text and not (token.kind in ("string", "bracket", "quoted") and token.value in names):
            misplaced.setdefault("in a comment" if token.kind == "comment" else "in the code", []).append(token)
    for where, found in sorted(misplaced.items()):
        first = found[0]
        findings.append(f"[raw-interpolation] {len(found)} name(s) unescaped {where}, first at line {first.line}: "
                        f"{first.text.split(chr(10))[0][:70]!r}")
    back = {v: k for k, v in mapping.items()}
    hostile_code, plain_code = _normalised(tokens, back), _normalised(lex(plain_sql), {})
    if hostile_code != plain_code:
        index = next((i for i, (a, b) in enumerate(zip(hostile_code, plain_code, strict=False)) if a != b),
                     min(len(hostile_code), len(plain_code)))
        extra = " ".join(text for _, text in hostile_code[index:index + 6])
        findings.append(f"[structure-changed] with a newline, quote or bracket in a name the batch runs other "
                        f"statements: {extra!r} appears")
    return findings


# ---- the template itself: every {{ }} escaped -------------------------------------------------------------
def _describe(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_describe(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        return f"{_describe(node.node)}[…]"
    if isinstance(node, nodes.Filter):
        return f"{_describe(node.node)} | {node.name}"
    return type(node).__name__


def _constant(node: nodes.Node) -> bool:
    if isinstance(node, nodes.Const):
        return True
    if isinstance(node, nodes.CondExpr):
        return _constant(node.expr1) and (node.expr2 is None or _constant(node.expr2))
    return False


def template_findings(source: str) -> list[str]:
    """Every `{{ … }}` of a T-SQL template ends with tsql_name or tsql_str, or is a constant choice."""
    findings = []
    lines = source.splitlines()
    for output in jinja2.Environment().parse(source).find_all(nodes.Output):
        for node in output.nodes:
            if isinstance(node, nodes.TemplateData):
                continue
            if isinstance(node, nodes.Filter) and node.name in SAFE_FILTERS or _constant(node):
                continue
            line = lines[node.lineno - 1]
            where = " in a -- comment" if "--" in line.split("{{")[0] else ""
            findings.append(f"[raw-interpolation] line {node.lineno}: {{{{ {_describe(node)} }}}} is interpolated "
                            f"without tsql_name/tsql_str{where}: {line.strip()[:90]}")
    return findings
