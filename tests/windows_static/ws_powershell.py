"""PowerShell read with a real grammar (tree-sitter-powershell): syntax errors, literal values and
command calls.

The grammar is the PowerShell grammar of https://github.com/airbus-cert/tree-sitter-powershell
(PyPI tree-sitter-powershell), which follows the PowerShell language specification. Its known
false positives are tolerated only through data/grammar_allowlist.yml: on the line of a parse
error, the entry's rewrite (an equivalent spelling) must make that error disappear.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tree_sitter_powershell
import yaml
from tree_sitter import Language, Node, Parser, Tree

DATA = Path(__file__).parent / "data"
PARSER = Parser(Language(tree_sitter_powershell.language()))


def parse(source: str) -> Tree:
    return PARSER.parse(source.encode("utf-8"))


def walk(node: Node) -> Iterator[Node]:
    """``node`` and every node under it, in document order (a tree cursor: ``node.children`` built each child
    list again, and the recursion a generator per level)."""
    cursor = node.walk()
    depth = 0
    while True:
        yield cursor.node
        if cursor.goto_first_child():
            depth += 1
            continue
        while depth:
            if cursor.goto_next_sibling():
                break
            cursor.goto_parent()
            depth -= 1
        else:
            return


def text(node: Node) -> str:
    return node.text.decode("utf-8")


# ---- syntax errors and the allow-list of the grammar's false positives --------------------------
@dataclass(frozen=True)
class SyntaxProblem:
    line: int  # 1-based
    column: int
    excerpt: str

    def __str__(self) -> str:
        return f"line {self.line}:{self.column}: syntax error near {self.excerpt!r}"


@dataclass(frozen=True)
class Tolerated:
    rule: str
    line: int
    source_line: str


def _errors(tree: Tree) -> list[SyntaxProblem]:
    out = []
    for node in walk(tree.root_node):
        if node.type == "ERROR" or node.is_missing:
            excerpt = text(node)[:60] if not node.is_missing else f"<missing {node.type}>"
            out.append(SyntaxProblem(node.start_point[0] + 1, node.start_point[1] + 1, excerpt))
    return out


_BARE_WORD = r"[A-Za-z_][\w.\-]*"
# A command argument that is a list of bare words: `Import-Module GroupPolicy, ActiveDirectory`.
_BARE_WORD_LIST = re.compile(rf"(?<=\s)({_BARE_WORD}(?:\s*,\s*{_BARE_WORD})+)(?=\s*(?:$|[;|)}}#]|\s-))")


def _quote_bare_word_list(line: str) -> str:
    """`a, b` -> `'a', 'b'`: in argument mode PowerShell reads a bare word as a string (about_Parsing)."""
    def quote(match: re.Match) -> str:
        return ", ".join(f"'{word.strip()}'" for word in match.group(1).split(","))
    return _BARE_WORD_LIST.sub(quote, line)


_EMPTY_SCRIPT_BLOCK = re.compile(r"(?<![@$\w])\{\s*\}")


def _fill_empty_script_block(line: str) -> str:
    """`{}` -> `{ $null }`: an empty script block is valid PowerShell (about_Script_Blocks)."""
    return _EMPTY_SCRIPT_BLOCK.sub("{ $null }", line)


# The rewrites the allow-list may name (its entries carry the reason and the reference).
REWRITES = {"bare-word-list": _quote_bare_word_list, "empty-script-block": _fill_empty_script_block}


@functools.cache
def allowlist() -> tuple[dict, ...]:
    entries = yaml.safe_load((DATA / "grammar_allowlist.yml").read_text())["false_positives"]
    unknown = {e["id"] for e in entries} - set(REWRITES)
    assert not unknown, f"allow-list entries without a rewrite: {unknown}"
    return tuple(entries)


def syntax_errors_and_source(source: str, entries: list[dict] | tuple[dict, ...] | None = None) \
        -> tuple[list[SyntaxProblem], list[Tolerated], str]:
    """Parse errors that remain after the allow-listed rewrites, the rewrites that were needed, and
    the rewritten source.

    A rewrite is applied to one source line at a time (the line of an error) and kept only when
    the number of errors goes down; an error on the same line that the rewrite does not explain
    stays (data/seeded/powershell/bare_word_list_and_error.ps1)."""
    entries = allowlist() if entries is None else entries
    lines = source.split("\n")
    errors = _errors(parse(source))
    tolerated: list[Tolerated] = []
    progress = True
    while errors and progress:
        progress = False
        for problem in errors:
            index = problem.line - 1
            for entry in entries:
                candidate = REWRITES[entry["id"]](lines[index])
                if candidate == lines[index]:
                    continue
                trial = lines[:index] + [candidate] + lines[index + 1:]
                remaining = _errors(parse("\n".join(trial)))
                if len(remaining) < len(errors):
                    tolerated.append(Tolerated(entry["id"], problem.line, lines[index].strip()))
                    lines, errors, progress = trial, remaining, True
                    break
            if progress:
                break
    return errors, tolerated, "\n".join(lines)


def syntax_errors(source: str, entries: list[dict] | tuple[dict, ...] | None = None) -> tuple[list[SyntaxProblem], list[Tolerated]]:
    errors, tolerated, _ = syntax_errors_and_source(source, entries)
    return errors, tolerated


# ---- literal values (argument specs written as PowerShell hashtables) ---------------------------
class _Unknown:
    """A value that is not a literal (a variable, a call): never equal to anything."""

    def __repr__(self) -> str:
        return "<not a literal>"


UNKNOWN = _Unknown()
_CHAIN = {"pipeline", "pipeline_chain", "logical_expression", "bitwise_expression", "comparison_expression",
          "additive_expression", "multiplicative_expression", "format_expression", "range_expression",
          "unary_expression", "parenthesized_expression", "sub_expression", "statement_list", "key_expression"}


def literal(node: Node) -> Any:
    """The value of a literal PowerShell expression with PowerShell's array rules:
    `a, b` is an array, `, a` an array of one, `@(…)` collects each statement's output one level flat."""
    kind = node.type
    named = node.named_children
    if kind == "array_literal_expression":
        items = [literal(c) for c in named]
        return items if len(items) > 1 else items[0]
    if kind == "cast_expression":
        cast = text(named[0])[1:-1].lower()
        value = literal(named[-1])
        if cast in ("pscustomobject", "ordered", "hashtable") and isinstance(value, dict):
            return value
        if cast == "string" and isinstance(value, str | int):
            return str(value)
        return UNKNOWN
    if kind == "expression_with_unary_operator":
        if node.children[0].type == "cast_expression":
            return literal(node.children[0])
        operator = text(node.children[0])
        value = literal(named[0])
        if operator == ",":
            return [value]
        if operator == "-" and isinstance(value, int | float):
            return -value
        return UNKNOWN
    if kind == "array_expression":
        out: list = []
        body = next((c for c in named if c.type == "statement_list"), None)
        for statement in (body.named_children if body else []):
            value = literal(statement)
            out.extend(value) if isinstance(value, list) else out.append(value)
        return out
    if kind == "hash_literal_expression":
        body = next((c for c in named if c.type == "hash_literal_body"), None)
        out_dict: dict = {}
        for entry in (body.named_children if body else []):
            if entry.type != "hash_entry":
                continue
            key_node, value_node = entry.named_children[0], entry.named_children[-1]
            key = text(key_node) if key_node.named_children and key_node.named_children[0].type == "simple_name" \
                else literal(key_node)
            out_dict[key] = literal(value_node)
        return out_dict
    if kind == "string_literal":
        return literal(named[0]) if named else UNKNOWN
    if kind == "verbatim_string_characters":
        return text(node)[1:-1].replace("''", "'")
    if kind == "expandable_string_literal":
        raw = text(node)
        return UNKNOWN if node.named_children or "`" in raw or "$" in raw else raw[1:-1]
    if kind == "integer_literal":
        return int(text(node), 0)
    if kind == "real_literal":
        return float(text(node))
    if kind == "variable":
        return {"$true": True, "$false": False, "$null": None}.get(text(node).lower(), UNKNOWN)
    if kind in _CHAIN and len(named) == 1:
        return literal(named[0])
    return UNKNOWN


