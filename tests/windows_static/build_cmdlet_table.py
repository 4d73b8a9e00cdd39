"""Writes data/cmdlets.yml: the signature of every cmdlet the Windows tier's scripts call, taken from
Microsoft's own help sources (the PlatyPS markdown behind learn.microsoft.com):

- Windows Server modules: MicrosoftDocs/windows-powershell-docs, docset/winserver2022-ps/<Module>/<Cmdlet>.md
  (the site's hosts run Windows Server 2022; sql01 runs 2019: the 2019 docset is compared too);
- Windows PowerShell 5.1 modules: MicrosoftDocs/PowerShell-Docs, reference/5.1/<Module>/<Cmdlet>.md.

Each parameter's type, aliases, accepted values, and per parameter set whether it is mandatory and
its position come from the yaml block under "## PARAMETERS" (a field may give one value per set:
`Required: True (SetA), False (SetB)`), with how it takes pipeline input (ByValue, ByPropertyName) and
in which sets; the parameter sets and the SupportsShouldProcess parameters (-WhatIf/-Confirm) from
"## SYNTAX"; the output types from "## OUTPUTS" (what a piped call downstream receives).

Usage (the two repositories as git directories, e.g. from the `fetch` research tool):
  .venv/bin/python tests/windows_static/build_cmdlet_table.py WINSERVER_DOCS_GIT POWERSHELL_DOCS_GIT
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

ALL_SETS = "__AllParameterSets"


def git(repo: str, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", repo, *args], check=True, capture_output=True, text=True).stdout


def find(repo: str, prefix: str, cmdlet: str) -> str | None:
    for path in git(repo, "ls-tree", "-r", "--name-only", "HEAD", prefix).splitlines():
        if path.lower().endswith(f"/{cmdlet.lower()}.md"):
            return path
    return None


def _fields(block: str) -> dict[str, str]:
    """`Key: value` lines of a parameter's block (not strict YAML: `Default value: [int32]::MaxValue`)."""
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in block.splitlines()) if k.strip()}


def parse(markdown: str) -> dict:
    front = _fields(markdown.split("---", 2)[1])
    syntax = re.split(r"^## Syntax\s*$", markdown, maxsplit=1, flags=re.M | re.I)[1].split("\n## ", 1)[0]
    sets: dict[str, str] = {}  # set -> syntax of every provider
    providers: set[str] = set()  # provider-specific syntax ("pathSet - WSMan provider"): dynamic parameters
    default_set = None
    for match in re.finditer(r"(?:^### (?P<name>[^\n]+)\n+)?```\w*\n(?P<body>.*?)```", syntax, re.S | re.M):
        heading = (match.group("name") or ALL_SETS).strip()
        parts = re.match(r"^(?P<set>.+?)(?P<default>\s*\(default\))?(?:\s+-\s+(?P<provider>.+?)\s+providers?)?$",
                         heading, re.I)
        name = parts.group("set").strip()
        if parts.group("default"):
            default_set = name
        provider = parts.group("provider")
        if provider and provider.lower() != "all":
            providers.add(provider)
        else:
            sets[name] = sets.get(name, "") + match.group("body")
    static_names = {n.lower() for body in sets.values() for n in re.findall(r"-(\w+)", body)}
    should_process = all("[-WhatIf]" in body and "[-Confirm]" in body for body in sets.values())
    parameters: dict[str, dict] = {}
    body = re.split(r"^## Parameters\s*$", markdown, maxsplit=1, flags=re.M | re.I)[1]
    body = re.split(r"\n## (?!#)", body, maxsplit=1)[0]
    for section in re.split(r"\n### -", "\n" + body)[1:]:
        name = section.split("\n", 1)[0].strip()
        if name in ("WhatIf", "Confirm") or name.startswith("CommonParameters"):
            continue
        blocks = [_fields(b) for b in re.findall(r"```yaml\n(.*?)```", section, re.S)]
        entry: dict = {"type": re.sub(r"\b(?:[A-Za-z]+\.)+(?=[A-Za-z`\d]+)", "", blocks[0].get("Type") or "")}
        if name.lower() not in static_names:
            entry["dynamic"] = f"parameter of the {' or '.join(sorted(providers))} provider only"
        aliases = str(blocks[0].get("Aliases") or "").strip()
        if aliases and aliases.lower() != "none":
            entry["aliases"] = [a.strip() for a in aliases.split(",") if a.strip()]
        accepted = blocks[0].get("Accepted values")
        if accepted:
            entry["accepted_values"] = [str(a).strip() for a in str(accepted).split(",")]
        per_set: dict[str, dict] = {}
        for block in blocks:
            names = str(block.get("Parameter Sets") or "(All)")
            targets = list(sets) if names.strip() == "(All)" else [n.strip() for n in names.split(",")]
            for target in targets:
                position = _for_set(block.get("Position", "Named"), target)
                per_set[target] = {"required": _for_set(block.get("Required"), target).startswith("True"),
                                   "position": int(position) if position.isdigit() else None,
                                   "pipeline": _pipeline_kinds(_for_set(block.get("Accept pipeline input", "False"),
                                                                        target))}
        in_all = set(per_set) == set(sets)
        if not in_all:
            entry["sets"] = sorted(per_set)
        required = sorted(s for s, v in per_set.items() if v["required"])
        if required and "dynamic" not in entry:
            entry["mandatory_in"] = required if len(required) < len(sets) else "all"
        positions = {s: v["position"] for s, v in per_set.items() if v["position"] is not None}
        if positions:
            values = set(positions.values())
            entry["position"] = values.pop() if len(values) == 1 and len(positions) == len(per_set) else positions
        kinds = sorted({k for v in per_set.values() for k in v["pipeline"]})
        if kinds:
            entry["pipeline"] = kinds
            taking = sorted(s for s, v in per_set.items() if v["pipeline"])
            if len(taking) < len(per_set):
                entry["pipeline_in"] = taking
        parameters[name] = entry
    outputs = re.split(r"^## Outputs\s*$", markdown, maxsplit=1, flags=re.M | re.I)
    output_types = re.findall(r"^### (.+?)\s*$", outputs[1].split("\n## ", 1)[0], re.M) if len(outputs) > 1 else []
    url = re.sub(r"[&?]wt\.mc_id=[^&]*", "", front.get("online version", ""), flags=re.I)
    out = {"module": front.get("Module Name"), "url": url, "should_process": should_process,
           "sets": sorted(sets), "parameters": dict(sorted(parameters.items()))}
    if default_set:
        out["default_set"] = default_set
    out["outputs"] = [t.strip("`* ") for t in output_types]
    return out


