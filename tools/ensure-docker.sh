#!/usr/bin/env bash
# Make sure a Docker engine answers: start Debian's dockerd (docker.io) when none does,
# then wait until `docker info` works. Idempotent; prints nothing when the engine is up.
set -euo pipefail
timeout=${DOCKER_START_TIMEOUT:-60}
docker info >/dev/null 2>&1 && exit 0
command -v dockerd >/dev/null || { echo "dockerd not found: install docker.io (tools/bootstrap-host.sh)" >&2; exit 1; }
if [ "$(id -u)" -ne 0 ]; then
  echo "the Docker engine is not running and starting it needs root" >&2; exit 1
fi
echo "starting dockerd"
if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  systemctl start docker
else
  mkdir -p /var/log
  nohup dockerd >/var/log/dockerd.log 2>&1 &
fi
for _ in $(seq "${timeout}"); do
  docker info >/dev/null 2>&1 && { echo "dockerd is up"; exit 0; }
  sleep 1
done
echo "dockerd did not answer within ${timeout} s (see /var/log/dockerd.log)" >&2
exit 1
