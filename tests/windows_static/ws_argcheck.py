"""A module call's rendered options checked the way the target host checks them.

Ansible.Basic modules follow ansible-core lib/ansible/module_utils/csharp/Ansible.Basic.cs:
GetAliases, CheckUnsupportedArguments (option names compared case-insensitively), CheckMutuallyExclusive,
CheckRequiredArguments, the type converters ParseBool/ParseDict/ParseFloat/ParseInt/ParseJson/ParseList/
ParsePath/ParseStr, choices compared with StringComparer.OrdinalIgnoreCase, then CheckRequiredTogether,
CheckRequiredOneOf, CheckRequiredIf, CheckRequiredBy and CheckSubOption for dict and list-of-dict options.
Legacy modules follow Get-AnsibleParam in Ansible.ModuleUtils.Legacy.psm1: -ValidateSet with
PowerShell's case-insensitive -contains, -failifempty, conversions that never fail (ConvertTo-Bool,
`-as [int]`) and no check of unknown options (they are silently ignored).
Every option must also be documented: an undocumented option is an error even where the code
tolerates it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ws_specs import ModuleSpec, Option


class Unrendered:
    """An option value that cannot be rendered here (a vault secret, a registered result, a fact)."""

    def __init__(self, why: str):
        self.why = why

    def __repr__(self) -> str:
        return f"<unrendered: {self.why}>"


@dataclass(frozen=True)
class Finding:
    rule: str  # unsupported-option, undocumented-option, bad-type, bad-choice, missing-required, …
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


class ConversionError(ValueError):
    pass


BOOLEANS_TRUE = {"y", "yes", "on", "1", "true", "t", "1.0"}  # Ansible.Basic.cs BOOLEANS_TRUE
BOOLEANS_FALSE = {"n", "no", "off", "0", "false", "f", "0.0"}
INT32 = (-2**31, 2**31 - 1)
# .NET Framework Path.GetInvalidPathChars(): '"', '<', '>', '|' and the control characters 0-31.
INVALID_PATH_CHARS = set('"<>|') | {chr(i) for i in range(32)}


def dotnet_str(value: Any) -> str:
    """Object.ToString() of what the module receives from the controller's JSON."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, list):
        return "System.Collections.ArrayList"
    if isinstance(value, dict):
        return "System.Collections.Hashtable"
    return "" if value is None else str(value)


def _type_name(value: Any) -> str:
    return {bool: "System.Boolean", int: "System.Int32", float: "System.Double", str: "System.String",
            list: "System.Collections.ArrayList", dict: "System.Collections.Hashtable"}.get(type(value), type(value).__name__)


def convert_basic(kind: str | None, value: Any) -> Any:
    """The Ansible.Basic type converter of `kind` applied to `value`; ConversionError when it throws."""
    if kind is None or kind == "raw" or isinstance(value, Unrendered):
        return value
    if kind == "str":
        if isinstance(value, list | dict):  # ParseStr never throws, but the module gets the .NET type name
            raise ConversionError(f"a {_type_name(value)} becomes the string {dotnet_str(value)!r} (ParseStr)")
        return dotnet_str(value)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = dotnet_str(value).lower().strip()
        if text in BOOLEANS_TRUE:
            return True
        if text in BOOLEANS_FALSE:
            return False
        raise ConversionError(f"The value '{text}' is not a valid boolean (ParseBool)")
    if kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            if not INT32[0] <= value <= INT32[1]:
                raise ConversionError(f"{value} is outside Int32 (ParseInt)")
            return value
        text = dotnet_str(value)
        if isinstance(value, list | dict) or not re.fullmatch(r"\s*[+-]?\d+\s*", text):
            raise ConversionError(f"Int32.Parse cannot read {text!r} (ParseInt)")
        number = int(text)
        if not INT32[0] <= number <= INT32[1]:
            raise ConversionError(f"{number} is outside Int32 (ParseInt)")
        return number
    if kind == "float":
        if isinstance(value, bool | list | dict):
            raise ConversionError(f"float.Parse cannot read {dotnet_str(value)!r} (ParseFloat)")
        try:
            return float(value)
        except ValueError as error:
            raise ConversionError(f"float.Parse cannot read {value!r} (ParseFloat)") from error
    if kind == "list":
        if isinstance(value, list):
            return value
        if isinstance(value, str):
            return [part.strip() for part in value.split(",")]
        if isinstance(value, int) and not isinstance(value, bool):
            return [value]
        raise ConversionError(f"{_type_name(value)} cannot be converted to a list (ParseList)")
    if kind == "dict":
        if isinstance(value, dict):
            return value
        if isinstance(value, str) and (value.startswith("{") and value.endswith("}") or "=" in value):
            return value  # JSON or key=value: parsed on the host
        raise ConversionError(f"{_type_name(value)} cannot be converted to a dict (ParseDict)")
    if kind == "json":
        if isinstance(value, dict | str):
            return value
        raise ConversionError(f"{_type_name(value)} cannot be converted to json (ParseJson)")
    if kind == "path":
        text = dotnet_str(value)
        if text.startswith("\\\\?\\"):
            return text
        if set(text) & INVALID_PATH_CHARS:
            raise ConversionError("string value contains invalid path characters (ParsePath)")
        # .NET Framework Path.GetFullPath: a ':' other than the drive letter's is "not supported".
        if ":" in text[2:] or (":" in text[:2] and not re.match(r"^[A-Za-z]:", text)):
            raise ConversionError(f"The given path's format is not supported: {text!r} (ParsePath, GetFullPath)")
        return text
    if kind == "sid":
        return value  # resolved against the host's accounts: not knowable here
    raise ConversionError(f"unknown type {kind}")


