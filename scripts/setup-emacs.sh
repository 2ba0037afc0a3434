#!/bin/sh
# Install Emacs and eglot (Debian's packages: emacs-nox, elpa-eglot) for the
# headless-editor test of the language server (test/server/emacs.test.ts).
# Idempotent: exits at once when `emacs` can load eglot. Exit status 3 when
# apt-get is not available at all (the test then says so loudly and skips); any
# other failure is an error.
set -eu
has_eglot() { command -v emacs >/dev/null 2>&1 && emacs --batch -q --eval "(require 'eglot)" >/dev/null 2>&1; }
if has_eglot; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-emacs: apt-get is not available on this machine; cannot install emacs and eglot" >&2
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
$SUDO apt-get install -y -q --no-install-recommends emacs-nox elpa-eglot
has_eglot
