"""squid on proxy01, seen from client01 (clients VLAN 172.30.40.0/24 and an outside network).

Requests are made inside client01 with Python's http.client through the proxy; the origin
is origin01 (python3 -m http.server on 172.30.40.80:8080), also reachable as the Cegid vendor
name portail.etafi.fr through proxy01's /etc/hosts. Blocked names are refused before any
DNS lookup, so nothing leaves this machine.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from testlib import instance

PROXY_INSIDE = "172.30.40.90"  # proxy01 on the clients VLAN (allowed)
PROXY_OUTSIDE = "172.31.254.90"  # proxy01 on a network the site does not list
CLIENT_INSIDE = "172.30.40.50"
CLIENT_OUTSIDE = "172.31.254.50"
ORIGIN = "http://172.30.40.80:8080"
PORT = 3128  # inventories/lab site_proxy.port
ACCESS_LOG = "/var/log/squid/access.log"

CLIENT_SCRIPT = (Path(__file__).parent / "proxy_client.py").read_text()


@pytest.fixture(scope="module")
def proxy():
    return instance("proxy01")


@pytest.fixture(scope="module")
def client():
    host = instance("client01")
    host.run_test(f"cat > /tmp/proxy_client.py <<'PY'\n{CLIENT_SCRIPT}\nPY")
    return host


def request(client, proxy_address: str, url: str, method: str = "GET") -> dict:
    out = client.check_output(f"python3 /tmp/proxy_client.py {proxy_address} {PORT} {method} '{url}'")
    return json.loads(out)


def log_lines(proxy, needle: str) -> list[str]:
    # The daemon log writer flushes asynchronously: wait for the line.
    cmd = f"for i in $(seq 50); do grep -F -- '{needle}' {ACCESS_LOG} && exit 0; sleep 0.1; done; exit 1"
    result = proxy.run(cmd)
    return result.stdout.splitlines() if result.rc == 0 else []


def test_configuration_parses_clean(proxy):
    result = proxy.run("squid -k parse")
    assert result.rc == 0, result.stderr
    problems = [line for line in result.stderr.splitlines() if any(w in line for w in ("WARNING", "ERROR", "FATAL"))]
    assert problems == []


def test_squid_listens_on_the_site_port(proxy):
    assert proxy.service("squid").is_running
    assert proxy.service("squid").is_enabled
    assert proxy.socket(f"tcp://0.0.0.0:{PORT}").is_listening or proxy.socket(f"tcp://:::{PORT}").is_listening


def test_config_lists_the_site_subnets_of_allowed_roles(proxy):
    conf = proxy.file("/etc/squid/squid.conf").content_string
    # lab site_vlans: servers 10, clients 30 and 40 (allowed_vlan_roles: clients, servers); management 20 is not.
    assert "acl site_clients src 172.30.10.0/24 172.30.30.0/24 172.30.40.0/24\n" in conf
    assert "172.30.20.0/24" not in conf


def test_allowed_client_reaches_the_local_origin(client, proxy):
    answer = request(client, PROXY_INSIDE, f"{ORIGIN}/hostname")
    assert answer["status"] == 200
    assert answer["body"].strip() == "origin01"
    # A path only this test uses (squid logs URLs without their query string): the origin's 404
    # proves the request went through, and the log line names the client.
    tag = uuid.uuid4().hex[:8]
    assert request(client, PROXY_INSIDE, f"{ORIGIN}/{tag}")["status"] == 404
    lines = log_lines(proxy, tag)
    assert lines and CLIENT_INSIDE in lines[-1] and "/404 " in lines[-1]


@pytest.mark.parametrize("url", ["http://www.blocked.test/", "http://blocked.test/page", "http://www.facebook.com/"])
def test_blocked_domain_refused_and_logged(client, proxy, url):
    answer = request(client, PROXY_INSIDE, url)
    assert answer["status"] == 403
    lines = log_lines(proxy, url)
    assert lines, f"no access log line for {url}"
    assert "TCP_DENIED/403" in lines[-1] and CLIENT_INSIDE in lines[-1]


def test_blocked_domain_refused_over_connect(client, proxy):
    answer = request(client, PROXY_INSIDE, "www.blocked.test", method="CONNECT")
    assert answer["status"] == 403, answer
    assert any("TCP_DENIED/403" in line for line in log_lines(proxy, "www.blocked.test:443"))


def test_cegid_vendor_domain_allowed(client, proxy):
    # portail.etafi.fr resolves to origin01 inside proxy01 (molecule.yml etc_hosts).
    answer = request(client, PROXY_INSIDE, "http://portail.etafi.fr:8080/hostname")
    assert answer["status"] == 200 and answer["body"].strip() == "origin01"


def test_address_outside_the_site_subnets_refused(client, proxy):
    tag = uuid.uuid4().hex[:8]
    answer = request(client, PROXY_OUTSIDE, f"{ORIGIN}/{tag}")
    assert answer["status"] == 403
    lines = log_lines(proxy, tag)
    assert lines and CLIENT_OUTSIDE in lines[-1] and "TCP_DENIED/403" in lines[-1]


def test_unsafe_port_refused(client):
    assert request(client, PROXY_INSIDE, "http://172.30.40.80:25/")["status"] == 403


def test_access_log_rotation_keeps_the_retention(proxy):
    conf = proxy.file("/etc/logrotate.d/squid").content_string
    assert "rotate 90" in conf and "daily" in conf