def convert_legacy(kind: str | None, value: Any) -> Any:
    """Get-AnsibleParam's conversion. Most never fail: a value they would silently change is reported."""
    if kind is None or isinstance(value, Unrendered):
        return value
    if kind == "str":
        if isinstance(value, list | dict):
            raise ConversionError(f"a {_type_name(value)} becomes {dotnet_str(value)!r} ($value.ToString())")
        return dotnet_str(value)
    if kind == "bool":
        # ConvertTo-Bool: true for $true and "yes", "on", "1", "true"; anything else silently $false.
        if isinstance(value, bool):
            return value
        text = dotnet_str(value).lower()
        if text in ("yes", "on", "1", "true"):
            return True
        if text in ("no", "off", "0", "false"):
            return False
        raise ConversionError(f"{value!r} is silently read as $false (ConvertTo-Bool)")
    if kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
            return int(value)
        raise ConversionError(f"{value!r} -as [int] is $null: the option is silently unset")
    if kind == "list":
        if isinstance(value, list):
            return value
        if isinstance(value, str):
            return [part.strip() for part in value.split(",")]
        if isinstance(value, int) and not isinstance(value, bool):
            return [value]
        raise ConversionError(f"Parameter is not a YAML list (Get-AnsibleParam -type list, got {_type_name(value)})")
    if kind == "path":
        return convert_basic("path", value)
    return value


# ---- one call ---------------------------------------------------------------------------------------------
def _legal(options: dict[str, Option]) -> dict[str, str]:
    """lower-case name or alias -> option name."""
    out = {}
    for name, option in options.items():
        out[name.lower()] = name
        for alias in option.aliases:
            out[alias.lower()] = name
    return out


def _choices_ok(values: list, choices: list, legacy: bool) -> list[str]:
    allowed = {dotnet_str(c).lower() for c in choices}
    return [dotnet_str(v) for v in values if not isinstance(v, Unrendered) and dotnet_str(v).lower() not in allowed]


def _entry_findings(where: str, entries: Any, rule: dict) -> list[Finding]:
    """A Legacy list of dicts checked by the module's code: its type key, each type's mandatory keys, word lists."""
    if not isinstance(entries, list):
        return []
    findings, key = [], rule["type_key"]
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        kind = entry.get(key)
        if isinstance(kind, Unrendered):
            continue
        if kind is None or str(kind) not in rule["mandatory"]:
            findings.append(Finding("bad-entry", f"{where}[{index}]: '{key}' must be one of "
                                    f"{', '.join(rule['mandatory'])} (was {kind!r})"))
            continue
        absent = [k for k in rule["mandatory"][str(kind)] if k not in entry]
        if absent:
            findings.append(Finding("bad-entry", f"{where}[{index}]: mandatory key(s) {', '.join(absent)} for a "
                                    f"{kind} entry not set"))
        for word_key, words in (rule.get("words") or {}).items():
            value = entry.get(word_key)
            if value is None or isinstance(value, Unrendered):
                continue
            values = [v.strip() for v in value.split(",")] if isinstance(value, str) else value if isinstance(value, list) else [value]
            bad = [v for v in values if str(v).lower() not in words]
            if bad:
                findings.append(Finding("bad-entry", f"{where}[{index}].{word_key}: {', '.join(map(str, bad))} not one of "
                                        f"{', '.join(words)}"))
    return findings


