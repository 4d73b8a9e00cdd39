"""Every named format of both API schemas is implemented after its upstream function: each has a
registered check citing its source, accepts what PVE accepts and refuses what PVE refuses."""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

import pytest
import yaml
from sitekit_paths import REPO

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.pve_sim.formats import INLINE, REGISTRY, VERSION, FormatError  # noqa: E402
from tests.pve_sim.jsonschema import check_format  # noqa: E402
from tests.pve_sim.schema import FILES, SCHEMAS  # noqa: E402
from tests.pve_sim.server import get_schema  # noqa: E402

SAMPLES = yaml.safe_load((Path(__file__).parent / "formats.yml").read_text())


def schema_formats(version: int) -> set[str]:
    found = set()

    def scan(node):
        if isinstance(node, dict):
            if isinstance(node.get("format"), str):
                found.add(node["format"])
            for value in node.values():
                scan(value)
        elif isinstance(node, list):
            for value in node:
                scan(value)
    with gzip.open(SCHEMAS / FILES[version], "rt") as fh:
        scan(json.load(fh))
    return found


def base(fmt: str) -> str:
    return re.fullmatch(r"(.*?)(?:-(list|opt))?", fmt).group(1)


@pytest.mark.parametrize("version", [8, 9])
def test_every_schema_format_is_registered_with_its_source(version):
    names = {base(f) for f in schema_formats(version)}
    assert len(names) > 90
    assert names <= set(REGISTRY), sorted(names - set(REGISTRY))
    assert all(REGISTRY[n].source for n in names)
    assert names <= set(SAMPLES), sorted(names - set(SAMPLES))


def check(version: int, fmt: str, value: str):
    schema = get_schema(version)
    v, i = VERSION.set(version), INLINE.set(schema.inline)
    try:
        return check_format(fmt, value)
    finally:
        VERSION.reset(v)
        INLINE.reset(i)


CASES = [pytest.param(fmt, value, ok, id=f"{fmt}-{'ok' if ok else 'bad'}-{n}")
         for fmt, (good, bad) in sorted(SAMPLES.items())
         for ok, values in ((True, good), (False, bad)) for n, value in enumerate(values)]


@pytest.mark.parametrize(("fmt", "value", "accepted"), CASES)
def test_format(fmt, value, accepted):
    if accepted:
        check(9, fmt, value)
    else:
        with pytest.raises(FormatError):
            check(9, fmt, value)


def test_each_format_has_a_refused_sample():
    assert all(bad for name, (good, bad) in SAMPLES.items() if name != "string")


def test_list_formats_split_like_pve():
    """JSONSchema.pm check_format '-list': PVE::Tools::split_list on ',', ';', spaces or NUL."""
    assert check(9, "pve-node-list", "pve1,pve2;pve3 pve4") == ["pve1", "pve2", "pve3", "pve4"]
    with pytest.raises(FormatError, match="valid node name"):
        check(9, "pve-node-list", "pve1,pve_2")
    assert check(9, "email-opt", "") is None


def test_privileges_follow_the_version():
    assert check(9, "pve-priv", "VM.GuestAgent.Audit")
    with pytest.raises(FormatError):
        check(8, "pve-priv", "VM.GuestAgent.Audit")
    assert check(8, "pve-priv", "VM.Monitor")