def assignments(tree: Tree, variable: str) -> list[Node]:
    """Right-hand sides of every `$variable = …` in the script (PowerShell names are case-insensitive)."""
    out = []
    for node in walk(tree.root_node):
        if node.type == "assignment_expression" and text(node.children[1]) == "=":
            left = text(node.children[0]).strip().lower()
            if left == f"${variable.lower()}":
                out.append(node.children[-1])
    return out


# ---- command calls --------------------------------------------------------------------------------
@dataclass
class Element:
    kind: str  # "parameter" (-Name), "argument", "splat" (@Name)
    value: str  # parameter name without '-', argument source text, splatted variable name
    colon_argument: bool = False  # -Name:value (the value is the next element)
    node: Node | None = None


@dataclass
class CommandCall:
    name: str
    line: int
    elements: list[Element]
    piped: bool  # not the first command of its pipeline: pipeline input may bind
    invoked: bool  # `& name …`
    source: str = ""
    upstream: tuple[str, str] | None = None  # what a piped call receives: ("command", name) or ("type", .NET type)


def commands(tree: Tree) -> list[CommandCall]:
    out = []
    for node in walk(tree.root_node):
        if node.type != "command":
            continue
        name_node = next((c for c in node.children if c.type in ("command_name", "command_name_expr")), None)
        if name_node is None:
            continue
        name = text(name_node).strip()
        invoked = any(c.type == "command_invokation_operator" for c in node.children)
        elements: list[Element] = []
        body = next((c for c in node.children if c.type == "command_elements"), None)
        for child in (body.children if body else []):
            if child.type == "command_argument_sep":
                if ":" in text(child) and elements and elements[-1].kind == "parameter":
                    elements[-1].colon_argument = True
                continue
            if child.type == "command_parameter":
                raw = text(child)
                colon = raw.endswith(":")
                elements.append(Element("parameter", raw[1:-1] if colon else raw[1:], colon, child))
                continue
            if child.type in ("redirection", "stop_parsing"):
                continue
            raw = text(child)
            if raw.startswith("@") and re.fullmatch(r"@\w+", raw):
                elements.append(Element("splat", raw[1:], node=child))
            else:
                elements.append(Element("argument", raw, node=child))
        parent = node.parent
        piped = parent is not None and parent.type == "pipeline_chain" and parent.named_children[0] != node
        upstream = _upstream(parent.named_children[parent.named_children.index(node) - 1]) if piped else None
        out.append(CommandCall(name, node.start_point[0] + 1, elements, piped, invoked, text(node)[:120], upstream))
    return out


