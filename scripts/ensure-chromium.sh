#!/usr/bin/env bash
# Makes sure Debian's chromium is at /usr/bin/chromium (the browser of the web app's end-to-end
# tests and of the Lighthouse benchmark). When it is missing it is installed with apt-get: as root
# directly (CI runs as root), otherwise through sudo without a password prompt. Idempotent: a
# no-op when the browser is already there. CHROMIUM_PATH overrides the path it looks for.
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "ensure-chromium: $CHROMIUM is missing and this user can neither install packages (not root) nor use sudo without a password." >&2
  echo "ensure-chromium: install it by hand: sudo apt-get update && sudo apt-get install -y chromium" >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $CHROMIUM is missing and apt-get is not available (not a Debian-based system); install Chromium and set CHROMIUM_PATH." >&2
  exit 1
fi

echo "ensure-chromium: $CHROMIUM is missing; installing Debian's chromium with apt-get…" >&2
# several runs may try at once on one machine: wait for the dpkg lock rather than fail
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=300 update -qq
"${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2

if [ ! -x "$CHROMIUM" ]; then
  echo "ensure-chromium: apt-get finished but $CHROMIUM is still missing." >&2
  exit 1
fi
echo "ensure-chromium: $("$CHROMIUM" --version 2>/dev/null || echo chromium) installed at $CHROMIUM" >&2
