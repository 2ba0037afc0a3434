#!/bin/sh
# Install Debian packages for a real-editor test: scripts/apt-install.sh WHO PACKAGE...
# Waits for other apt users on the machine (dpkg takes a lock), then apt-get update and
# install without recommends. Exit status 3 when apt-get is not available at all (the
# test then says so loudly and skips); any other failure is an error.
set -eu
who=$1; shift
if ! command -v apt-get >/dev/null 2>&1; then
  echo "$who: apt-get is not available on this machine; cannot install $*" >&2
  exit 3
fi
export DEBIAN_FRONTEND=noninteractive
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
for i in $(seq 1 120); do
  if ! pgrep -x apt-get >/dev/null 2>&1 && ! pgrep -x dpkg >/dev/null 2>&1; then break; fi
  sleep 5
done
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "$@"
