"""Debian hosts after site.yml: each role's service runs and listens in its container (the deep
checks are the molecule scenarios'; here: the whole site converged together)."""

from __future__ import annotations

import pytest
import testinfra
from context import container_name, site

SERVICES = {  # group: [(service, TCP port)]
    "ftp_archive": [("vsftpd", 21)],
    "squid": [("squid", 3128)],
    "glpi": [("apache2", 443), ("mariadb", 3306)],
}
CASES = [(host, service, port) for group, wanted in SERVICES.items() for host in site().groups.get(group, [])
         for service, port in wanted]


@pytest.mark.parametrize(("host", "service", "port"), CASES, ids=[f"{h}-{s}" for h, s, _ in CASES])
def test_service_runs_and_listens(host, service, port):
    box = testinfra.get_host(f"docker://{container_name(host)}")
    assert box.service(service).is_running, f"{service} is not running on {host}"
    assert box.service(service).is_enabled, f"{service} does not start at boot on {host}"
    ports = {line.split()[3].rsplit(":", 1)[1] for line in box.check_output("ss -Hltn").splitlines()}
    assert str(port) in ports, f"nothing listens on TCP {port} on {host} (any address): {sorted(ports)}"
