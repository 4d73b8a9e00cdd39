#!/usr/bin/env bash
# Installs the Debian packages the toolkit's tests need on a fresh Debian 12 machine
# (root). Idempotent: packages already present are not fetched again.
set -euo pipefail
packages=(make git python3 python3-venv docker.io debootstrap iproute2 openssh-client sshpass curl ca-certificates
  # GLPI stand-in tests (tests/glpi): the real php CLI with GLPI's extensions, a private MariaDB server
  php8.2-cli php8.2-mysql php8.2-xml php8.2-curl php8.2-gd php8.2-intl php8.2-mbstring php8.2-bcmath
  mariadb-server-core mariadb-client-core
  # Kerberos for WinRM: pykerberos (requirements-runtime.txt) builds against krb5; Ansible's winrm connection
  # gets its tickets with kinit (krb5-user)
  gcc python3-dev libkrb5-dev krb5-user
  # Auditor's pack (make docs): Graphviz draws the topology, headless Chromium screenshots each page in its tests
  graphviz chromium fonts-dejavu-core)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
