"""A controller installs requirements-runtime.txt only: no test, lint or packaging tool in it."""

from __future__ import annotations

from packaging.requirements import Requirement
from packaging_lib import DEV_TOOLS, name, pins
from sitekit_paths import COLLECTION, REPO


def test_runtime_carries_no_development_tool():
    assert DEV_TOOLS & set(pins("requirements-runtime.txt")) == set()
    assert "ansible" not in pins("requirements-runtime.txt"), "the ansible package bundles ~100 collections"


def test_dev_includes_the_runtime_and_never_pins_a_package_twice():
    dev = (REPO / "requirements-dev.txt").read_text().splitlines()
    assert "-r requirements-runtime.txt" in dev
    assert set(pins("requirements-runtime.txt")) & set(pins("requirements-dev.txt")) == set()
    assert DEV_TOOLS - {"fake-switches"} <= set(pins("requirements-dev.txt"))


def test_the_collections_python_needs_are_pinned_in_the_runtime_and_satisfied():
    runtime = pins("requirements-runtime.txt")
    for line in (COLLECTION / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        pinned = runtime.get(name(line))
        assert pinned, f"sitekit.core needs {line}: not in requirements-runtime.txt"
        assert req.specifier.contains(pinned.split("==")[1]), f"{pinned} does not satisfy {line}"


def test_make_setup_installs_both():
    makefile = (REPO / "Makefile").read_text()
    assert "-r requirements-runtime.txt -r requirements-dev.txt" in makefile
    assert not (REPO / "requirements.txt").exists()


def test_the_execution_environment_can_build_and_run_kerberos():
    """pykerberos (runtime pin) compiles against the krb5 headers and WinRM runs kinit: bindep names both."""
    runtime = (REPO / "requirements-runtime.txt").read_text()
    bindep = (REPO / "bindep.txt").read_text()
    assert "pykerberos==" in runtime
    for package in ("krb5-devel [compile platform:rpm]", "krb5-workstation [platform:rpm]", "gcc [compile platform:rpm]"):
        assert f"\n{package}\n" in bindep, package
