"""The collections pinned in requirements.yml are the ones the installed `ansible` bundles and uses."""

from __future__ import annotations

import json
import re
import sysconfig
from pathlib import Path

import yaml
from sitekit_paths import REPO

BUNDLED = Path(sysconfig.get_paths()["purelib"]) / "ansible_collections"  # what the `ansible` package installs
USED = re.compile(r"^\s*-?\s*([a-z0-9_]+\.[a-z0-9_]+)\.[a-z0-9_]+:", re.M)


def installed_version(fqcn: str) -> str | None:
    manifest = BUNDLED.joinpath(*fqcn.split("."), "MANIFEST.json")
    return json.loads(manifest.read_text())["collection_info"]["version"] if manifest.exists() else None


def pinned() -> dict[str, str]:
    data = yaml.safe_load((REPO / "requirements.yml").read_text())
    return {c["name"]: c["version"] for c in data["collections"]}


def test_every_pin_matches_the_bundled_version():
    drift = {name: (version, installed_version(name)) for name, version in pinned().items() if installed_version(name) != version}
    assert drift == {}, f"requirements.yml (pinned, installed) disagree: {drift}"


def test_every_collection_used_is_pinned():
    used = set()
    for path in [*REPO.glob("roles/**/*.yml"), *REPO.glob("playbooks/*.yml"), *REPO.glob("molecule/**/*.yml")]:
        used.update(USED.findall(path.read_text()))
    used -= {"ansible.builtin", "ansible.legacy", "sitekit.core"}
    used = {u for u in used if installed_version(u) is not None}  # task keys like `foo.bar:` that are not collections
    assert used - set(pinned()) == set(), "collections used but not pinned in requirements.yml"


def test_python_pins_are_exact():
    for name in ("requirements-runtime.txt", "requirements-dev.txt"):
        for line in (REPO / name).read_text().splitlines():
            if line and not line.startswith(("#", "-r ")):
                assert re.fullmatch(r"[A-Za-z0-9_.\[\]-]+==[A-Za-z0-9.+-]+", line), f"{name}: not pinned exactly: {line}"