def check_options(options: dict[str, Option], constraints: dict, args: dict, context: str, engine: str,
                  documented: dict[str, Option] | None) -> list[Finding]:
    """Findings of `args` against `options`; `context` names the parent option of sub-options."""
    legacy = engine == "Legacy"
    where = f"{context}." if context else ""  # prefix of an option name
    scope = f"{context}: " if context else ""  # prefix of a constraint message
    findings: list[Finding] = []
    legal = _legal(options)
    documented_names = _legal(documented) if documented is not None else None
    params: dict[str, Any] = {}
    for key, value in args.items():
        canonical = legal.get(key.lower())
        if canonical is None:
            if legacy:
                findings.append(Finding("unsupported-option", f"{where}{key}: not an option of the module; its Legacy "
                                        "Parse-Args ignores it silently (no effect)"))
            else:
                findings.append(Finding("unsupported-option", f"{where}{key}: Unsupported parameters (the module fails). "
                                        f"Supported: {', '.join(sorted(options))}"))
            continue
        if documented_names is not None and key.lower() not in documented_names:
            findings.append(Finding("undocumented-option", f"{where}{key}: accepted by the code but not documented"))
        params[canonical] = value
    for group in constraints.get("mutually_exclusive", []) or []:
        present = [name for name in group if name in params]
        if len(present) > 1:
            findings.append(Finding("mutually-exclusive", f"{scope}parameters are mutually exclusive: {', '.join(group)}"))
    missing = [name for name, option in options.items() if option.required and name not in params]
    if missing:
        findings.append(Finding("missing-required", f"{scope}missing required arguments: {', '.join(missing)}"))
    converted: dict[str, Any] = {}
    for name, value in params.items():
        option = options[name]
        if value is None and legacy and option.choices:  # Get-AnsibleParam: $ValidateSet -contains $null is false
            findings.append(Finding("bad-choice", f"{where}{name}: needs to be one of {', '.join(map(str, option.choices))}"
                                    " but was null (an explicit null fails Get-AnsibleParam's ValidateSet)"))
        if value is None or isinstance(value, Unrendered):
            converted[name] = value
            continue
        if legacy and option.choices and option.type != "list" and dotnet_str(value).lower() not in {dotnet_str(c).lower() for c in option.choices}:
            findings.append(Finding("bad-choice", f"{where}{name}: needs to be one of {', '.join(map(str, option.choices))}"
                                    f" but was {dotnet_str(value)}"))
        try:
            value = (convert_legacy if legacy else convert_basic)(option.type, value)
        except ConversionError as error:
            findings.append(Finding("bad-type", f"{where}{name}: expected {option.type}: {error}"))
            converted[name] = Unrendered("bad type")
            continue
        if option.type == "list" and option.elements and option.elements != "dict":
            elements = []
            for element in value:
                try:
                    elements.append(convert_basic(option.elements, element))
                except ConversionError as error:
                    findings.append(Finding("bad-type", f"{where}{name}: list entry of type {option.elements}: {error}"))
            value = elements
        if option.choices and (not legacy or option.type == "list"):
            values = value if option.type == "list" else [value]
            bad = _choices_ok(values, option.choices, legacy)
            if bad:
                findings.append(Finding("bad-choice", f"{where}{name}: value must be one of "
                                        f"{', '.join(map(str, option.choices))}. Got no match for: {', '.join(bad)}"))
        converted[name] = value
    for name, rule in (constraints.get("elements") or {}).items():
        value = converted.get(name)
        if not isinstance(value, list):
            continue
        low, high = rule.get("integers", [None, None])
        for element in value:
            if isinstance(element, Unrendered):
                continue
            word = isinstance(element, str) and element.lower() in {w.lower() for w in rule.get("words", [])}
            number = isinstance(element, int) and not isinstance(element, bool) and low is not None and low <= element <= high
            if not (word or number):
                findings.append(Finding("bad-element", f"{where}{name}: {element!r} is refused by the module (each entry: "
                                        f"{' or '.join(map(repr, rule.get('words', [])))} or an integer {low}-{high})"))
    for name, rule in (constraints.get("entries") or {}).items():
        findings += _entry_findings(f"{where}{name}", converted.get(name), rule)
    # Ansible.Basic.cs CheckArguments: CheckRequiredArguments sets the defaults before required_together, _one_of,
    # _if and _by are checked, so an option with a default counts as given; Legacy code sees only what was given.
    given = set(params) | (set() if legacy else {n for n, o in options.items() if o.default is not None})
    for group in constraints.get("required_together", []) or []:
        present = [name in given for name in group]
        if any(present) and not all(present):
            findings.append(Finding("required-together", f"{scope}parameters are required together: {', '.join(group)}"))
    for group in constraints.get("required_one_of", []) or []:
        if not any(name in given for name in group):
            findings.append(Finding("required-one-of", f"{scope}one of the following is required: {', '.join(group)}"))
    for rule in constraints.get("required_if", []) or []:
        key, wanted, requirements = rule[0], rule[1], rule[2]
        any_of = len(rule) > 3 and rule[3] is True
        current = converted.get(key, options[key].default if key in options else None)
        if current is None or isinstance(current, Unrendered) or dotnet_str(current) != dotnet_str(wanted):
            continue
        absent = [name for name in requirements if name not in given]
        if len(absent) >= (len(requirements) if any_of else 1):
            findings.append(Finding("required-if", f"{scope}{key} is {dotnet_str(wanted)} but "
                                    f"{'any' if any_of else 'all'} of the following are missing: {', '.join(absent)}"))
    for key, requires in (constraints.get("required_by") or {}).items():
        if key in given:
            absent = [name for name in ([requires] if isinstance(requires, str) else requires) if name not in given]
            if absent:
                findings.append(Finding("required-by", f"{scope}missing parameter(s) required by '{key}': {', '.join(absent)}"))
    for name, option in options.items():
        value = converted.get(name)
        if option.options is None or value is None or isinstance(value, Unrendered):
            continue
        sub_documented = documented[name].options if documented and name in documented else None
        if option.type == "dict":
            findings += check_options(option.options, option.constraints, value, f"{where}{name}", engine, sub_documented)
        elif option.type == "list" and option.elements == "dict":
            for index, element in enumerate(value):
                if isinstance(element, Unrendered):
                    continue
                if not isinstance(element, dict):
                    findings.append(Finding("bad-type", f"{where}{name}[{index}]: expected a dict (ParseDict)"))
                    continue
                findings += check_options(option.options, option.constraints, element, f"{where}{name}[{index}]",
                                          engine, sub_documented)
    return findings


