#!/bin/sh
# Install Neovim (Debian's package) for the headless-editor test of the language
# server (test/server/neovim.test.ts). Idempotent: exits at once when `nvim` is
# on the PATH. Exit status 3 when apt-get is not available at all (the test then
# says so loudly and skips); any other failure is an error.
set -eu
if command -v nvim >/dev/null 2>&1; then exit 0; fi
sh "$(dirname "$0")/apt-install.sh" setup-neovim neovim
command -v nvim >/dev/null 2>&1
