#!/usr/bin/env bash
# `make molecule`: the Docker engine and the Debian base image, then the whole molecule
# test sequence of each scenario given (default: every scenario of molecule/ except the
# shared `_*` directories and windows). Prints each scenario's duration; logs in .cache/.
#   tools/run-molecule.sh [scenario...]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH" ANSIBLE_CONFIG="$PWD/ansible.cfg" PY_COLORS=0 ANSIBLE_NOCOLOR=1
tools/ensure-docker.sh
tools/debian-image.sh
if [ $# -eq 0 ]; then
  for f in molecule/*/molecule.yml; do
    s=$(basename "$(dirname "$f")")
    case "$s" in _*|windows) continue ;; esac
    set -- "$@" "$s"
  done
fi
mkdir -p .cache
rc=0
declare -a results=()
for s in "$@"; do
  t0=$SECONDS
  echo "=== molecule test -s ${s}"
  if molecule test -s "$s" >".cache/molecule-${s}.log" 2>&1; then status=passed; else status=FAILED; rc=1; fi
  results+=("${s}: ${status} in $((SECONDS - t0)) s (log .cache/molecule-${s}.log)")
  [ "$status" = passed ] || tail -40 ".cache/molecule-${s}.log"
done
echo "=== molecule scenarios"
printf '  %s\n' "${results[@]}"
exit $rc
