#!/bin/sh
# Install Neovim (Debian's package) for the headless-editor test of the language
# server (test/server/neovim.test.ts). Idempotent: exits at once when `nvim` is
# on the PATH. Exit status 3 when apt-get is not available at all (the test then
# says so loudly and skips); any other failure is an error.
set -eu
if command -v nvim >/dev/null 2>&1; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-neovim: apt-get is not available on this machine; cannot install neovim" >&2
  exit 3
fi
export DEBIAN_FRONTEND=noninteractive
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
# Wait for other apt users on the machine (dpkg takes a lock).
for i in $(seq 1 120); do
  if ! pgrep -x apt-get >/dev/null 2>&1 && ! pgrep -x dpkg >/dev/null 2>&1; then break; fi
  sleep 5
done
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends neovim
command -v nvim >/dev/null 2>&1
