#!/usr/bin/env bash
# Makes sure a Chromium the browser tests can drive exists at /usr/bin/chromium.
# The tests use playwright-core (no bundled browser download), so they need a system Chromium;
# on Debian/Ubuntu images that is the `chromium` package. Safe to run repeatedly.
set -euo pipefail

CHROMIUM="${PORTALKIT_CHROMIUM:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $CHROMIUM is missing and apt-get is not available; install Chromium manually" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "ensure-chromium: need root (or sudo) to install chromium" >&2
    exit 1
  fi
fi

# Concurrent runs (parallel CI jobs, several engineers) would fight over the dpkg lock.
LOCK=/tmp/portalkit-chromium-install.lock
exec 9>"$LOCK"
flock 9
if [ -x "$CHROMIUM" ]; then
  exit 0
fi

echo "ensure-chromium: installing Debian chromium (first run only)..." >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium

if [ ! -x "$CHROMIUM" ]; then
  echo "ensure-chromium: chromium installed but $CHROMIUM not found" >&2
  exit 1
fi
"$CHROMIUM" --version >&2 || true
