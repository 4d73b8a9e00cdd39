#!/usr/bin/env bash
# Lab stage: the Proxmox tier converged on the schema-checking API simulator (127.0.0.1).
exec bash tests/pve_sim/lab_stage.sh "$@"
