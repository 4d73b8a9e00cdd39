"""Over SSH: logins, and sessions cut or kept as the device would (server.py, reach.py)."""

from __future__ import annotations

import time

import pytest

netmiko = pytest.importorskip("netmiko")
pytestmark = pytest.mark.integration
LOST = (OSError, EOFError, netmiko.exceptions.ReadTimeout)


def _login(peer, password: str | None = None):
    return netmiko.ConnectHandler(device_type="cisco_ios", host="127.0.0.1", port=peer.port, username=peer.user,
                                  password=password or peer.password, conn_timeout=5, auth_timeout=5,
                                  banner_timeout=5, fast_cli=False)


def _refused(peer) -> bool:
    try:
        _login(peer).disconnect()
    except (netmiko.exceptions.NetmikoAuthenticationException, netmiko.exceptions.NetmikoTimeoutException,
            OSError, EOFError, ValueError):
        return True
    return False


def test_the_right_password_logs_in_and_a_wrong_one_does_not(ssh_switch):
    conn = _login(ssh_switch)
    assert conn.find_prompt() == "sw-test#"
    conn.disconnect()
    with pytest.raises(netmiko.exceptions.NetmikoAuthenticationException):
        _login(ssh_switch, "wrong")


def test_answers_come_back_with_the_echo_and_the_caret(ssh_switch):
    conn = _login(ssh_switch)
    out = conn.send_config_set(["interface GigabitEthernet1/0/99"])
    assert "^\n% Invalid input detected at '^' marker." in out.replace("\r", "")
    conn.disconnect()


def test_a_vty_acl_that_denies_the_operator_keeps_the_session_but_refuses_the_next(ssh_switch):
    conn = _login(ssh_switch)
    conn.send_config_set(["ip access-list standard VTY", "no 10", "permit 10.99.0.0 0.0.0.255"])
    assert "hostname sw-test" in conn.send_command("show running-config")
    conn.disconnect()
    assert _refused(ssh_switch)
    ssh_switch.configure("ip access-list standard VTY", "permit 10.20.0.0 0.0.0.255")
    assert not _refused(ssh_switch)


@pytest.mark.parametrize("cut", [
    ["interface Vlan20", "no ip address"],
    ["interface Vlan20", "shutdown"],
    ["no vlan 20"],
    ["no interface Vlan20"],
])
def test_losing_the_management_path_cuts_the_session(ssh_switch, cut):
    conn = _login(ssh_switch)
    with pytest.raises(LOST):
        conn.send_config_set(cut, read_timeout=2)
        conn.send_command("show clock", read_timeout=2)
    assert _refused(ssh_switch)


def test_a_change_that_keeps_the_path_keeps_the_session(ssh_switch):
    conn = _login(ssh_switch)
    conn.send_config_set(["interface Vlan30", "ip address 10.30.0.11 255.255.255.0", "exit",
                          "interface Vlan20", "description still here"])
    assert "description still here" in conn.send_command("show running-config")
    conn.disconnect()
    assert not _refused(ssh_switch)


def test_removing_the_logged_in_user_keeps_the_session_and_locks_the_next_login(ssh_switch):
    conn = _login(ssh_switch)
    out = conn.send_config_set([f"no username {ssh_switch.user}", ""], cmd_verify=False)
    assert "[confirm]" in out
    assert "username" not in conn.send_command("show running-config | include username")
    conn.disconnect()
    assert _refused(ssh_switch)


def test_ssh_refused_when_the_vty_allows_only_telnet(ssh_switch):
    ssh_switch.configure("line vty 0 15", "transport input telnet")
    assert _refused(ssh_switch)
    ssh_switch.configure("line vty 0 15", "transport input ssh")
    assert not _refused(ssh_switch)


def test_the_revert_timer_gives_the_access_back_after_a_lockout(ssh_switch):
    ssh_switch.device.minute = 4.0                     # one IOS minute = 4 s here
    conn = _login(ssh_switch)
    conn.send_command("configure terminal revert timer 1", expect_string=r"\(config\)#")
    with pytest.raises(LOST):
        conn.send_command("interface Vlan20", expect_string=r"#")
        conn.send_command("no ip address", expect_string=r"#", read_timeout=1)
    assert _refused(ssh_switch)
    time.sleep(max(0.0, ssh_switch.device.revert.deadline - time.time()) + 0.5)
    assert not _refused(ssh_switch)
    assert "ip address 10.20.0.11 255.255.255.0" in ssh_switch.running_config()


def _key_login(peer, key_file: str):
    return netmiko.ConnectHandler(device_type="cisco_ios", host="127.0.0.1", port=peer.port, username=peer.user,
                                  use_keys=True, key_file=key_file, allow_agent=False, conn_timeout=5,
                                  auth_timeout=5, banner_timeout=5, fast_cli=False)


def test_a_key_in_the_users_pubkey_chain_logs_in_and_another_does_not(ssh_switch, tmp_path):
    from .peer import rsa_key_file

    md5 = rsa_key_file(tmp_path / "known")
    rsa_key_file(tmp_path / "other")
    # A refused key: paramiko then tries the file as the other key types and reports their parse error.
    refused = (netmiko.exceptions.NetmikoAuthenticationException, netmiko.exceptions.NetmikoTimeoutException)
    with pytest.raises(refused):
        _key_login(ssh_switch, str(tmp_path / "known"))  # no chain yet
    ssh_switch.configure("ip ssh pubkey-chain", "username netadmin", f"key-hash ssh-rsa {md5}", "exit", "exit")
    assert f"ip ssh pubkey-chain\n username netadmin\n  key-hash ssh-rsa {md5}\n" in ssh_switch.running_config()
    conn = _key_login(ssh_switch, str(tmp_path / "known"))
    assert conn.find_prompt() == "sw-test#"
    conn.disconnect()
    with pytest.raises(refused):
        _key_login(ssh_switch, str(tmp_path / "other"))
