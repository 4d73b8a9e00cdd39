"""Command calls bound the way PowerShell's parameter binder binds them, against data/cmdlets.yml
(cmdlets, from Microsoft's documentation) or the param() block of a script or function.

Rules followed (PowerShell/PowerShell, src/System.Management.Automation/engine/):
- MergedCommandParameterMetadata.cs GetMatchingParameter: a parameter name matches every parameter
  and alias it is a case-insensitive prefix of; an exact match wins; several matches are
  "ambiguous" unless exactly one of them is declared by the command (not a common parameter);
  none is "A parameter cannot be found that matches parameter name".
- ParameterBinderController.cs: a parameter bound twice fails; a non-switch parameter needs an
  argument; the parameter sets of the named parameters must intersect ("Parameter set cannot be
  resolved"); positional arguments bind in position order within a remaining set, an extra one
  fails ("A positional parameter cannot be found"); a mandatory parameter of the set left unbound
  would prompt, which fails in a non-interactive WinRM session.
- Pipeline input (CmdletParameterBinderController.cs BindCommandLineParameters, FilterParameterSetsTakingNoPipelineInput,
  BindPipelineParametersPrivate, BindUnboundParametersForBindingState): a set left must have an unbound parameter
  that takes pipeline input (else InputObjectNotBound); an upstream of known type is bound ByValue/ByPropertyName in
  the binder's order and the set then resolved; when it is not known, the parameters that may take it count as bound.
- CmdletParameterBinderController.cs ValidateParameterSets, ResolveParameterSetAmbiguityBasedOnMandatoryParameters,
  VerifyParameterSetSelected: with several sets left, the default set among them is used (and prompts for its
  mandatory parameters); else, when input is piped and a set left takes it, the choice waits for the piped values;
  else exactly one set with its mandatory parameters all bound is used, none or several is "AmbiguousParameterSet".
- A [ValidateSet] (the documentation's "Accepted values") is checked for literal arguments.
- Parameters a script receives from win_powershell's `parameters` bind by name the same way;
  [bool] accepts only booleans and numbers (about_Parameters), [int] only integral values,
  [securestring] no plain string.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import ws_powershell as ps
import yaml
from ws_argcheck import Unrendered

DATA = Path(__file__).parent / "data"


@dataclass
class Parameter:
    name: str
    switch: bool = False
    aliases: list[str] = field(default_factory=list)
    sets: set[str] | None = None  # None: every set
    mandatory_in: set[str] = field(default_factory=set)
    positions: dict[str, int] = field(default_factory=dict)
    pipeline: bool = False
    accepted_values: list[str] | None = None
    common: bool = False
    type: str = ""
    pipeline_kinds: frozenset[str] = frozenset()  # ByValue, ByPropertyName
    pipeline_in: set[str] | None = None  # the sets in which it takes pipeline input (None: all of its sets)


@dataclass
class Command:
    name: str
    parameters: dict[str, Parameter]
    sets: list[str]
    default_set: str | None
    strict: bool  # unknown parameters fail (cmdlets, advanced functions); else they go to $args
    url: str = ""
    outputs: list[str] = field(default_factory=list)  # documented output types (## OUTPUTS)
    pipeline_known: bool = False  # which parameters take pipeline input is known (the table; not param() blocks)


ALL = "__AllParameterSets"


@functools.cache
def _raw() -> dict:
    return yaml.safe_load((DATA / "cmdlets.yml").read_text())


@functools.cache
def table() -> dict[str, Command]:
    raw = _raw()
    commons = raw["common_parameters"]
    should_process = raw["should_process_parameters"]
    out = {}
    for name, entry in raw["cmdlets"].items():
        sets = entry["sets"]
        parameters = {}
        for pname, p in entry["parameters"].items():
            mandatory = p.get("mandatory_in", [])
            position = p.get("position")
            member_sets = set(p["sets"]) if "sets" in p else None
            in_sets = sorted(member_sets) if member_sets else sets
            parameters[pname] = Parameter(
                pname, p.get("type") == "SwitchParameter", p.get("aliases", []), member_sets,
                set(sets) if mandatory == "all" else set(mandatory),
                {s: position for s in in_sets} if isinstance(position, int) else dict(position or {}),
                bool(p.get("pipeline")), p.get("accepted_values"), False, p.get("type", ""),
                frozenset(p.get("pipeline") or ()), set(p["pipeline_in"]) if "pipeline_in" in p else None)
        extra = {**commons, **(should_process if entry.get("should_process") else {})}
        for cname, aliases in extra.items():
            parameters.setdefault(cname, Parameter(cname, cname in ("Verbose", "Debug", "WhatIf", "Confirm"),
                                                   aliases, common=True))
        out[name.lower()] = Command(name, parameters, sets, entry.get("default_set"), True, entry["url"],
                                    entry.get("outputs", []), True)
    return out


def from_signature(name: str, signature: ps.Signature) -> Command:
    parameters = {}
    for p in signature.parameters:
        parameters[p.name] = Parameter(p.name, p.type.lower() in ("switch", "switchparameter"), p.aliases,
                                       None, {ALL} if p.mandatory else set(),
                                       {ALL: p.position} if p.position is not None else {}, False, None, False, p.type)
    if signature.cmdlet_binding:
        raw = _raw()
        extra = {**raw["common_parameters"], **(raw["should_process_parameters"] if signature.supports_should_process else {})}
        for cname, aliases in extra.items():
            parameters.setdefault(cname, Parameter(cname, cname in ("Verbose", "Debug", "WhatIf", "Confirm"),
                                                   aliases, common=True))
    return Command(name, parameters, [ALL], ALL, signature.cmdlet_binding)


class BindingError(Exception):
    pass


def match(command: Command, name: str) -> Parameter:
    """GetMatchingParameter: exact name or alias first, then the unique prefix match."""
    lowered = name.lower()
    matches: list[Parameter] = []
    for parameter in command.parameters.values():
        for candidate in [parameter.name, *parameter.aliases]:
            if candidate.lower() == lowered:
                return parameter
            if candidate.lower().startswith(lowered) and parameter not in matches:
                matches.append(parameter)
    if len(matches) > 1:
        declared = [m for m in matches if not m.common]
        if len(declared) == 1:
            return declared[0]
        raise BindingError(f"[ambiguous-parameter] {command.name} -{name}: the parameter name is ambiguous. "
                           f"Possible matches include: {' '.join('-' + m.name for m in matches)}")
    if not matches:
        raise BindingError(f"[unknown-parameter] {command.name} -{name}: a parameter cannot be found that matches "
                           f"parameter name '{name}'")
    return matches[0]


def _sets_of(command: Command, parameter: Parameter) -> set[str]:
    return set(command.sets) if parameter.sets is None else parameter.sets


def _literal_argument(element: ps.Element) -> str | None:
    """The value of a bare word or a quoted literal argument, else None."""
    if element.node is None:
        return None
    if element.node.type == "generic_token":
        return element.value
    value = ps.literal(element.node)
    return value if isinstance(value, str) else None


_BINDER_CHECKED = ("bool", "boolean", "int", "int32", "long", "int64", "uint32")


def _argument_problem(parameter: Parameter, element: ps.Element) -> str | None:
    """The binder's refusal of a literal argument for a Boolean or integer parameter (a bare word is a string, a bare
    number a number: about_Parsing, argument mode); variables and expressions are not judged."""
    if parameter.switch or parameter.type.lower() not in _BINDER_CHECKED or element.node is None:
        return None
    value = element.value if element.node.type == "generic_token" else ps.literal(element.node)
    if value is ps.UNKNOWN or (isinstance(value, str) and value.startswith("$")):
        return None
    return _conversion_problem(parameter.type, value)


def bind(command: Command, call: ps.CommandCall, splats: dict[str, set[str] | None]) -> list[str]:
    """Findings of one call of `command`."""
    findings: list[str] = []
    bound: dict[str, Parameter] = {}
    positional: list[ps.Element] = []
    complete = True  # False when a splatted hashtable's keys are unknown
    elements = call.elements
    index = 0
    while index < len(elements):
        element = elements[index]
        index += 1
        if element.kind == "splat":
            keys = splats.get(element.value.lower())
            if keys is None:
                complete = False
                continue
            names = sorted(keys)
        elif element.kind == "parameter":
            names = [element.value]
        else:
            positional.append(element)
            continue
        for name in names:
            try:
                parameter = match(command, name)
            except BindingError as error:
                if command.strict:
                    findings.append(str(error))
                else:
                    findings.append(f"[unknown-parameter] {command.name} -{name}: not a parameter of this function "
                                    "(it lands in $args, unbound)")
                if element.kind == "parameter" and (element.colon_argument or (
                        index < len(elements) and elements[index].kind == "argument")):
                    index += 1
                continue
            if parameter.name in bound:
                findings.append(f"[duplicate-parameter] {command.name}: parameter '{parameter.name}' is specified more "
                                "than once")
            bound[parameter.name] = parameter
            if element.kind != "parameter":
                continue
            takes_argument = element.colon_argument or not parameter.switch
            if not takes_argument:
                continue
            if index >= len(elements) or elements[index].kind != "argument":
                findings.append(f"[missing-argument] {command.name}: missing an argument for parameter '{parameter.name}'")
                continue
            argument = elements[index]
            index += 1
            value = _literal_argument(argument)
            if parameter.accepted_values and value is not None and \
                    value.lower() not in {v.lower() for v in parameter.accepted_values}:
                findings.append(f"[bad-value] {command.name} -{parameter.name} {value}: not one of "
                                f"{', '.join(parameter.accepted_values)} (ValidateSet)")
            problem = _argument_problem(parameter, argument)
            if problem:
                findings.append(f"[bad-argument] {command.name} -{parameter.name} [{parameter.type}]: {problem}")
    candidates = set(command.sets)
    for parameter in bound.values():
        if not parameter.common:
            candidates &= _sets_of(command, parameter)
    if not candidates:
        return findings + [f"[parameter-set] {command.name}: parameter set cannot be resolved using the specified named "
                           f"parameters ({', '.join('-' + p for p in bound)})"]
    fitting = {}
    for name in sorted(candidates):
        slots = sorted((p.positions[name], p.name) for p in command.parameters.values()
                       if name in p.positions and p.name not in bound)
        if len(positional) <= len(slots):
            fitting[name] = {command.parameters[n].name for _, n in slots[:len(positional)]}
    if positional and not fitting:
        return findings + [f"[positional] {command.name}: a positional parameter cannot be found that accepts "
                           f"argument '{positional[len(positional) - 1].value[:40]}'"]
    if call.piped and command.pipeline_known:
        return findings + _bind_pipeline(command, call, bound, fitting, complete)
    if not complete:
        return findings
    return findings + _resolve_parameter_set(command, call, bound, candidates, fitting)


AMBIGUOUS = ("Parameter set cannot be resolved using the specified named parameters. One or more parameters issued "
             "cannot be used together or an insufficient number of parameters were provided.")


def _unbound_mandatory(command: Command, set_name: str, names: set[str]) -> list[str]:
    return [p.name for p in command.parameters.values() if set_name in p.mandatory_in and p.name not in names]


def _resolve_parameter_set(command: Command, call: ps.CommandCall, bound: dict[str, Parameter], candidates: set[str],
                           fitting: dict[str, set[str]]) -> list[str]:
    """The parameter set the binder settles on, or its refusal, once named and positional arguments are bound
    (CmdletParameterBinderController.cs ValidateParameterSets, ResolveParameterSetAmbiguityBasedOnMandatoryParameters,
    VerifyParameterSetSelected, GetMissingMandatoryParameters):
    - one set left: it is used (even when it is not the default set);
    - several left and the default set among them (or no parameter narrowed the sets and a default is declared): the
      default set is used, and its unbound mandatory parameters prompt;
    - else, with pipeline input, a left set whose unbound parameter takes pipeline input defers the choice until the
      piped values bind (cmdlets of the table: _bind_pipeline; here only the scripts' own functions);
    - else the sets whose mandatory parameters are all bound: exactly one is used, none or several is
      "AmbiguousParameterSet" (no prompt).
    Positional binding may bind an argument to different parameters in different sets (the binder tries the default
    set first, then the others, by type): each possible assignment is tried and the call is refused only when every
    one of them is refused."""
    if call.piped:
        deferred = any(p.pipeline and p.name not in bound and (p.sets is None or p.sets & candidates)
                       for p in command.parameters.values())
        satisfied, missing_by_set = [], {}
        for name, by_position in fitting.items():
            names = set(bound) | by_position
            missing = [p.name for p in command.parameters.values()
                       if name in p.mandatory_in and p.name not in names and not p.pipeline]
            (missing_by_set.__setitem__(name, missing) if missing else satisfied.append(name))
        if not satisfied:
            chosen = command.default_set if command.default_set in missing_by_set else sorted(missing_by_set)[0]
            label = "" if chosen == ALL else f" (parameter set {chosen})"
            return [f"[missing-mandatory] {command.name}: missing mandatory parameter(s) "
                    f"{', '.join(missing_by_set[chosen])}{label}: PowerShell would prompt, which fails under WinRM"]
        if deferred:
            return []
    # one scenario per distinct positional assignment, the default set's first (the binder favours it)
    scenarios: list[set[str]] = []
    for name in sorted(fitting, key=lambda n: (n != command.default_set, n)):
        if fitting[name] not in scenarios:
            scenarios.append(fitting[name])
    # A documented set that no documented parameter names (Get-GPO's GetAll: its -All is documented in every set) is
    # selected by a parameter the documentation misplaces: while it is left, the binder's choice is not known, and a
    # call is accepted when a set left has all its mandatory parameters bound (the rule before sets were resolved).
    undeclared = set(command.sets) - {command.default_set} - {s for p in command.parameters.values() for s in p.sets or ()}
    outcomes = []
    for by_position in scenarios:
        names = set(bound) | by_position
        narrowing = [command.parameters[n] for n in names
                     if not command.parameters[n].common and command.parameters[n].sets is not None]
        remaining = set(candidates)
        for parameter in narrowing:
            remaining &= _sets_of(command, parameter)
        if len(remaining) == 1:
            chosen = next(iter(remaining))
        elif remaining & undeclared:
            complete_sets = sorted(s for s in remaining if not _unbound_mandatory(command, s, names))
            if complete_sets:
                return []
            chosen = command.default_set if command.default_set in remaining else sorted(remaining)[0]
        elif command.default_set and (command.default_set in remaining or not narrowing):
            chosen = command.default_set
        else:
            complete_sets = sorted(s for s in remaining if not _unbound_mandatory(command, s, names))
            if len(complete_sets) != 1:
                outcomes.append(f"[ambiguous-parameter-set] {command.name}: {AMBIGUOUS} (sets left: "
                                f"{', '.join(sorted(remaining))}; default set: {command.default_set or 'none'}; "
                                f"mandatory parameters all bound in: {', '.join(complete_sets) or 'none'})")
                continue
            chosen = complete_sets[0]
        missing = [] if call.piped else _unbound_mandatory(command, chosen, names)
        if not missing:
            return []
        label = "" if chosen == ALL else f" (parameter set {chosen})"
        outcomes.append(f"[missing-mandatory] {command.name}: missing mandatory parameter(s) {', '.join(missing)}"
                        f"{label}: PowerShell would prompt, which fails under WinRM")
    return outcomes[:1]


# ---- pipeline input -------------------------------------------------------------------------------------
# CmdletParameterBinderController.cs: BindCommandLineParameters (with pipeline input expected, the sets left that
# no unbound parameter takes pipeline input in are dropped: FilterParameterSetsTakingNoPipelineInput), then for each
# piped object BindPipelineParametersPrivate / BindUnboundParametersForBindingState: four states in order (ByValue
# without coercion, ByPropertyName without, ByValue with coercion, ByPropertyName with), the default set tried first
# in each; a parameter bound narrows the sets (ValidateParameterSets); nothing bound fails the object
# (ParameterBinderStrings InputObjectNotBound); then the set is resolved and its mandatory parameters checked as for
# a call without pipeline input.
NOT_BOUND = ("the input object cannot be bound to any parameters for the command either because the command does "
             "not take pipeline input or the input and its properties do not match any of the parameters that take "
             "pipeline input")
STATES = ("ByValue", "ByPropertyName", "ByValue+coercion", "ByPropertyName+coercion")
# Public properties of the types a literal sends (.NET API: System.String has Length, its Chars is an indexer;
# System.Int32 has none): what ByPropertyName can find on them.
_PROPERTIES = {"string": {"length"}, "int32": set()}
_ANY = {"object", "psobject"}
# .NET types no module's class derives from or converts to (value types, sealed classes, without a constructor or
# cast taking such an object): an object of a module's class does not bind to them ByValue.
_SEALED = {"guid", "boolean", "int32", "uint32", "int64", "uint64", "double", "datetime", "timespan", "switchparameter",
           "scriptblock", "securestring", "pscredential", "uri", "ipaddress", "char", "byte"}


def _short(type_name: str) -> str:
    """`Microsoft.Management.Infrastructure.CimInstance#root/…/MSFT_SmbShare[]` -> `ciminstance` (an array's elements
    are what the pipeline carries)."""
    name = re.sub(r"\[\]$", "", type_name.split("#", 1)[0].strip())
    return name.rsplit(".", 1)[-1].lower()


def upstream_type(call: ps.CommandCall) -> str | None:
    """The .NET type of what a piped call receives, when knowable: a literal's type, or the one output type the
    documentation of the previous command gives (None and Null aside); None when several, generic or not known."""
    if call.upstream is None:
        return None
    kind, value = call.upstream
    if kind == "type":
        return value
    command = table().get(value.lower())
    outputs = [o for o in (command.outputs if command else []) if o.lower() not in ("none", "null")]
    if len(outputs) != 1 or re.search(r"[\s<`]", outputs[0]) or _short(outputs[0]) in _ANY | {"pscustomobject"}:
        return None
    return outputs[0]


def _binding_states(parameter: Parameter, type_name: str | None) -> tuple[set[str], bool]:
    """The binding states in which an object of `type_name` binds to `parameter`, and whether it may bind otherwise
    (not known: a conversion by parsing a string or number, a property of a type whose properties are not known).
    ByValue: same type, or [object]/[psobject], binds without coercion; any object converts to [string] (coercion);
    an object of a module's class converts to none of the sealed and value types of _SEALED; to other
    types it may (a base class, a conversion operator): not known. ByPropertyName: a property named as the parameter
    or one of its aliases."""
    if type_name is None:
        return set(), True
    states, unknown = set(), False
    wanted, given = _short(parameter.type), _short(type_name)
    if "ByValue" in parameter.pipeline_kinds:
        if wanted in _ANY or wanted == given:
            states.add("ByValue")
        elif wanted == "string":
            states.add("ByValue+coercion")
        elif given in _PROPERTIES or wanted not in _SEALED:
            unknown = True  # a literal may parse into it; a module's object may derive from it (ADComputer: ADObject)
    if "ByPropertyName" in parameter.pipeline_kinds:
        properties = _PROPERTIES.get(given)
        if properties is None:
            unknown = True
        elif {parameter.name.lower(), *(a.lower() for a in parameter.aliases)} & properties:
            states.add("ByPropertyName")
    return states, unknown


def _bind_pipeline(command: Command, call: ps.CommandCall, bound: dict[str, Parameter], fitting: dict[str, set[str]],
                   complete: bool) -> list[str]:
    type_name = upstream_type(call)
    ways: dict[str, dict[str, tuple[set[str], bool]]] = {}
    for set_name, by_position in fitting.items():
        names = set(bound) | by_position
        ways[set_name] = {p.name: _binding_states(p, type_name) for p in command.parameters.values()
                          if p.pipeline_kinds and not p.common and p.name not in names
                          and set_name in _sets_of(command, p) and (p.pipeline_in is None or set_name in p.pipeline_in)}
    taking = sorted(s for s, w in ways.items() if w)
    if not taking:
        return [f"[pipeline-input] {command.name}: {NOT_BOUND} (no parameter set left by the named and positional "
                f"arguments ({', '.join(sorted(fitting))}) has an unbound parameter that takes pipeline input)"]
    possible = [s for s in taking if any(states or unknown for states, unknown in ways[s].values())]
    if not possible:
        return [f"[pipeline-input] {command.name}: {NOT_BOUND} (input {type_name}; parameters that take pipeline "
                f"input in the sets left: {', '.join(sorted({n for s in taking for n in ways[s]}))})"]
    if not complete:
        return []
    if any(unknown for s in taking for _, unknown in ways[s].values()):
        # which parameter a piped object binds is not known: each set left is judged with the parameters that may
        # bind from the pipeline counted as bound (the binder does not prompt for them)
        missing_by_set = {}
        for name in possible:
            names = set(bound) | fitting[name] | {n for n, (states, unknown) in ways[name].items() if states or unknown}
            missing_by_set[name] = [p.name for p in command.parameters.values()
                                    if name in p.mandatory_in and p.name not in names]
        if all(missing_by_set.values()):
            chosen = command.default_set if command.default_set in missing_by_set else sorted(missing_by_set)[0]
            label = "" if chosen == ALL else f" (parameter set {chosen})"
            return [f"[missing-mandatory] {command.name}: missing mandatory parameter(s) "
                    f"{', '.join(missing_by_set[chosen])}{label}: PowerShell would prompt, which fails under WinRM"]
        return []
    valid = set(taking) if len(fitting) > 1 else set(fitting)
    piped: dict[str, Parameter] = {}
    for state in STATES:
        # the default set first; when nothing binds in it, the other valid sets (BindUnboundParametersForBindingState)
        scopes = ([{command.default_set}, valid - {command.default_set}] if command.default_set in valid else [valid])
        for within in scopes:
            newly = {n for s in within for n, (states, _) in ways[s].items() if state in states and n not in piped}
            if not newly:
                continue
            for name in newly:
                piped[name] = command.parameters[name]
            for name in newly:
                valid = valid & _sets_of(command, command.parameters[name])
            break
    if not piped:
        return [f"[pipeline-input] {command.name}: {NOT_BOUND} (input {type_name})"]
    if not valid:
        return [f"[parameter-set] {command.name}: parameter set cannot be resolved after binding the piped {type_name} "
                f"to {', '.join('-' + n for n in sorted(piped))}"]
    return _resolve_parameter_set(command, replace(call, piped=False), {**bound, **piped}, valid,
                                  {s: fitting[s] for s in valid})


# ---- a script's own parameters, as win_powershell passes them --------------------------------------------
def _conversion_problem(type_name: str, value: Any) -> str | None:
    """The PowerShell parameter binder's refusal of `value` for a parameter of type `type_name`, if any."""
    kind = type_name.lower()
    if isinstance(value, Unrendered) or value is None or not kind:
        return None
    if kind in ("bool", "boolean", "switch"):
        if isinstance(value, bool | int | float):
            return None
        return f"{value!r}: Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0"
    if kind in ("int", "int32", "long", "int64", "uint32"):
        if isinstance(value, bool | list | dict):
            return f"{value!r} cannot be converted to {type_name}"
        if isinstance(value, str) and not re.fullmatch(r"\s*[+-]?\d+\s*", value):
            return f"{value!r} cannot be converted to {type_name}"
        return None
    if kind == "securestring":
        return "a plain string cannot be converted to SecureString (pass it in sensitive_parameters)"
    if kind == "string" and isinstance(value, list | dict):
        return f"a {type(value).__name__} is joined into one string"
    return None


def _empty_mandatory(parameter: ps.ScriptParameter | None, value: Any) -> str | None:
    """A Mandatory parameter refuses null, an empty string and an empty collection unless it carries AllowNull,
    AllowEmptyString or AllowEmptyCollection (about_Functions_Advanced_Parameters; the binder's
    ParameterArgumentValidationError*NotAllowed)."""
    if parameter is None or not parameter.mandatory or isinstance(value, Unrendered):
        return None
    if value is None and "allownull" not in parameter.allows:
        return f"Cannot bind argument to parameter '{parameter.name}' because it is null"
    if value == "" and "allowemptystring" not in parameter.allows:
        return f"Cannot bind argument to parameter '{parameter.name}' because it is an empty string"
    if isinstance(value, list | dict) and not value and "allowemptycollection" not in parameter.allows:
        return f"Cannot bind argument to parameter '{parameter.name}' because it is an empty collection"
    return None


def bind_script_parameters(name: str, signature: ps.Signature, parameters: dict | Unrendered | None,
                           sensitive: list[str]) -> list[str]:
    """Findings of win_powershell's `parameters` (+ sensitive_parameters) against a script's param()."""
    if isinstance(parameters, Unrendered):
        return []
    command = from_signature(name, signature)
    declared = {p.name: p for p in signature.parameters}
    findings, bound = [], set()
    given = dict(parameters or {})
    for key in sensitive:
        given[key] = None  # a SecureString built by win_powershell
    for key, value in given.items():
        try:
            parameter = match(command, key)
        except BindingError as error:
            findings.append(str(error) if command.strict else
                            f"[unknown-parameter] {name} -{key}: the script has no such parameter and no "
                            "[CmdletBinding()]: the value lands in $args, unbound")
            continue
        bound.add(parameter.name)
        problem = None if key in sensitive else (_empty_mandatory(declared.get(parameter.name), value)
                                                  or _conversion_problem(parameter.type, value))
        if problem:
            findings.append(f"[bad-argument] {name} -{parameter.name} [{parameter.type}]: {problem}")
    missing = [p.name for p in command.parameters.values() if ALL in p.mandatory_in and p.name not in bound]
    if missing:
        findings.append(f"[missing-mandatory] {name}: missing mandatory parameter(s) {', '.join(missing)}")
    return findings


# ---- every call of a script ------------------------------------------------------------------------------
_ADDED_KEY = re.compile(r"""^\$(\w+)(?:\[\s*(?:'([^']*)'|"([^"$]*)"|(.*))\s*\]|\.(\w+))$""", re.S)
_ADD_CALL = re.compile(r"""^\$(\w+)\.add\(\s*(?:'([^']*)'|"([^"$]*)"|([^,]*))\s*,""", re.I | re.S)


def _add_key(out: dict[str, set[str] | None], name: str, key: str | None) -> None:
    """A key added to a hashtable after its literal (`$p['K'] = v`, `$p.K = v`, `$p.Add('K', v)`): known when literal,
    else the hashtable's keys are no longer known."""
    if name in out and out[name] is not None:
        out[name] = None if key is None else out[name] | {key}


def splatted_keys(tree) -> dict[str, set[str] | None]:
    """Keys of the hashtables assigned to each variable (by lower-case name), with the keys added to them later;
    None when one is not literal."""
    out: dict[str, set[str] | None] = {}
    for node in ps.walk(tree.root_node):
        if node.type == "invokation_expression":
            added = _ADD_CALL.match(ps.text(node).strip())
            if added:
                _add_key(out, added.group(1).lower(), None if added.group(4) is not None else added.group(2) or added.group(3))
        if node.type == "assignment_expression":
            left = ps.text(node.children[0]).strip().lower()
            added = _ADDED_KEY.match(ps.text(node.children[0]).strip())
            if added:
                literal_key = added.group(2) if added.group(2) is not None else added.group(3)
                _add_key(out, added.group(1).lower(), literal_key if literal_key is not None else added.group(5))
                continue
            if left.startswith("$"):
                value = ps.literal(node.children[-1])
                name = left[1:]
                keys = set(value) if isinstance(value, dict) else None
                out[name] = None if keys is None or out.get(name, set()) is None else (out.get(name) or set()) | keys
        if node.type == "script_parameter":
            variable = next(c for c in node.named_children if c.type == "variable")
            default = next((c for c in node.named_children if c.type == "script_parameter_default"), None)
            value = ps.literal(default.named_children[-1]) if default is not None else None
            name = ps.text(variable)[1:].lower()
            if isinstance(value, dict):
                out[name] = (out.get(name) or set()) | set(value) if out.get(name, set()) is not None else None
    return out


NATIVE = re.compile(r"\.(exe|com|cmd|bat)$", re.I)


@functools.cache
def check_script(source: str) -> list[str]:
    """Findings of every command call in a script."""
    tree = ps.parse(ps.syntax_errors_and_source(source)[2])
    defined = ps.functions(tree)
    splats = splatted_keys(tree)
    findings = []
    for call in ps.commands(tree):
        name = call.name.lower()
        if name in defined:
            command = from_signature(call.name, defined[name])
        elif name in table():
            command = table()[name]
        elif NATIVE.search(name):
            continue
        else:
            findings.append(f"[unknown-command] line {call.line}: {call.name} is not in data/cmdlets.yml "
                            "(add it with build_cmdlet_table.py)")
            continue
        findings += [re.sub(r"^(\[[a-z-]+\]) ", rf"\1 line {call.line}: ", f) for f in bind(command, call, splats)]
    return findings
