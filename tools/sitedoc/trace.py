"""Traceability: requirement id → validation rules → role steps → tests, read from markers in the code.

Markers (docs/requirements.yml says the same to whoever adds one):
- a validation rule: a comment right above its ``@rule(...)`` decorator, ``# req: SPEC-5-collation``
  (read with ``inspect.getcomments`` on the registered rule, so it names the rule exactly);
- a role step, playbook or template: a comment line ``# req: SPEC-…`` (``{# req: … #}`` in Jinja) in the file;
  ``roles/<role>/tasks/0040-release.yml`` is the step ``role::<role>:release`` (the tag grammar);
- a test: ``@pytest.mark.requirement("SPEC-…")`` on a test function or class, or ``pytestmark``
  in its module (read from the source with ``ast``: nothing is imported or run).
"""

from __future__ import annotations

import ast
import copy
import functools
import inspect
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from ansible_collections.sitekit.core.plugins.plugin_utils.site import registry  # noqa: F401  (registers the rules)
from ansible_collections.sitekit.core.plugins.plugin_utils.site.rulebook import RULES

REQ_ID = re.compile(r"\bSPEC-\d+-[a-z0-9]+(?:-[a-z0-9]+)*\b")
MARKER = re.compile(r"(?:#|\{#)\s*req:\s*(.+)$")
CATALOGUE = "docs/requirements.yml"
APPLIERS = ("roles/*/tasks/*.yml", "roles/*/handlers/*.yml", "roles/*/templates/*", "playbooks/*.yml",
            "collections/ansible_collections/sitekit/core/templates/**/*.j2")


@dataclass
class Trace:
    requirements: list[dict]
    rules: dict[str, list[str]] = field(default_factory=dict)
    appliers: dict[str, list[str]] = field(default_factory=dict)
    tests: dict[str, list[str]] = field(default_factory=dict)
    unknown: list[tuple[str, str]] = field(default_factory=list)  # (id, where) of markers naming no requirement

    def gaps(self, req_id: str) -> list[str]:
        links = (("validation rule", self.rules), ("role/task", self.appliers), ("test", self.tests))
        return [name for name, found in links if not found.get(req_id)]


def _ids(text: str) -> list[str]:
    return REQ_ID.findall(text)


def _add(index: dict[str, list[str]], ids: list[str], what: str) -> None:
    for req in ids:
        if what not in index.setdefault(req, []):
            index[req].append(what)


def rule_markers() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for rule_id, _, func in RULES:
        comments = inspect.getcomments(func) or ""
        ids = [i for line in comments.splitlines() for m in [MARKER.search(line)] if m for i in _ids(m.group(1))]
        _add(out, ids, rule_id)
    return out


def _applier_name(repo: Path, path: Path) -> str:
    rel = path.relative_to(repo)
    parts = rel.parts
    if parts[0] == "roles" and parts[2] == "tasks":
        step = re.sub(r"^\d+-", "", path.stem)
        return f"role::{parts[1]}" if step == "main" else f"role::{parts[1]}:{step}"
    return str(rel)


def applier_markers(repo: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for pattern in APPLIERS:
        for path in sorted(repo.glob(pattern)):
            if not path.is_file():
                continue
            stat = path.stat()
            _add(out, list(_file_markers(str(path), stat.st_mtime_ns, stat.st_size)), _applier_name(repo, path))
    return out


@functools.cache
def _file_markers(path: str, mtime_ns: int, size: int) -> tuple[str, ...]:
    """The requirement ids of the ``req:`` comments of one file, read once per process and version of the file
    (path, modification time, size), as ``_file_test_markers``."""
    return tuple(i for line in Path(path).read_text(errors="replace").splitlines()
                 for m in [MARKER.search(line)] if m for i in _ids(m.group(1)))


def _requirement_calls(node: ast.AST) -> list[str]:
    """Ids in ``pytest.mark.requirement("…")`` calls anywhere under ``node``."""
    ids = []
    for call in ast.walk(node):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "requirement":
            ids += [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    return ids


def marked_tests(repo: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for path in sorted((repo / "tests").rglob("test_*.py")):
        rel = str(path.relative_to(repo))
        stat = path.stat()
        for name, ids in _file_test_markers(str(path), stat.st_mtime_ns, stat.st_size):
            _add(out, list(ids), rel if name is None else f"{rel}::{name}")
    return out


@functools.cache
def _file_test_markers(path: str, mtime_ns: int, size: int) -> tuple[tuple[str | None, tuple[str, ...]], ...]:
    """(test name or None for the module, requirement ids) of one test file. Parsing is most of a pack's
    build time: one process building several packs (the test suite) parses each file once, and the key
    (path, modification time, size) makes an edited file parsed again."""
    tree = ast.parse(Path(path).read_text(errors="replace"))
    found: list[tuple[str | None, tuple[str, ...]]] = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets):
            found.append((None, tuple(_requirement_calls(node.value))))
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            found += [(node.name, tuple(_requirement_calls(deco))) for deco in node.decorator_list]
    return tuple(found)


def catalogue(repo: Path) -> list[dict]:
    stat = (repo / CATALOGUE).stat()
    return copy.deepcopy(_catalogue(str(repo / CATALOGUE), stat.st_mtime_ns, stat.st_size))


@functools.cache
def _catalogue(path: str, mtime_ns: int, size: int) -> list[dict]:
    """docs/requirements.yml, parsed once per process and version of the file (libyaml's parser when PyYAML has it)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return list(yaml.load(Path(path).read_text(encoding="utf-8"), Loader=loader)["requirements"])


def build(repo: Path) -> Trace:
    reqs = catalogue(repo)
    trace = Trace(reqs, rule_markers(), applier_markers(repo), marked_tests(repo))
    known = {r["id"] for r in reqs}
    for kind, index in (("rule", trace.rules), ("role/task", trace.appliers), ("test", trace.tests)):
        for req, where in sorted(index.items()):
            if req not in known:
                trace.unknown += [(req, f"{kind} {w}") for w in where]
    return trace