def _upstream(node: Node) -> tuple[str, str] | None:
    """What the previous element of a pipeline sends: a command's output (by the command's name), or a literal's
    type (a string or an integer, or an array of them, whose elements the pipeline enumerates); else None."""
    if node.type == "command":
        name_node = next((c for c in node.children if c.type == "command_name"), None)
        return ("command", text(name_node).strip()) if name_node is not None else None
    inner = node
    while len(inner.named_children) == 1 and not inner.type.endswith("string_literal"):
        inner = inner.named_children[0]
    if inner.type.endswith("string_literal") or inner.type == "verbatim_string_characters":
        return ("type", "System.String")
    value = literal(node)
    values = value if isinstance(value, list) else [value]
    if values and all(isinstance(v, str) for v in values):
        return ("type", "System.String")
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return ("type", "System.Int32")
    return None


# ---- signatures of scripts and script functions -------------------------------------------------
@dataclass
class ScriptParameter:
    name: str
    type: str  # the type literal without brackets, '' when untyped
    mandatory: bool
    position: int | None
    aliases: list[str] = field(default_factory=list)
    has_default: bool = False
    allows: set[str] = field(default_factory=set)  # allownull, allowemptystring, allowemptycollection


@dataclass
class Signature:
    parameters: list[ScriptParameter]
    cmdlet_binding: bool  # [CmdletBinding()] or a [Parameter()] attribute: an advanced script
    supports_should_process: bool


