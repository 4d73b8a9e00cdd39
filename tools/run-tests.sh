#!/usr/bin/env bash
# The whole test suite, as `make test` and .ci/run call it. Each stage prints its
# duration; the last line is pytest's summary (unit, integration and molecule
# scenarios all run under pytest).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH" ANSIBLE_CONFIG="$PWD/ansible.cfg" ANSIBLE_NOCOLOR=1 PY_COLORS=0
mkdir -p .cache
declare -a timings=()
stage() {
  local name=$1; shift
  local t0=$SECONDS
  echo "=== ${name}"
  "$@"
  timings+=("${name}: $((SECONDS - t0)) s")
}
stage "lint (ansible-lint production, yamllint, ruff)" make --no-print-directory lint
stage "syntax-check of every playbook against inventories/rcr" make --no-print-directory syntax
stage "validate inventories/rcr" make --no-print-directory validate INV=inventories/rcr
stage "validate inventories/lab" make --no-print-directory validate INV=inventories/lab
# Containers and simulators: the Docker engine and the Debian base image are set up
# here once, so that the molecule scenarios under pytest only use them.
if [ -x tools/ensure-docker.sh ]; then
  stage "docker engine and debian12 base image" bash -c 'tools/ensure-docker.sh && tools/debian-image.sh'
fi
set +e
t0=$SECONDS
echo "=== pytest: unit, integration, molecule scenarios"
pytest -p no:cacheprovider --junitxml=.cache/junit.xml tests
rc=$?
timings+=("pytest: $((SECONDS - t0)) s")
set -e
echo "=== durations"
printf '  %s\n' "${timings[@]}"
python3 - <<'PY'
import xml.etree.ElementTree as ET
s = ET.parse(".cache/junit.xml").getroot()
s = s if s.tag == "testsuite" else s[0]
failed = int(s.get("failures", 0)) + int(s.get("errors", 0))
skipped = int(s.get("skipped", 0))
passed = int(s.get("tests", 0)) - failed - skipped
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $rc
