#!/usr/bin/env bash
# `make lab` stage for the Proxmox tier (called as tools/lab.d/<n>-proxmox.sh <inventory>):
# starts the API simulator (PVE 9, TLS, 127.0.0.1:<site_proxmox.api_port>) with the lab's token
# secret, converges the API plays of playbooks/proxmox.yml, runs them again (must change
# nothing), simulates a night of backups and runs the PRA drill, then stops the simulator.
set -euo pipefail
cd "$(dirname "$0")/../.."
INV=${1:-inventories/lab}
PORT=${PVE_SIM_PORT:-8006}
SECRET_FILE=.cache/lab-secrets/pve_token
mkdir -p .cache/lab-secrets build/lab
if [ ! -s "${SECRET_FILE}" ]; then  # same file the inventory's password lookup reads
  (umask 077; python -c 'import secrets, string; print("".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(36)))' > "${SECRET_FILE}")
fi
rm -f build/lab/pve-sim.json  # a previous run's file would be taken for this one's
PVE_SIM_TOKEN_SECRET="$(cut -d' ' -f1 "${SECRET_FILE}")" python -m tests.pve_sim --version 9 --port "${PORT}" --tls \
  --cluster-name lab-pve > build/lab/pve-sim.json &
SIM_PID=$!
trap 'kill "${SIM_PID}" 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s build/lab/pve-sim.json ] && break; sleep 0.1; done
[ -s build/lab/pve-sim.json ] || { echo "pve_sim did not start" >&2; exit 1; }
python - <<'PY' > build/lab/pve-sim.json.tmp && mv build/lab/pve-sim.json.tmp build/lab/pve-sim.json
import json; info = json.load(open("build/lab/pve-sim.json")); info.pop("password"); info.pop("token_secret"); print(json.dumps(info))
PY
ansible-playbook -i "${INV}" playbooks/proxmox.yml --tags role::proxmox_storage,role::proxmox_backup,role::proxmox_vms,role::proxmox_ha
ansible-playbook -i "${INV}" playbooks/proxmox.yml --tags role::proxmox_storage,role::proxmox_backup,role::proxmox_vms,role::proxmox_ha | tee build/lab/proxmox-second-run.log
grep -Eq 'localhost +: ok=[0-9]+ +changed=0 ' build/lab/proxmox-second-run.log || { echo "second run changed something" >&2; exit 1; }
python -c "import ssl, urllib.request; urllib.request.urlopen(urllib.request.Request('https://127.0.0.1:${PORT}/_sim/vzdump', method='POST'), context=ssl._create_unverified_context())" >/dev/null
ansible-playbook -i "${INV}" playbooks/pra_drill.yml -e pra_vm=dc01 -e pra_node=pve2
