#!/usr/bin/env bash
# `make lab`: the main job on the embedded lab (inventories/lab), all on this machine.
#   1. validate the lab inventory (fails fast, names file:line and key);
#   2. write the auditor's pack of the lab to build/lab/docs/ (index.html);
#   3. run each tier that the lab can host (simulators and containers it starts itself).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH" ANSIBLE_CONFIG="$PWD/ansible.cfg"
INV=inventories/lab
mkdir -p build/lab
t0=$SECONDS
echo "=== validate ${INV}"
ansible-playbook -i "${INV}" playbooks/validate.yml
echo "=== auditor's pack → build/lab/docs/index.html"
PYTHONPATH=tools python -m sitedoc "${INV}" --out build/lab/docs
for stage in tools/lab.d/*.sh; do
  [ -e "${stage}" ] || continue
  echo "=== ${stage}"
  bash "${stage}" "${INV}"
done
echo "lab done in $((SECONDS - t0)) s"
