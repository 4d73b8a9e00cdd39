#!/usr/bin/env bash
# `make lab`: the whole lab site through playbooks/site.yml, on this machine (tools/lab/lab.py).
# `make lab-down` (tools/lab.sh down): remove everything `make lab` started.
# On a fresh machine it first installs what it needs, as .ci/run does: the system packages
# (tools/bootstrap-host.sh, as root) and the pinned toolchain (make setup).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = down ]; then
  exec .venv/bin/python tools/lab/lab.py down
fi
# A line every few seconds while a long step runs (package installs say nothing for minutes).
# shellcheck source=tools/lab/with-progress.sh
. tools/lab/with-progress.sh
echo "=== system packages and the pinned toolchain"
if [ "$(id -u)" -eq 0 ]; then
  with_progress "system packages (tools/bootstrap-host.sh)" tools/bootstrap-host.sh
fi
with_progress "Python toolchain (make setup)" make --no-print-directory setup
exec .venv/bin/python tools/lab/lab.py "${1:-all}"
