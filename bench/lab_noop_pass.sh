#!/bin/bash
# One site.yml pass on the running lab (make lab) from TREE, as tools/lab/lab.py runs it: compares two
# commits back to back under the same load (issue 10). A commit as TREE: git archive C | tar -x -C DIR, then
# link DIR/.venv, DIR/build and DIR/.cache to this repository's (same lab secrets and endpoints).
# usage: bench/lab_noop_pass.sh TREE LABEL   → ${OUT:-/tmp}/lab-noop-pass-LABEL.log, prints wall seconds and the recap
TREE=$(cd "$1" && pwd); LABEL=$2; REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$TREE" || exit 2
STRAT=$(.venv/bin/python -c "import sys; sys.path.insert(0,'tools/lab'); import transport, json; print(json.dumps(transport.strategy_env()))")
export $(python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(' '.join(f'{k}={v}' for k,v in d.items()))" "$STRAT")
export ANSIBLE_CONFIG=$TREE/ansible.cfg ANSIBLE_NOCOLOR=1 PATH=$TREE/.venv/bin:$PATH SITEKIT_JOURNAL_DIR=${OUT:-/tmp}/lab-noop-journal-$LABEL
uptime > ${OUT:-/tmp}/lab-noop-pass-$LABEL.log
t0=$(date +%s.%N)
.venv/bin/ansible-playbook -i inventories/lab -i $REPO/build/lab/run/endpoints.yml playbooks/site.yml --limit 'localhost:all:!windows' --diff >> ${OUT:-/tmp}/lab-noop-pass-$LABEL.log 2>&1
rc=$?
t1=$(date +%s.%N)
uptime >> ${OUT:-/tmp}/lab-noop-pass-$LABEL.log
echo "$LABEL rc=$rc wall=$(python3 -c "print(round($t1-$t0,1))") $(uptime | sed 's/.*load/load/')"
grep -A40 "PLAY RECAP" ${OUT:-/tmp}/lab-noop-pass-$LABEL.log | grep -E "changed=[1-9]|failed=[1-9]|unreachable=[1-9]" | head
