"""squid on proxy01, seen from client01 (addresses of the site's VLANs and an outside network).

Requests are made inside client01 with Python's http.client and ftplib through the proxy's lab address;
the Internet is origin01 (a web server on :8080 and a real vsftpd, on a network outside the site), also
reachable as the Cegid vendor names through proxy01's /etc/hosts. Blocked names are refused before any
DNS lookup, so nothing leaves this machine. Users are the lab's local proxy users (inventories/lab
proxy.yml); on the site they are domain accounts (rendered and parsed in tests/debian).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from testlib import instance, lab_secret, probe_host

PROXY = "172.30.10.90"  # proxy01's lab address (inventories/lab/host_vars/proxy01.yml)
PROXY_OUTSIDE = "172.31.254.90"  # proxy01 on a network the site does not list
ADMIN = "172.30.30.135"  # client01's docker address, in the administrators' VLAN (role clients)
USERS = "172.30.40.50"  # an address of the users' VLAN
RDS_SESSION_HOST = "172.30.10.51"  # rdsh01 (site_proxy.shared_hosts_groups: rds_session_hosts)
SQL_SERVER = "172.30.10.60"  # sql01 (site_proxy.service_hosts_groups: sql_servers)
OUTSIDE = "172.31.254.50"
ORIGIN = "http://172.31.253.80:8080"
FTP_SERVER = "172.31.253.80"
PORT, FTP_PORT = 3128, 2121  # inventories/lab site_proxy.port, .ftp_port
ACCESS_LOG = "/var/log/squid/access.log"
LAB_SPAN = 16

CLIENT_SCRIPT = (Path(__file__).parent / "proxy_client.py").read_text()


@pytest.fixture(scope="module")
def proxy():
    return instance("proxy01")


@pytest.fixture(scope="module")
def client():
    host = probe_host("client01", ADMIN, [USERS, RDS_SESSION_HOST, SQL_SERVER], LAB_SPAN)
    host.run_test(f"cat > /tmp/proxy_client.py <<'PY'\n{CLIENT_SCRIPT}\nPY")
    return host


def user(name: str = "dupont") -> str:
    return f"{name}:{lab_secret('proxy_' + name)}"


def request(client, url: str, source: str = USERS, method: str = "GET", auth: str | None = None,
            proxy_address: str = PROXY) -> dict:
    cmd = f"python3 /tmp/proxy_client.py {source} {proxy_address} {PORT} {method} '{url}'"
    if auth:
        cmd += f" '{auth}'"
    return json.loads(client.check_output(cmd))


def ftp(client, source: str, login: str, password: str, name: str) -> dict:
    return json.loads(client.check_output(
        f"python3 /tmp/proxy_client.py {source} {PROXY} {FTP_PORT} FTP '{login}' '{password}' '{name}'"))


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


def test_squid_listens_on_the_proxy_and_ftp_relay_ports(proxy):
    assert proxy.service("squid").is_running and proxy.service("squid").is_enabled
    for port in (PORT, FTP_PORT):
        assert proxy.socket(f"tcp://0.0.0.0:{port}").is_listening or proxy.socket(f"tcp://:::{port}").is_listening


def test_host_firewall_loads_at_boot_and_packages_are_installed(proxy):
    # Packages go through sitekit.core.packages (apt only when one is missing): all there after converge.
    assert proxy.service("nftables").is_enabled
    for package in ("nftables", "openssh-server", "squid", "python3-passlib", "python3-bcrypt"):
        assert proxy.package(package).is_installed, package


def test_config_comes_from_the_site_model(proxy):
    conf = proxy.file("/etc/squid/squid.conf").content_string
    # lab site_vlans: servers 10, clients 30 and 40 (allowed_vlan_roles: clients, servers); management 20 is not.
    assert "acl site_clients src 172.30.10.0/24 172.30.30.0/24 172.30.40.0/24\n" in conf
    # vendor domains exactly as declared (cegid.yml): get.teamviewer.com stays that one name
    assert "acl cegid_vendor dstdomain portail.etafi.fr etafi.fr get.teamviewer.com teamviewer.com cegidlife.com\n" in conf
    assert "acl internal_dst dst 172.30.0.0/16\n" in conf


def test_an_unauthenticated_request_is_asked_for_a_user(client):
    assert request(client, f"{ORIGIN}/hostname")["status"] == 407
    assert request(client, f"{ORIGIN}/hostname", auth="dupont:not-the-password")["status"] == 407


def test_each_user_is_named_in_the_access_log(client, proxy):
    for name in ("dupont", "martin"):
        tag = uuid.uuid4().hex[:8]
        assert request(client, f"{ORIGIN}/{tag}", auth=user(name))["status"] == 404  # the origin's answer
        lines = log_lines(proxy, tag)
        assert lines and f" {USERS} {name} " in lines[-1] and "/404 " in lines[-1], lines
    answer = request(client, f"{ORIGIN}/hostname", auth=user())
    assert answer["status"] == 200 and answer["body"].strip() == "origin01"


@pytest.mark.parametrize("url", ["http://www.blocked.test/", "http://blocked.test/page", "http://www.facebook.com/"])
def test_blocked_domain_refused_and_logged(client, proxy, url):
    assert request(client, url, auth=user())["status"] == 403
    lines = log_lines(proxy, url)
    assert lines and "TCP_DENIED/403" in lines[-1] and USERS in lines[-1]


def test_blocked_domain_refused_over_connect(client, proxy):
    assert request(client, "www.blocked.test", method="CONNECT", auth=user())["status"] == 403
    assert any("TCP_DENIED/403" in line for line in log_lines(proxy, "www.blocked.test:443"))


def test_vendor_domains_exactly_as_declared(client):
    assert request(client, "http://portail.etafi.fr:8080/hostname", auth=user())["status"] == 200
    # A service host (the SQL server) reaches the declared names with no user, and nothing else.
    assert request(client, "http://get.teamviewer.com:8080/hostname", source=SQL_SERVER)["status"] == 200
    assert request(client, "http://www.get.teamviewer.com:8080/hostname", source=SQL_SERVER)["status"] == 407
    assert request(client, f"{ORIGIN}/hostname", source=SQL_SERVER)["status"] == 407


def test_internal_destinations_are_never_relayed(client, proxy):
    tag = uuid.uuid4().hex[:8]
    assert request(client, f"http://{USERS}:8080/{tag}", auth=user())["status"] == 403
    assert request(client, f"http://127.0.0.1:8080/{tag}", auth=user())["status"] == 403
    assert any("TCP_DENIED/403" in line for line in log_lines(proxy, tag))


def test_an_address_outside_the_site_is_dropped_by_the_host_firewall(client):
    answer = request(client, f"{ORIGIN}/x", source=OUTSIDE, auth=user(), proxy_address=PROXY_OUTSIDE)
    assert answer["status"] == 0 and "timed out" in answer["body"]


def test_unsafe_port_refused(client):
    assert request(client, "http://172.31.253.80:25/", auth=user())["status"] == 403


def test_native_ftp_relay_reaches_a_real_vsftpd_and_is_logged(client, proxy):
    answer = ftp(client, USERS, f"ftpuser@{FTP_SERVER}", lab_secret("origin_ftp"), "readme.txt")
    assert answer == {"status": 226, "body": "served by origin01's vsftpd"}, answer
    lines = log_lines(proxy, f"ftp://{FTP_SERVER}")
    assert lines and f" {USERS} " in lines[-1]


def test_native_ftp_relay_refused_to_hosts_many_users_share(client):
    answer = ftp(client, RDS_SESSION_HOST, f"ftpuser@{FTP_SERVER}", lab_secret("origin_ftp"), "readme.txt")
    assert answer["status"] != 226, answer


def test_access_log_rotation_keeps_the_retention(proxy):
    conf = proxy.file("/etc/logrotate.d/squid").content_string
    assert "rotate 90" in conf and "daily" in conf


def test_proxy_users_file_holds_hashes_only(proxy):
    passwd = proxy.file("/etc/squid/users.passwd")
    assert (passwd.user, passwd.group, passwd.mode) == ("root", "proxy", 0o640)
    assert lab_secret("proxy_dupont") not in passwd.content_string
    assert sorted(line.split(":")[0] for line in passwd.content_string.split()) == ["dupont", "martin"]