def check_call(spec: ModuleSpec, args: dict) -> list[Finding]:
    """Findings of one call (rendered args) of the module `spec`."""
    if spec.engine == "action":
        options = spec.options
        findings = []
        for key in args:
            if key in options:
                continue
            if spec.valid_args:  # ActionBase.validate_argument_spec/_VALID_ARGS: the task fails
                findings.append(Finding("unsupported-option", f"{key}: Invalid options for {spec.fqcn} (the action "
                                        f"fails). Valid: {', '.join(sorted(spec.valid_args))}"))
            else:
                findings.append(Finding("unsupported-option", f"{key}: not documented for {spec.fqcn} and not read "
                                        f"by its action plugin (no effect). Documented: {', '.join(sorted(options))}"))
        known = {k: v for k, v in args.items() if k in options}
        return findings + check_options(options, {}, known, "", "Ansible.Basic", None)
    # An action plugin in front of the module (win_copy, win_powershell) consumes the options it documents.
    options = dict(spec.options)
    for name, option in spec.documented.items():
        options.setdefault(name, option)
    if spec.open_options:  # win_dsc: the DSC resource's properties are not known here
        args = {k: v for k, v in args.items() if k.lower() in _legal(options)}
    return check_options(options, spec.constraints, args, "", spec.engine, spec.documented)
