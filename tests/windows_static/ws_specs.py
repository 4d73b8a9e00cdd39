"""Argument specs of the installed Windows modules, read from the collections' own files.

Two sources, both from the installed collection (requirements.yml pins their versions):
- the module's code — what the target host enforces:
  * Ansible.Basic modules: the `$spec` hashtable passed to `[Ansible.Basic.AnsibleModule]::Create`
    (ansible-core lib/ansible/module_utils/csharp/Ansible.Basic.cs validates against it);
  * microsoft.ad object modules: `Invoke-AnsibleADObject` builds the spec from its common `$spec`
    and the module's `PropertyInfo` (microsoft.ad plugins/module_utils/_ADObject.psm1);
  * Legacy modules: every `Get-AnsibleParam` call (ansible-core
    lib/ansible/module_utils/powershell/Ansible.ModuleUtils.Legacy.psm1), which ignores unknown options;
  * action-only modules (win_reboot, win_template): the action plugin's accepted arguments.
- the DOCUMENTATION (the `.py` or `.yml` next to the `.ps1`, doc fragments merged by ansible-core's
  plugin_docs.get_plugin_docs): the documented interface. An option the code accepts but the
  documentation does not list is an error too (it may be ignored, like `mode` on win_template).

Constraints (mutually_exclusive, required_together, required_one_of, required_if, required_by) exist
only in the code, so they come from the code.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ws_powershell as ps
import yaml
from ws_ansible import loaders

CONSTRAINTS = ("mutually_exclusive", "required_together", "required_one_of", "required_if", "required_by")


@dataclass
class Option:
    type: str | None = "str"  # None: a delegate or an expression (no static type check)
    elements: str | None = None
    choices: list | None = None
    required: bool = False
    default: Any = None
    aliases: list[str] = field(default_factory=list)
    options: dict[str, Option] | None = None  # sub-options
    constraints: dict[str, Any] = field(default_factory=dict)


@dataclass
class ModuleSpec:
    fqcn: str
    engine: str  # "Ansible.Basic", "Legacy", "action"
    source: str  # where the code spec was read, relative to site-packages
    options: dict[str, Option]
    constraints: dict[str, Any]
    documented: dict[str, Option]
    doc_source: str
    valid_args: frozenset[str] | None = None  # an action plugin's _VALID_ARGS
    open_options: bool = False  # win_dsc: the other options are the DSC resource's properties


def site_packages() -> Path:
    import ansible
    return Path(ansible.__file__).parent.parent


def relative(path: str | Path) -> str:
    return str(Path(path).relative_to(site_packages()))


# ---- documentation ----------------------------------------------------------------------------------
def _doc_option(doc: dict) -> Option:
    aliases = doc.get("aliases") or []
    sub = doc.get("suboptions")
    return Option(type=doc.get("type", "str"), elements=doc.get("elements"), choices=doc.get("choices"),
                  required=bool(doc.get("required", False)), default=doc.get("default"),
                  aliases=[aliases] if isinstance(aliases, str) else list(aliases),
                  options={k: _doc_option(v) for k, v in sub.items()} if sub else None)


def documentation(fqcn: str) -> tuple[dict[str, Option], str]:
    module_loader, _, fragment_loader = loaders()
    from ansible.utils.plugin_docs import get_plugin_docs
    doc, _, _, _ = get_plugin_docs(fqcn, "module", module_loader, fragment_loader, False)
    options = {k: _doc_option(v) for k, v in (doc.get("options") or {}).items()}
    if "free_form" in options:  # the documented name of the free-form argument, `_raw_params` in the task's args
        options["free_form"].aliases.append("_raw_params")
    return options, relative(doc["filename"])


# ---- Ansible.Basic $spec ------------------------------------------------------------------------------
def _list_of_str(value: Any) -> list[str]:
    """Ansible.Basic ValidateArgumentSpec casts a single value to a one-element list."""
    if value is None or value is ps.UNKNOWN:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _basic_option(raw: dict) -> Option:
    kind = raw.get("type", "str")
    elements = raw.get("elements")
    options = raw.get("options")
    choices = raw.get("choices")
    return Option(type=kind if isinstance(kind, str) else None,
                  elements=elements if isinstance(elements, str) else None,
                  choices=(choices if isinstance(choices, list) else [choices]) if choices is not None else None,
                  required=raw.get("required", False) is True, default=raw.get("default"),
                  aliases=_list_of_str(raw.get("aliases")),
                  options={k: _basic_option(v) for k, v in options.items()} if isinstance(options, dict) else None,
                  constraints={k: raw[k] for k in CONSTRAINTS if k in raw})


def _check_literal(value: Any, where: str) -> None:
    """A spec that is not entirely literal (a variable, a call) would be read wrong: refuse it."""
    if value is ps.UNKNOWN:
        raise ValueError(f"{where}: not a literal")
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "type" and item is ps.UNKNOWN:  # a delegate type converter: no static type
                continue
            _check_literal(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_literal(item, f"{where}[{index}]")


def _parsed(path: Path):
    source = path.read_text(encoding="utf-8-sig")
    errors, _, rewritten = ps.syntax_errors_and_source(source)
    return ps.parse(rewritten), errors


def _module_utils(path: Path) -> list[Path]:
    """The PowerShell module_utils a module declares (`#AnsibleRequires -PowerShell …`)."""
    out = []
    collection = path.parents[2]  # …/ansible_collections/<namespace>/<name>
    for name in re.findall(r"^#AnsibleRequires -PowerShell (\S+)", path.read_text(encoding="utf-8-sig"), re.M):
        if name.startswith(".."):
            out.append(collection / "plugins" / "module_utils" / f"{name.split('.')[-1]}.psm1")
        elif name.startswith("ansible_collections."):
            parts = name.split(".")
            out.append(site_packages().joinpath(*parts[:-1], f"{parts[-1]}.psm1"))
    return out


def _fragment(path: Path, function: str) -> dict:
    """The literal hashtable a spec function of a module_util returns (e.g. Get-LowlyDbaSqlServerAuthSpec)."""
    for util in _module_utils(path):
        tree, _ = _parsed(util)
        for node in ps.walk(tree.root_node):
            name = next((c for c in node.named_children if c.type == "function_name"), None)
            if node.type == "function_statement" and name is not None and ps.text(name).lower() == function.lower():
                body = [n for n in ps.walk(node) if n.type == "hash_literal_expression"]
                value = ps.literal(body[0]) if body else ps.UNKNOWN
                _check_literal(value, f"{util.name} {function}")
                return value
    raise ValueError(f"{path}: spec fragment {function} not found in its module_utils")


def _merge_fragment(spec: dict, fragment: dict) -> None:
    """Ansible.Basic.cs MergeFragmentSpec: keys missing from the spec are added, dicts merged, lists extended."""
    for key, value in fragment.items():
        if key not in spec:
            spec[key] = value
        elif isinstance(value, dict):
            _merge_fragment(spec[key], value)
        elif isinstance(value, list):
            spec[key] = list(spec[key]) + list(value)


def _documented_choices(options: dict, documented: dict[str, Option] | None) -> None:
    """An option whose choices the module computes at run time (win_package: `$providerInfo.Keys + "auto"`) takes
    the documented choices; the rest of the spec stays the code's (required_if, required_by…)."""
    for name, raw in options.items():
        if not isinstance(raw, dict):
            continue
        doc = (documented or {}).get(name)
        if raw.get("choices") is ps.UNKNOWN and doc is not None and doc.choices:
            raw["choices"] = list(doc.choices)
        if isinstance(raw.get("options"), dict):
            _documented_choices(raw["options"], doc.options if doc is not None else None)