def _attribute_arguments(attribute: Node) -> tuple[dict[str, Any], list[Any]]:
    """Named (`Mandatory = $true`, `Mandatory`) and positional (`'a', 'b'`) arguments of an attribute."""
    args = next((c for c in attribute.named_children if c.type == "attribute_arguments"), None)
    named: dict[str, Any] = {}
    positional: list[Any] = []
    for argument in (args.named_children if args else []):
        parts = argument.named_children
        if parts and parts[0].type == "simple_name":
            named[text(parts[0]).lower()] = literal(parts[-1]) if len(parts) > 1 else True
        else:
            positional.extend(literal(p) for p in parts)
    return named, positional


def _signature(param_list: Node | None, attributes: list[Node]) -> Signature:
    names = {text(a.named_children[0]).strip().lower(): a for a in attributes
             if a.named_children and a.named_children[0].type == "attribute_name"}
    binding = names.get("cmdletbinding")
    parameters: list[ScriptParameter] = []
    advanced = binding is not None
    for node in (p for p in (param_list.named_children if param_list else []) if p.type == "script_parameter"):
        variable = next(c for c in node.named_children if c.type == "variable")
        type_name, mandatory, position, aliases, allows = "", False, None, [], set()
        attribute_list = next((c for c in node.named_children if c.type == "attribute_list"), None)
        for attribute in (attribute_list.named_children if attribute_list else []):
            literal_type = next((c for c in attribute.named_children if c.type == "type_literal"), None)
            if literal_type is not None:
                type_name = text(literal_type)[1:-1]
                continue
            attribute_name = text(attribute.named_children[0]).strip().lower()
            named, positional = _attribute_arguments(attribute)
            if attribute_name == "parameter":
                advanced = True
                mandatory = named.get("mandatory", False) is True
                position = named.get("position") if isinstance(named.get("position"), int) else None
            elif attribute_name == "alias":
                aliases = [a for a in positional if isinstance(a, str)]
            elif attribute_name in ("allownull", "allowemptystring", "allowemptycollection"):
                allows.add(attribute_name)
        has_default = any(c.type == "script_parameter_default" for c in node.named_children)
        parameters.append(ScriptParameter(text(variable)[1:], type_name, mandatory, position, aliases, has_default, allows))
    # CommandMetadata.PositionalBinding (default true): positions are generated in declaration order,
    # switches excepted, unless a parameter sets its Position explicitly.
    binding_args = _attribute_arguments(binding)[0] if binding is not None else {}
    explicit = any(p.position is not None for p in parameters)
    if binding_args.get("positionalbinding", True) is not False and not explicit:
        positional = [p for p in parameters if p.type.lower() not in ("switch", "switchparameter")]
        for number, parameter in enumerate(positional):
            parameter.position = number
    should_process = binding_args.get("supportsshouldprocess", False) is True
    return Signature(parameters, advanced, should_process)


def script_signature(tree: Tree) -> Signature | None:
    """The param() block of a script, None when it has none."""
    block = next((c for c in tree.root_node.named_children if c.type == "param_block"), None)
    if block is None:
        return None
    attributes = next((c for c in block.named_children if c.type == "attribute_list"), None)
    params = next((c for c in block.named_children if c.type == "parameter_list"), None)
    return _signature(params, attributes.named_children if attributes else [])


def functions(tree: Tree) -> dict[str, Signature]:
    """Functions the script defines, by lower-case name."""
    out = {}
    for node in walk(tree.root_node):
        if node.type != "function_statement":
            continue
        name = text(next(c for c in node.named_children if c.type == "function_name")).lower()
        declaration = next((c for c in node.named_children if c.type == "function_parameter_declaration"), None)
        if declaration is not None:
            out[name] = _signature(next((c for c in declaration.named_children if c.type == "parameter_list"), None), [])
            continue
        body = next((c for c in node.named_children if c.type == "script_block"), None)
        block = next((c for c in walk(body) if c.type == "param_block"), None) if body else None
        if block is None:
            out[name] = Signature([], False, False)
        else:
            attributes = next((c for c in block.named_children if c.type == "attribute_list"), None)
            params = next((c for c in block.named_children if c.type == "parameter_list"), None)
            out[name] = _signature(params, attributes.named_children if attributes else [])
    return out
