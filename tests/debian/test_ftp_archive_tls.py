"""ftp_archive's self-signed certificate (roles/ftp_archive/tasks/tls.yml), run by ansible-playbook on files under
the test's temporary directory (connection local; the restart handler is replaced by a no-op of the same name).

The request is built and the certificate issued only when it must be: a no-op run builds no request and writes
nothing; a certificate for another key or address, or due for renewal, is issued again."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sitekit_paths import REPO

pytestmark = pytest.mark.integration

TLS_TASKS = REPO / "roles" / "ftp_archive" / "tasks" / "tls.yml"
PLAY = """
- hosts: ftp-test
  gather_facts: false
  vars:
    ftp_archive_tls_certificate: ""
    ftp_archive_tls_private_key: ""
  tasks:
    - ansible.builtin.import_tasks: {tasks}
  handlers:
    - name: ftp_archive restart vsftpd
      ansible.builtin.debug: {{msg: restart}}
"""


def converge(tmp_path, **extra) -> dict:
    """One run; task name -> changed/skipped of ftp-test."""
    (tmp_path / "play.yml").write_text(PLAY.format(tasks=TLS_TASKS))
    (tmp_path / "inventory.yml").write_text(json.dumps({"all": {"hosts": {"ftp-test": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}}))
    variables = {"ftp_archive_tls_cert_path": str(tmp_path / "cert.pem"), "ftp_archive_tls_key_path": str(tmp_path / "key.pem"),
                 "ftp_archive_tls_selfsigned_days": 1825, "ftp_archive_tls_renew_days": 30, **extra}
    # Outside the repository's ansible.cfg: this inventory is no site, the site gate would refuse it.
    env = {**os.environ, "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json", "ANSIBLE_CONFIG": str(tmp_path / "none.cfg"),
           "ANSIBLE_COLLECTIONS_PATH": str(REPO / "collections")}
    proc = subprocess.run([str(REPO / ".venv" / "bin" / "ansible-playbook"), "-i", str(tmp_path / "inventory.yml"),
                           str(tmp_path / "play.yml"), "-e", json.dumps(variables)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    report = json.JSONDecoder().raw_decode(proc.stdout[proc.stdout.index("{"):])[0]
    out = {}
    for task in report["plays"][0]["tasks"]:
        result = task["hosts"]["ftp-test"]
        out[task["task"]["name"]] = "skipped" if result.get("skipped") else ("changed" if result.get("changed") else "ok")
    return out


def cert_text(tmp_path) -> str:
    return subprocess.run(["openssl", "x509", "-noout", "-text", "-in", str(tmp_path / "cert.pem")],
                          capture_output=True, text=True, check=True).stdout


def test_first_run_issues_then_a_no_op_builds_no_request_and_writes_nothing(tmp_path):
    first = converge(tmp_path, site_ip="127.0.0.9")
    assert first["Self-sign the certificate"] == "changed"
    assert "IP Address:127.0.0.9" in cert_text(tmp_path) and "DNS:ftp-test" in cert_text(tmp_path)
    mark = (tmp_path / "cert.pem").stat().st_mtime_ns
    second = converge(tmp_path, site_ip="127.0.0.9")
    assert second["Generate the private key"] == "skipped"  # read with openssl pkey, not loaded by the module
    assert second["Prepare the certificate request"] == "skipped"
    assert second["Self-sign the certificate"] == "skipped"
    assert "changed" not in second.values(), second
    assert (tmp_path / "cert.pem").stat().st_mtime_ns == mark


def test_a_new_address_issues_the_certificate_again(tmp_path):
    converge(tmp_path, site_ip="127.0.0.9")
    again = converge(tmp_path, site_ip="127.0.0.10")
    assert again["Self-sign the certificate"] == "changed"
    assert "IP Address:127.0.0.10" in cert_text(tmp_path)


def test_a_new_key_issues_the_certificate_again(tmp_path):
    converge(tmp_path)
    (tmp_path / "key.pem").unlink()
    again = converge(tmp_path)
    assert again["Generate the private key"] == "changed" and again["Self-sign the certificate"] == "changed"
    key = subprocess.run(["openssl", "pkey", "-pubout", "-in", str(tmp_path / "key.pem")], capture_output=True, text=True)
    cert = subprocess.run(["openssl", "x509", "-pubkey", "-noout", "-in", str(tmp_path / "cert.pem")],
                          capture_output=True, text=True)
    assert key.stdout == cert.stdout


def public_key(path) -> str:
    return subprocess.run(["openssl", "pkey", "-pubout", "-in", str(path)], capture_output=True, text=True).stdout


def key_bits(path) -> str:
    text = subprocess.run(["openssl", "pkey", "-noout", "-text", "-in", str(path)], capture_output=True, text=True).stdout
    return text.splitlines()[0]


def test_a_key_readable_by_others_gets_its_mode_back_and_keeps_its_certificate(tmp_path):
    converge(tmp_path)
    key, mark = public_key(tmp_path / "key.pem"), (tmp_path / "cert.pem").stat().st_mtime_ns
    (tmp_path / "key.pem").chmod(0o644)
    again = converge(tmp_path)
    assert again["Generate the private key"] == "changed"
    assert again["Self-sign the certificate"] == "skipped"
    assert (tmp_path / "key.pem").stat().st_mode & 0o777 == 0o600
    assert public_key(tmp_path / "key.pem") == key and (tmp_path / "cert.pem").stat().st_mtime_ns == mark


@pytest.mark.parametrize("bad_key", [["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
                                     ["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
                                     None], ids=["rsa-2048", "ec-p256", "unreadable"])
def test_a_key_of_another_size_or_type_or_unreadable_is_replaced_and_the_certificate_issued_again(tmp_path, bad_key):
    converge(tmp_path)
    path = tmp_path / "key.pem"
    if bad_key:
        subprocess.run([*bad_key, "-out", str(path)], check=True, capture_output=True)
    else:
        path.write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    path.chmod(0o600)
    again = converge(tmp_path)
    assert again["Generate the private key"] == "changed" and again["Self-sign the certificate"] == "changed"
    assert key_bits(path) == "Private-Key: (3072 bit, 2 primes)"
    cert = subprocess.run(["openssl", "x509", "-pubkey", "-noout", "-in", str(tmp_path / "cert.pem")],
                          capture_output=True, text=True).stdout
    assert public_key(path) == cert
    if bad_key and "RSA" in bad_key:  # once: after a replacement the next run is a no-op again
        assert "changed" not in converge(tmp_path).values()


def test_a_certificate_due_for_renewal_is_issued_again(tmp_path):
    converge(tmp_path, ftp_archive_tls_selfsigned_days=10)  # expires within the 30 days of renewal
    serial = cert_text(tmp_path).split("Serial Number:")[1].split("Signature")[0]
    again = converge(tmp_path)
    assert again["Self-sign the certificate"] == "changed"
    assert cert_text(tmp_path).split("Serial Number:")[1].split("Signature")[0] != serial
    assert converge(tmp_path)["Self-sign the certificate"] == "skipped"
