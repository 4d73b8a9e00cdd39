#!/usr/bin/env bash
# Lab stage: the network tier pushed to simulated switches and routers (fake-switches, 127.0.0.1).
exec python tests/network/lab_stage.py "$@"
