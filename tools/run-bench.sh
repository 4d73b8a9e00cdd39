#!/usr/bin/env bash
# Runs every benchmark of bench/ (not timed tests: figures only, JSON in bench/results/).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH" ANSIBLE_CONFIG="$PWD/ansible.cfg"
for script in bench/*.py; do
  echo "=== ${script}"
  python "${script}"
done
# bench/*.sh are building blocks that take arguments (lab_noop_pass.sh TREE LABEL), not benches of their own.