def _for_set(value: object, parameter_set: str) -> str:
    """A field's value in one set: `True`, or per set as `True (SetA, SetB), False (SetC)` (Get-CimInstance's
    -ResourceUri, New-Item's -Path)."""
    text = str(value if value is not None else "")
    per_set = re.findall(r"(True|False|Named|\d+)\s*\(([^)]*)\)", text)
    kinds = r"\s*By(?:Value|PropertyName)(?:\s*,\s*By(?:Value|PropertyName))*\s*"
    if per_set and not all(re.fullmatch(kinds, sets) for _, sets in per_set):
        for answer, sets in per_set:
            if parameter_set in [s.strip() for s in sets.split(",")]:
                return answer
        return ""
    return text


def _pipeline_kinds(value: str) -> list[str]:
    """`True (ByValue, ByPropertyName)` -> ['ByPropertyName', 'ByValue']; `False`, `ByValue (False), ByName (False)`
    (New-Item's 5.1 page) -> []."""
    if not value.startswith("True"):
        return []
    kinds = sorted(set(re.findall(r"By(?:Value|PropertyName)", value)))
    return kinds or ["ByValue"]


def used_cmdlets() -> list[str]:
    import ws_powershell as ps
    from ws_scripts import scripts
    from ws_tasks import rcr_windows_tasks
    names = set()
    for script in scripts(rcr_windows_tasks()):
        tree = ps.parse(ps.syntax_errors_and_source(script.source)[2])
        defined = ps.functions(tree)
        names |= {c.name for c in ps.commands(tree) if c.name.lower() not in defined and "." not in c.name}
    return sorted(names, key=str.lower)


class _IndentedDumper(yaml.SafeDumper):
    """Block sequences indented under their key (the project's yamllint `indentation` rule)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def _short_lists_inline(dumper: yaml.SafeDumper, data: list):
    inline = all(isinstance(x, str | int) for x in data) and len(", ".join(map(str, data))) < 100
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=inline)


_IndentedDumper.add_representer(list, _short_lists_inline)


def main(winserver: str, powershell: str) -> None:
    winserver_commit = git(winserver, "rev-parse", "HEAD").strip()
    powershell_commit = git(powershell, "rev-parse", "HEAD").strip()
    table: dict[str, dict] = {}
    for cmdlet in used_cmdlets():
        path = find(winserver, "docset/winserver2022-ps", cmdlet)
        repo, commit, source = winserver, winserver_commit, "MicrosoftDocs/windows-powershell-docs"
        if path is None:
            path = find(powershell, "reference/5.1", cmdlet)
            repo, commit, source = powershell, powershell_commit, "MicrosoftDocs/PowerShell-Docs"
        if path is None:
            raise SystemExit(f"no documentation found for {cmdlet}")
        entry = parse(git(repo, "show", f"{commit}:{path}"))
        entry["source"] = f"{source}@{commit[:12]}:{path}"
        if repo == winserver:
            older = find(winserver, "docset/winserver2019-ps", cmdlet)
            if older:
                names_2019 = set(parse(git(repo, "show", f"{commit}:{older}"))["parameters"])
                difference = sorted(names_2019 ^ set(entry["parameters"]))
                entry["windows_server_2019"] = "same parameters" if not difference else {"differs": difference}
        table[cmdlet] = entry
    header = (HERE / "data/cmdlets.header.yml").read_text()
    body = yaml.dump({"cmdlets": table}, Dumper=_IndentedDumper, sort_keys=False, width=150, allow_unicode=True)
    (HERE / "data/cmdlets.yml").write_text(header + body)
    print(f"{len(table)} cmdlets written to data/cmdlets.yml")


if __name__ == "__main__":
    main(*sys.argv[1:3])
