"""PVE's parameter checker: check_prop, check_object, check_format, parse_property_string.

Follows pve-common src/PVE/JSONSchema.pm (8.3.1 = 85d46b4 for PVE 8.4, 9.1.1 = af48684 for
PVE 9.1; these functions are the same in both): the order of the checks (type, format, pattern,
maxLength, minLength, maximum, minimum, enum), their messages, and the ``errors`` mapping that
``validate`` raises as HTTP 400 "Parameter verification failed.".
Values arrive as strings (form data) or as JSON scalars; arrays only for ``type: array``.
"""

from __future__ import annotations

import re

from .formats import INLINE, REGISTRY, FormatError, split_list

# JSONSchema.pm is_number / is_integer
_NUMBER = re.compile(r"^[+-]?(\d+\.\d+|\d+\.|\.\d+|\d+)([eE][+-]?\d+)?$")
_INTEGER = re.compile(r"^[+-]?\d+$")


def add_error(errors: dict, path: str | None, msg: str):
    """JSONSchema.pm add_error: several messages for one path are joined with a literal '\\n'."""
    path = path or "_root"
    errors[path] = f"{errors[path]}\\n{msg}" if path in errors else msg


def _text(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def check_type(path, kind, value, errors) -> bool:
    """JSONSchema.pm check_type for the scalar types the API uses."""
    if not kind or kind == "any":
        return True
    if kind == "array":
        if not isinstance(value, list):
            add_error(errors, path, "type check ('array') failed")
            return False
        return True
    if kind == "object":
        if not isinstance(value, dict):
            add_error(errors, path, "type check ('object') failed")
            return False
        return True
    if isinstance(value, (list, dict)):
        add_error(errors, path, f"type check ('{kind}') failed - got {'ARRAY' if isinstance(value, list) else 'HASH'}")
        return False
    if kind == "boolean":
        # only '1' and '0' (or a JSON boolean): 'true' or 'yes' are refused by the API
        if isinstance(value, bool) or _text(value) in ("1", "0"):
            return True
        add_error(errors, path, f"type check ('boolean') failed - got '{_text(value)}'")
        return False
    if kind == "integer" and not _INTEGER.match(_text(value)):
        add_error(errors, path, f"type check ('integer') failed - got '{_text(value)}'")
        return False
    if kind == "number" and not _NUMBER.match(_text(value)):
        add_error(errors, path, f"type check ('number') failed - got '{_text(value)}'")
        return False
    return True


def check_prop(value, schema: dict, path: str, errors: dict, instance_type=None):
    """JSONSchema.pm check_prop (no oneOf: the PVE API schemas use instance-types instead)."""
    if instance_type and "instance-types" not in schema:
        add_error(errors, path, "missing 'instance-types'")
        return
    # Note: upstream tests `$schema->{'instance_types'}` (sic) here, so a property of another
    # instance type is never treated as optional nor refused by the schema: the section
    # config's check_config refuses it later ("unexpected property").
    if value is None:
        if not schema.get("optional") and "alias" not in schema and "group" not in schema:
            add_error(errors, path, "property is missing and it is not optional")
        return
    if not check_type(path, schema.get("type"), value, errors):
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(schema.get("items"), dict):
                check_prop(item, schema["items"], f"{path}[{i}]", errors)
        return
    if isinstance(value, dict):
        return
    text = _text(value)
    fmt = schema.get("format")
    if fmt:
        try:
            check_format(fmt, text, path)
        except FormatError as exc:
            add_error(errors, path, f"invalid format - {exc}")
            return
    pattern = schema.get("pattern")
    if pattern and not re.fullmatch(f"(?:{pattern})", text):
        add_error(errors, path, "value does not match the regex pattern")
        return
    if "maxLength" in schema and len(text) > int(schema["maxLength"]):
        add_error(errors, path, f"value may only be {schema['maxLength']} characters long")
        return
    if "minLength" in schema and len(text) < int(schema["minLength"]):
        add_error(errors, path, f"value must be at least {schema['minLength']} characters long")
        return
    if _NUMBER.match(text):
        if "maximum" in schema and float(text) > float(schema["maximum"]):
            add_error(errors, path, f"value must have a maximum value of {schema['maximum']}")
            return
        if "minimum" in schema and float(text) < float(schema["minimum"]):
            add_error(errors, path, f"value must have a minimum value of {schema['minimum']}")
            return
    enum = schema.get("enum")
    if enum and text not in [str(e) for e in enum]:
        add_error(errors, path, f"value '{text}' does not have a value in the enumeration '{', '.join(map(str, enum))}'")


def check_object(path: str, schema: dict, value: dict, additional_properties, errors: dict):
    """JSONSchema.pm check_object: every schema key, then `requires` and unknown keys."""
    for key, sub in schema.items():
        if not isinstance(sub, dict):
            continue
        prop = sub.get("type-property")
        check_prop(value.get(key), sub, f"{path}.{key}" if path else key, errors,
                   value.get(prop) if prop else None)
    for key in value:
        newpath = f"{path}.{key}" if path else key
        sub = schema.get(key)
        if isinstance(sub, dict):
            requires = sub.get("requires")
            if isinstance(requires, str) and value.get(requires) is None:
                add_error(errors, f"{path}.{requires}" if path else requires, f"missing property required by '{newpath}'")
            continue
        if not additional_properties:
            add_error(errors, newpath, "property is not defined in schema and the schema does not allow additional properties")


def check_format(fmt, value: str, path: str = ""):
    """JSONSchema.pm check_format: a property-string hash, or a registered name (+ -list / -opt)."""
    if isinstance(fmt, dict):
        return parse_property_string(fmt, value, path)
    if fmt == "regex":
        return None
    m = re.fullmatch(r"(.*?)(?:-(list|opt))?", fmt)
    name, kind = m.group(1), m.group(2) or "none"
    registered = REGISTRY.get(name)
    if registered is None:
        raise FormatError(f"undefined format '{fmt}'\n")
    if kind != "none" and not callable(registered.check):
        raise FormatError(f"'-{kind}' format must have code ref, not hash\n")
    if kind == "list":
        return [registered.check(v) for v in split_list(value)]
    if kind == "opt":
        return registered.check(value) if value else None
    if isinstance(registered.check, dict):
        return parse_property_string(name, value, path)
    return registered.check(value)


def parse_boolean(text: str):
    """JSONSchema.pm parse_boolean."""
    if re.fullmatch(r"(?i:1|on|yes|true)", text):
        return 1
    if re.fullmatch(r"(?i:0|off|no|false)", text):
        return 0
    return None


def parse_property_string(fmt, data: str, path: str = "") -> dict:
    """JSONSchema.pm parse_property_string: ``key=value,...`` checked against its format hash."""
    validator = None
    if isinstance(fmt, str):
        registered = REGISTRY.get(fmt)
        if registered is None:
            raise FormatError(f"unknown format: {fmt}\n")
        if not isinstance(registered.check, dict):
            raise FormatError("parse_property_string only accepts hash based named formats\n")
        fmt, validator = registered.check, registered.validator
        if "@schema" in fmt:  # a hash the API schema carries inline elsewhere (pve-qm-ide = ideN)
            fmt = (INLINE.get() or {}).get(fmt["@schema"])
            if fmt is None:
                raise FormatError(f"unknown format: {registered.name}\n")
    res: dict = {}
    default_key = None
    for part in str(data).split(","):
        if re.fullmatch(r"\s*", part):
            continue
        kv = re.fullmatch(r"([^=]+)=(.+)", part, re.S)
        if kv:
            key, val = kv.group(1), kv.group(2)
            if key in res:
                raise FormatError(f"duplicate key in comma-separated list property: {key}\n")
            sub = fmt.get(key)
            if isinstance(sub, dict) and sub.get("alias"):
                if sub.get("keyAlias"):
                    if sub["keyAlias"] in res:
                        raise FormatError(f"key alias '{sub['keyAlias']}' is already defined\n")
                    res[sub["keyAlias"]] = key
                key = sub["alias"]
                sub = fmt.get(key)
            if not isinstance(sub, dict):
                raise FormatError(f"invalid key in comma-separated list property: {key}\n")
            if sub.get("type") == "boolean":
                val = parse_boolean(val) if parse_boolean(val) is not None else val
            res[key] = val
        elif "=" not in part:
            if default_key:
                raise FormatError(f"duplicate key in comma-separated list property: {default_key}\n")
            for key, sub in fmt.items():
                if isinstance(sub, dict) and sub.get("default_key"):
                    default_key = key
                    if key in res:
                        raise FormatError(f"duplicate key in comma-separated list property: {key}\n")
                    if sub.get("type") == "boolean" and parse_boolean(part) is not None:
                        part = parse_boolean(part)
                    res[key] = part
                    break
            if not default_key:
                raise FormatError("value without key, but schema does not define a default key\n")
        else:
            raise FormatError("missing key in comma-separated list property\n")
    errors: dict = {}
    check_object(path, fmt, res, False, errors)
    if errors:
        raise FormatError("format error\n" + "".join(f"{k}: {errors[k]}\n" for k in sorted(errors)))
    return validator(res) if validator else res
