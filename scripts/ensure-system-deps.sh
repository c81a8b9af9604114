#!/bin/sh
# Installs the Debian packages the tests and the demo need, only when they are missing
# and only when running as root (a non-root user gets a message and the tests that need
# them skip themselves). Repeated runs cost one dpkg query per package.
#
# Default list (override with HOTSPOT_SYSTEM_PACKAGES):
#   dbus              dbus-daemon for the private test buses (Debug.Stats is built in)
#   python3-dbusmock  the independent NetworkManager peer (template "networkmanager")
#   network-manager   the real NetworkManager, run inside a network namespace
#   iproute2          ip netns / veth for that namespace
#   dnsmasq-base      DHCP server (with option 114) and catch-all DNS on the namespace's far side
#                     (the binary without the system service, which must not start on the host)
#   isc-dhcp-client   dhclient, the only NM DHCP backend that requests option 114 (also the
#                     harness's namespace-mode client)
#   nftables          nft, the harness's walled garden in namespace mode
#   openssl           per-run certificates for namespace mode's HTTPS portal API
#   chromium          the headless browser behind ctx.browser() and the click-through fallback
#   chromium-headless-shell  the lighter headless Chromium the launcher prefers for logins
#   desktop-file-utils desktop-file-validate, for the agent's XDG autostart entry
#   xvfb              a virtual X server for the test of the visible portal window
set -eu
needed="${HOTSPOT_SYSTEM_PACKAGES:-dbus python3-dbusmock network-manager iproute2 dnsmasq-base isc-dhcp-client nftables openssl chromium chromium-headless-shell desktop-file-utils xvfb}"
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
# Installing network-manager must not start it on the host: it would take over the host's
# interfaces. Without a policy-rc.d, add one that forbids service starts for the install.
policy=/usr/sbin/policy-rc.d
added_policy=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  added_policy=1
fi
log=$(mktemp)
cleanup() { [ -z "$added_policy" ] || rm -f "$policy"; rm -f "$log"; }
trap cleanup EXIT
# apt chatters on stderr even with -qq (debconf notes): show its output only when it fails.
# shellcheck disable=SC2086
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "error: could not install:$missing" >&2
  exit 1
fi
