#!/usr/bin/env bash
# Build (once) the local base image of every Debian container: Debian 12 with systemd,
# made with debootstrap + `docker import` since no image registry is reachable.
# The image carries the hash of this script as a label: a changed script rebuilds it;
# an unchanged one is a no-op. FORCE=1 rebuilds anyway.
set -euo pipefail
IMAGE=${SITEKIT_DEBIAN_IMAGE:-sitekit/debian12-systemd:latest}
SUITE=bookworm
# The mirrors are this machine's own (its apt sources, one-line or deb822), never a host written here;
# DEBIAN_MIRROR / DEBIAN_SECURITY_MIRROR override them.
apt_uris() {
  { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true; } \
    | sed -nE 's/^deb(-src)? +(\[[^]]*\] +)?([a-z]+:\/\/[^ ]+).*/\3/p; s/^URIs: *//p' | tr ' ' '\n' | sed 's#/*$##'
}
MIRROR=${DEBIAN_MIRROR:-$(apt_uris | { grep -v -- '-security$' || true; } | head -n 1)}
SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-$(apt_uris | { grep -- '-security$' || true; } | head -n 1)}
[ -n "${MIRROR}" ] && [ -n "${SECURITY_MIRROR}" ] \
  || { echo "no Debian mirror in /etc/apt/sources*: set DEBIAN_MIRROR and DEBIAN_SECURITY_MIRROR" >&2; exit 1; }
PACKAGES=systemd,systemd-sysv,dbus,python3,python3-apt,sudo,iproute2,ca-certificates,procps,less
hash=$(cat "$0" | sha256sum | cut -c1-16)

current=$(docker image inspect --format '{{ index .Config.Labels "org.sitekit.hash" }}' "${IMAGE}" 2>/dev/null || true)
if [ "${current}" = "${hash}" ] && [ -z "${FORCE:-}" ]; then
  exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "debootstrap needs root" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "debootstrap not found (tools/bootstrap-host.sh installs it)" >&2; exit 1; }

t0=$SECONDS
root=$(mktemp -d /var/tmp/sitekit-rootfs.XXXXXX)
trap 'rm -rf "${root}"' EXIT
echo "building ${IMAGE} (debootstrap ${SUITE} from ${MIRROR})"
debootstrap --variant=minbase --include="${PACKAGES}" "${SUITE}" "${root}" "${MIRROR}" >"${root}.log" 2>&1 \
  || { tail -30 "${root}.log" >&2; rm -f "${root}.log"; exit 1; }
rm -f "${root}.log"

cat >"${root}/etc/apt/sources.list" <<SOURCES
deb ${MIRROR} ${SUITE} main
deb ${MIRROR} ${SUITE}-updates main
deb ${SECURITY_MIRROR} ${SUITE}-security main
SOURCES
# A container: no getty, no hardware units, no udev waits; fast systemd boot.
chroot "${root}" systemctl mask getty@tty1.service serial-getty@.service console-getty.service \
  systemd-udevd.service systemd-udev-trigger.service systemd-modules-load.service \
  sys-kernel-config.mount sys-kernel-debug.mount sys-kernel-tracing.mount \
  systemd-remount-fs.service systemd-firstboot.service >/dev/null 2>&1
# Keep the image small: no docs/man pages installed later, no package lists or caches.
cat >"${root}/etc/dpkg/dpkg.cfg.d/01-container" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
DPKG
cat >"${root}/etc/apt/apt.conf.d/01-container" <<'APT'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
APT
rm -rf "${root}"/var/lib/apt/lists/* "${root}"/var/cache/apt/*.bin "${root}"/var/cache/apt/archives/*.deb \
  "${root}"/usr/share/doc/* "${root}"/usr/share/man/* "${root}"/var/log/*.log
: >"${root}/etc/machine-id"
echo "sitekit" >"${root}/etc/hostname"

tar -C "${root}" -c . | docker import \
  --change 'CMD ["/sbin/init"]' \
  --change 'ENV container=docker' \
  --change "LABEL org.sitekit.hash=${hash}" \
  --change "LABEL org.sitekit.suite=${SUITE}" \
  - "${IMAGE}" >/dev/null
size=$(docker image inspect --format '{{ .Size }}' "${IMAGE}")
echo "built ${IMAGE} in $((SECONDS - t0)) s ($((size / 1024 / 1024)) MiB)"
