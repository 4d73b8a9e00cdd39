#!/usr/bin/env bash
# The CI job's converge (.github/workflows/windows-real.yml): the single-host Windows roles on the
# runner, twice; the second run must report changed=0. Runs in WSL on the runner itself.
set -euo pipefail
cd "$(dirname "$0")/../../.."
export ANSIBLE_CONFIG="$PWD/ansible.cfg" ANSIBLE_NOCOLOR=1
# tests/windows/ci/inventory is the job's own site (its README section in tests/windows/README.md);
# prepare-runner.ps1 added the runner's name (group_vars/all/zz_ci.yml) and the WinRM CA.
run() {
  .venv/bin/ansible-playbook -i tests/windows/ci/inventory tests/windows/ci/converge.yml "$@" | tee "$log"
}
log=$(mktemp)
run
run
grep -Eq 'winci +: ok=[0-9]+ +changed=0 +unreachable=0 +failed=0' "$log" || { echo "the second run changed something"; exit 1; }
