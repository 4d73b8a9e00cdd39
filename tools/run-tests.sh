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
# Unit tests on every core (as `make unit`: xdist, file by file), then the tests that start containers,
# simulators and peers one at a time (they share Docker names, ports and the lab's state).
set +e
t0=$SECONDS
echo "=== pytest: unit tests on every core"
pytest -p no:cacheprovider -m unit -n auto --dist loadfile --junitxml=.cache/junit-unit.xml tests
rc_unit=$?
timings+=("pytest, unit (every core): $((SECONDS - t0)) s")
t0=$SECONDS
echo "=== pytest: integration, molecule scenarios, lab"
pytest -p no:cacheprovider -m "not unit" --junitxml=.cache/junit.xml tests
rc=$?
timings+=("pytest, the rest (one at a time): $((SECONDS - t0)) s")
set -e
echo "=== durations"
printf '  %s\n' "${timings[@]}"
python3 - <<'PY'
import xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in (".cache/junit-unit.xml", ".cache/junit.xml"):
    s = ET.parse(path).getroot()
    s = s if s.tag == "testsuite" else s[0]
    f = int(s.get("failures", 0)) + int(s.get("errors", 0))
    k = int(s.get("skipped", 0))
    passed, failed, skipped = passed + int(s.get("tests", 0)) - f - k, failed + f, skipped + k
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
# Either run failing fails the suite (pytest's 5, "no tests collected", included).
[ "$rc_unit" -ne 0 ] && exit "$rc_unit"
exit $rc
