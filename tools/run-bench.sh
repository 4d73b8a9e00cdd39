#!/usr/bin/env bash
# Runs every benchmark of bench/ (not timed tests: figures only, JSON in bench/results/).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH" ANSIBLE_CONFIG="$PWD/ansible.cfg"
for script in bench/*.py; do
  echo "=== ${script}"
  python "${script}"
done
for script in bench/*.sh; do
  [ -e "${script}" ] || continue
  echo "=== ${script}"
  bash "${script}"
done