def basic_spec(path: Path, documented: dict[str, Option] | None = None) -> tuple[dict[str, Option], dict[str, Any]]:
    tree, _ = _parsed(path)
    creates = [c for c in ps.walk(tree.root_node) if c.type == "invokation_expression"
               and "AnsibleModule]::Create" in ps.text(c)]
    assert len(creates) == 1, f"{path}: expected one AnsibleModule::Create call"
    arguments = ps.text(creates[0]).split("Create", 1)[1].replace(" ", "")
    assert arguments.lower().startswith("($args,$spec"), f"{path}: unexpected Create{arguments}"
    nodes = ps.assignments(tree, "spec")
    raw = ps.literal(nodes[0]) if len(nodes) == 1 else None
    if not isinstance(raw, dict) or "options" not in raw:
        raise ValueError("no single literal `$spec = @{options = …}`")
    _documented_choices(raw["options"], documented)
    _check_literal(raw, f"{path.name} $spec")
    for function in re.findall(r"Get-[\w-]+", arguments):
        _merge_fragment(raw, _fragment(path, function))
    return ({k: _basic_option(v) for k, v in raw["options"].items()},
            {k: raw[k] for k in CONSTRAINTS if k in raw})


# ---- microsoft.ad Invoke-AnsibleADObject ----------------------------------------------------------------
def adobject_spec(path: Path) -> tuple[dict[str, Option], dict[str, Any]]:
    """Follows Invoke-AnsibleADObject (microsoft.ad plugins/module_utils/_ADObject.psm1): its common
    `$spec`, the module's PropertyInfo plus the three common properties, `add_remove_set` options turned
    into a dict of add/remove/set lists (DNLookup ones with lookup_failure_action), StateRequired
    properties into required_if on state."""
    util = path.parent.parent / "module_utils" / "_ADObject.psm1"
    util_tree, _ = _parsed(util)
    common = [n for n in ps.assignments(util_tree, "spec")]
    raw = ps.literal(common[0])
    _check_literal(raw, "_ADObject.psm1 $spec")
    properties = ps.literal(ps.assignments(util_tree, "PropertyInfo")[0])
    common_properties = [p for p in properties if isinstance(p, dict)]
    module_tree, _ = _parsed(path)
    set_params = ps.literal(ps.assignments(module_tree, "setParams")[0])
    module_properties = set_params["PropertyInfo"]
    options = {k: _basic_option(v) for k, v in raw["options"].items()}
    state_required: dict[str, list[str]] = {}
    for prop in list(module_properties) + common_properties:
        option = dict(prop["Option"])
        _check_literal(option, f"{path.name} {prop['Name']}")
        if prop.get("StateRequired"):
            state_required.setdefault(prop["StateRequired"], []).append(prop["Name"])
        if option.get("type") == "add_remove_set":
            element = {k: v for k, v in option.items() if k not in ("aliases", "no_log")}
            element["type"] = "list"
            element["elements"] = "raw" if prop.get("DNLookup") else element.get("elements", "str")
            sub = {"add": element, "remove": element, "set": element}
            if prop.get("DNLookup"):
                sub["lookup_failure_action"] = {"type": "str", "choices": ["fail", "ignore", "warn"], "default": "fail"}
            option = {"type": "dict", "options": sub, **({"aliases": option["aliases"]} if "aliases" in option else {})}
        elif prop.get("DNLookup"):
            option["type"] = "raw"
        options[prop["Name"]] = _basic_option(option)
    constraints = {k: raw[k] for k in CONSTRAINTS if k in raw}
    if state_required:
        constraints["required_if"] = [["state", state, names] for state, names in state_required.items()]
    return options, constraints


