"""Known findings: what the current roles fail, listed in data/known_findings.yml.

A test unit (one task, one script, one template) with listed findings is an expected failure:
xfail(strict=True, raises=KnownFinding). It must fail with exactly its listed findings:
- a finding that is not listed fails the test for real (a plain AssertionError, not KnownFinding);
- a listed finding that no longer occurs fails it too ("stale: delete the entry");
- when the role is fixed and nothing is found, the test passes, which strict xfail turns into a
  failure: delete the entry, and the test then proves the fix.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
import yaml

DATA = Path(__file__).parent / "data"


class KnownFinding(AssertionError):
    """Raised when a unit fails with exactly its listed findings."""


@functools.cache
def entries() -> tuple[dict, ...]:
    return tuple(yaml.safe_load((DATA / "known_findings.yml").read_text())["findings"])


def listed(check: str, file: str, unit: str) -> list[dict]:
    return [e for e in entries() if e["check"] == check and e["file"] == file and e["unit"] == unit]


def param(check: str, file: str, unit: str, value, test_id: str):
    """pytest.param of one unit, marked as an expected failure when findings are listed for it."""
    known = listed(check, file, unit)
    marks = [pytest.mark.xfail(strict=True, raises=KnownFinding,
                               reason="known finding (data/known_findings.yml): " + "; ".join(e["fix"] for e in known))
             ] if known else []
    return pytest.param(value, id=test_id, marks=marks)


def matches(entry: dict, finding: str) -> bool:
    return finding.startswith(f"[{entry['rule']}]") and entry["message"] in finding


def verify(check: str, file: str, unit: str, findings: list[str]) -> None:
    """Assert that `findings` are exactly the listed ones (see the module docstring)."""
    known = listed(check, file, unit)
    new = [f for f in findings if not any(matches(e, f) for e in known)]
    assert not new, f"{file} / {unit}:\n  " + "\n  ".join(new)
    stale = [e for e in known if not any(matches(e, f) for f in findings)]
    if stale and len(stale) < len(known):
        raise AssertionError("stale known findings (fixed? delete them from data/known_findings.yml): "
                             + "; ".join(e["message"] for e in stale))
    if known and not stale:
        raise KnownFinding(f"{file} / {unit}: known findings still present:\n  " + "\n  ".join(findings))
