"""Real Windows hosts for the testinfra tests of tests/windows (winrm backend).

The expected state is computed by the same site model the roles use
(plugins/plugin_utils/site/windows/) from the inventory named by
SITEKIT_WINDOWS_INVENTORY; the tests connect only when SITEKIT_WINDOWS_TESTS=1.
"""

from __future__ import annotations

import base64
import functools
import json
import os

import pytest
import sites  # noqa: E402
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site

ENABLED = os.environ.get("SITEKIT_WINDOWS_TESTS") == "1"
INVENTORY = os.environ.get("SITEKIT_WINDOWS_INVENTORY", "inventories/rcr")
SKIP_REASON = ("needs real Windows hosts reached over WinRM (HTTPS 5986): set SITEKIT_WINDOWS_TESTS=1, "
               "SITEKIT_WINDOWS_INVENTORY, SITEKIT_WINRM_USER, SITEKIT_WINRM_PASSWORD (tests/windows/README.md); "
               "no Windows machine exists on this host")
MARKS = [pytest.mark.windows_real, pytest.mark.skipif(not ENABLED, reason=SKIP_REASON)]


def site() -> Site:
    return sites.site(INVENTORY)


def hosts_of(*groups: str) -> list[str]:
    """Inventory names of the hosts of some groups: the parameters of a test (collected even when skipped)."""
    return sorted({h for g in groups for h in site().group(g)})


@functools.cache
def connect(name: str):
    """A testinfra host over WinRM (NTLM on HTTPS; certificate checked, against SITEKIT_WINRM_CA when set,
    unless SITEKIT_WINRM_NO_VERIFY=1). SITEKIT_WINRM_ADDRESS overrides the host's site_ip (the CI runner)."""
    import testinfra

    address = os.environ.get("SITEKIT_WINRM_ADDRESS") or site().host_ip(name) or name
    user, password = os.environ["SITEKIT_WINRM_USER"], os.environ["SITEKIT_WINRM_PASSWORD"]
    no_verify = os.environ.get("SITEKIT_WINRM_NO_VERIFY") == "1"
    host = testinfra.get_host(f"winrm://{user}:{password}@{address}:5986", no_verify_ssl=no_verify)
    if os.environ.get("SITEKIT_WINRM_CA") and not no_verify:
        host.backend.conn_args["ca_trust_path"] = os.environ["SITEKIT_WINRM_CA"]  # the site's (or the CI job's) CA
    return host


def ps(name: str, script: str):
    """Run PowerShell on a host and return its output parsed from JSON (ConvertTo-Json -Depth 5)."""
    wrapped = f"$ProgressPreference = 'SilentlyContinue'; $ErrorActionPreference = 'Stop'; & {{ {script} }} | ConvertTo-Json -Depth 5 -Compress"
    encoded = base64.b64encode(wrapped.encode("utf-16-le")).decode()
    result = connect(name).run(f"powershell.exe -NoProfile -NonInteractive -EncodedCommand {encoded}")
    assert result.rc == 0, f"{name}: {result.stderr}"
    out = result.stdout.strip()
    return json.loads(out) if out else None


def as_list(value) -> list:
    """ConvertTo-Json writes a one-element array as the element itself."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
