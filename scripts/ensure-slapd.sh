#!/usr/bin/env bash
# Makes sure Debian's OpenLDAP server (slapd) and client tools exist, for the LDAP org provider's
# tests, which start a real slapd. Where apt is unavailable this prints why and exits 0: those
# tests then skip with the same message. Safe to run repeatedly.
set -uo pipefail

if command -v slapd >/dev/null 2>&1 || [ -x /usr/sbin/slapd ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-slapd: slapd is missing and apt-get is not available; the LDAP tests will skip" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "ensure-slapd: need root (or sudo) to install slapd; the LDAP tests will skip" >&2
    exit 0
  fi
fi
# Parallel runs would fight over the dpkg lock (the same lock file as ensure-chromium.sh).
exec 9>/tmp/portalkit-chromium-install.lock
flock 9
if [ -x /usr/sbin/slapd ]; then exit 0; fi
echo "ensure-slapd: installing Debian slapd (first run only)..." >&2
export DEBIAN_FRONTEND=noninteractive
# slapd's postinst would configure and start a system server; the tests start their own.
echo "slapd slapd/no_configuration boolean true" | $SUDO debconf-set-selections
{ $SUDO apt-get install -y --no-install-recommends slapd ldap-utils || { $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends slapd ldap-utils; }; } >&2 \
  || echo "ensure-slapd: could not install slapd; the LDAP tests will skip" >&2
exit 0
