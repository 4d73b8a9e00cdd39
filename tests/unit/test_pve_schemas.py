"""The Proxmox API schemas the simulator checks requests against are the official ones."""

import hashlib

import pytest
from sitekit_paths import REPO, SHARED

FILES = ["pve-api-8.4.2.json.gz", "pve-api-9.1.3.json.gz"]


@pytest.mark.parametrize("name", FILES)
def test_schema_copy_matches_reference(name):
    reference = SHARED / "proxmox" / name
    if not reference.exists():
        pytest.skip(f"no reference copy at {reference}")
    ours = REPO / "tests" / "pve_sim" / "schemas" / name
    assert hashlib.sha256(ours.read_bytes()).hexdigest() == hashlib.sha256(reference.read_bytes()).hexdigest()
