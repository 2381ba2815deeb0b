#!/usr/bin/env bash
# Makes sure Debian's mkdocs, mkdocs-material and pymdown-extensions exist, for the TechDocs
# parity test (test/techdocs-parity), which builds its fixture site with the real mkdocs too.
# Where apt is unavailable this prints why and exits 0: the test then compares against the
# checked-in mkdocs output instead (test/fixtures/techdocs-parity/mkdocs-output). Safe to run
# repeatedly.
set -uo pipefail

have() { command -v mkdocs >/dev/null 2>&1 && /usr/bin/python3 -c 'import pymdownx, markdown' >/dev/null 2>&1 && [ -d /usr/share/mkdocs/themes/material ]; }
if have; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-mkdocs: mkdocs is missing and apt-get is not available; the parity test uses its checked-in mkdocs output" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "ensure-mkdocs: need root (or sudo) to install mkdocs; the parity test uses its checked-in mkdocs output" >&2
    exit 0
  fi
fi
# Parallel runs would fight over the dpkg lock (the same lock file as ensure-chromium.sh).
exec 9>/tmp/portalkit-chromium-install.lock
flock 9
if have; then exit 0; fi
echo "ensure-mkdocs: installing Debian mkdocs, mkdocs-material and python3-pymdownx (first run only)..." >&2
export DEBIAN_FRONTEND=noninteractive
PACKAGES="mkdocs mkdocs-material python3-pymdownx"
{ $SUDO apt-get install -y --no-install-recommends $PACKAGES || { $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends $PACKAGES; }; } >&2 \
  || echo "ensure-mkdocs: could not install mkdocs; the parity test uses its checked-in mkdocs output" >&2
exit 0