# ---- Legacy Get-AnsibleParam ------------------------------------------------------------------------
# Get-AnsibleParam's parameters in declaration order (Ansible.ModuleUtils.Legacy.psm1), for positional calls.
_GET_ANSIBLE_PARAM = ["obj", "name", "default", "resultobj", "failifempty", "emptyattributefailmessage",
                      "validateset", "validateseterrormessage", "type", "aliases"]


def _bind_get_ansible_param(call: ps.CommandCall) -> dict[str, Any]:
    bound: dict[str, Any] = {}
    positional = iter(_GET_ANSIBLE_PARAM)
    elements = list(call.elements)
    index = 0
    while index < len(elements):
        element = elements[index]
        if element.kind == "parameter":
            name = next(p for p in _GET_ANSIBLE_PARAM if p.startswith(element.value.lower()))
            value_node = elements[index + 1].node
            bound[name] = ps.literal(value_node)
            index += 2
            continue
        name = next(p for p in positional if p not in bound)
        bound[name] = ps.literal(element.node)
        index += 1
    return bound


def legacy_spec(path: Path, documented: dict[str, Option]) -> tuple[dict[str, Option], dict[str, Any]]:
    """Options from the Get-AnsibleParam calls. A value that is an expression (e.g. -ValidateSet
    $cachingModeOptions, -failifempty $someCondition) is taken from the documentation."""
    tree, _ = _parsed(path)
    options: dict[str, Option] = {}
    for call in ps.commands(tree):
        if call.name.lower() not in ("get-ansibleparam", "get-attr"):
            continue
        bound = _bind_get_ansible_param(call)
        name = bound.get("name")
        if not isinstance(name, str) or name.startswith("_ansible_"):
            continue
        doc = documented.get(name, Option())
        kind = bound.get("type")
        choices = bound.get("validateset")
        required = bound.get("failifempty", False)
        options[name] = Option(
            type=kind if isinstance(kind, str) else None,
            choices=doc.choices if choices is ps.UNKNOWN else _list_of_str(choices) or None,
            required=doc.required if required is ps.UNKNOWN else (required is not False and required is not None),
            default=bound.get("default"), aliases=_list_of_str(bound.get("aliases")))
    return options, {}


