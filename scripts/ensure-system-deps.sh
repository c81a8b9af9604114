#!/bin/sh
# Installs the Debian packages the tests and the demo need, only when they are missing
# and only when running as root (a non-root user gets a message and the tests that need
# them skip themselves). Repeated runs cost one dpkg query per package.
set -eu
needed="${HOTSPOT_SYSTEM_PACKAGES:-}"
[ -n "$needed" ] || exit 0
missing=""
for pkg in $needed; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
done
[ -n "$missing" ] || exit 0
if [ "$(id -u)" != "0" ]; then
  echo "note: missing system packages:$missing (run as root to install them; dependent tests skip)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
