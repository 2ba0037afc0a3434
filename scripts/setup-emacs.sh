#!/bin/sh
# Install Emacs and eglot (Debian's packages: emacs-nox, elpa-eglot) for the
# headless-editor test of the language server (test/server/emacs.test.ts).
# Idempotent: exits at once when `emacs` can load eglot. Exit status 3 when
# apt-get is not available at all (the test then says so loudly and skips); any
# other failure is an error.
set -eu
has_eglot() { command -v emacs >/dev/null 2>&1 && emacs --batch -q --eval "(require 'eglot)" >/dev/null 2>&1; }
if has_eglot; then exit 0; fi
sh "$(dirname "$0")/apt-install.sh" setup-emacs emacs-nox elpa-eglot
has_eglot