LEGACY_RULES = Path(__file__).parent / "data" / "legacy_rules.yml"


@functools.cache
def legacy_rules() -> dict[str, list[dict]]:
    return yaml.safe_load(LEGACY_RULES.read_text())


def _with_legacy_rules(fqcn: str, options: dict[str, Option], constraints: dict[str, Any]) -> dict[str, Any]:
    """The rules a Legacy module checks in its code (data/legacy_rules.yml) added to what Get-AnsibleParam says."""
    constraints = dict(constraints)
    for rule in legacy_rules().get(fqcn, []):
        for kind in ("required_if", "required_one_of", "mutually_exclusive"):
            constraints[kind] = list(constraints.get(kind, [])) + list(rule.get(kind, []))
        for name, choices in (rule.get("element_choices") or {}).items():
            options[name] = dataclasses.replace(options[name], choices=list(choices))
        constraints["elements"] = {**constraints.get("elements", {}), **(rule.get("elements") or {})}
        constraints["entries"] = {**constraints.get("entries", {}), **(rule.get("entries") or {})}
    return constraints


# ---- action plugins -------------------------------------------------------------------------------
def action_valid_args(fqcn: str) -> frozenset[str] | None:
    """ActionBase._VALID_ARGS of the module's action plugin (ansible-core plugins/action/__init__.py:
    a task passing another argument fails with "Invalid options for <action>")."""
    _, action_loader, _ = loaders()
    plugin = action_loader.get(fqcn, class_only=True)
    return frozenset(getattr(plugin, "_VALID_ARGS", frozenset())) or None


# ---- entry point -----------------------------------------------------------------------------------
@functools.cache
def module_spec(name: str) -> ModuleSpec:
    module_loader, action_loader, _ = loaders()
    context = module_loader.find_plugin_with_context(name, mod_type=".ps1")
    documented, doc_source = documentation(context.resolved_fqcn if context.resolved else name)
    if not context.resolved:
        fqcn = action_loader.find_plugin_with_context(name).resolved_fqcn
        valid = action_valid_args(fqcn)
        options = {k: v for k, v in documented.items() if valid is None or k in valid}
        return ModuleSpec(fqcn, "action", f"action plugin {fqcn}" + (" _VALID_ARGS" if valid else " (docs)"),
                          options, {}, documented, doc_source, valid)
    path = Path(context.plugin_resolved_path)
    source = path.read_text(encoding="utf-8-sig")
    if context.resolved_fqcn == "ansible.windows.win_dsc":
        # The spec is built on the host from the DSC resource's CIM class: only win_dsc's own options
        # are known here; the resource's properties would need its schema.mof.
        return ModuleSpec(context.resolved_fqcn, "Ansible.Basic", f"{relative(path)} (documentation; DSC properties "
                          "not checked)", documented, {}, documented, doc_source, open_options=True)
    try:
        return _code_spec(context.resolved_fqcn, path, source, documented, doc_source)
    except ValueError as error:  # a $spec computed at run time (choices from a call…): the documentation
        return ModuleSpec(context.resolved_fqcn, "Ansible.Basic", f"{relative(path)} (documentation: {error})",
                          documented, {}, documented, doc_source)


def _code_spec(fqcn: str, path: Path, source: str, documented: dict[str, Option], doc_source: str) -> ModuleSpec:
    if "Invoke-AnsibleADObject" in source:
        options, constraints = adobject_spec(path)
        engine, how = "Ansible.Basic", "PropertyInfo + _ADObject.psm1 $spec"
    elif "AnsibleModule]::Create" in source:
        options, constraints = basic_spec(path, documented)
        engine, how = "Ansible.Basic", "$spec"
    elif "Parse-Args" in source:
        options, constraints = legacy_spec(path, documented)
        constraints = _with_legacy_rules(fqcn, options, constraints)
        engine, how = "Legacy", "Get-AnsibleParam calls + data/legacy_rules.yml"
    else:
        raise ValueError(f"{path}: neither Ansible.Basic nor Legacy")
    return ModuleSpec(fqcn, engine, f"{relative(path)} ({how})", options, constraints, documented, doc_source)
