#!/bin/sh
# Install what the real-VS-Code tests (test/e2e) and `npm start` (without a
# desktop `code`) need: Debian chromium + headers for native modules, and
# code-server 4.100.3 + playwright-core cached under .e2e/cs (git-ignored).
# Recipe: ../shared/docs/e2e-vscode.md. Idempotent: a finished install is
# marked by .e2e/cs/.ready and the script then exits at once.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CS_DIR="$ROOT/.e2e/cs"
CS_VERSION=4.100.3
MARK="$CS_DIR/.ready-$CS_VERSION"

need_apt=0
for bin in /usr/bin/chromium /usr/bin/rg; do [ -x "$bin" ] || need_apt=1; done
for hdr in /usr/include/krb5.h /usr/include/X11/Xlib.h /usr/include/X11/extensions/XKBfile.h; do
  [ -e "$hdr" ] || need_apt=1
done
pkg-config --exists libsecret-1 2>/dev/null || need_apt=1
if [ "$need_apt" = 1 ]; then
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  # Serialize with other apt users on the machine.
  for i in $(seq 1 120); do
    if ! pgrep -x apt-get >/dev/null 2>&1 && ! pgrep -x dpkg >/dev/null 2>&1; then break; fi
    sleep 5
  done
  $SUDO apt-get update
  $SUDO apt-get install -y libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep chromium \
    build-essential python3 pkg-config
fi

if [ -f "$MARK" ]; then
  echo "setup-e2e: code-server $CS_VERSION already installed in $CS_DIR"
  exit 0
fi

rm -rf "$CS_DIR"
mkdir -p "$CS_DIR"
cd "$CS_DIR"
npm init -y >/dev/null
npm install --no-audit --no-fund code-server@$CS_VERSION --ignore-scripts
cd node_modules/code-server/lib/vscode
npm install --no-audit --no-fund --omit=dev --unsafe-perm --ignore-scripts
mkdir -p node_modules/@vscode/ripgrep/bin && cp /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
npm_config_yes=true npm rebuild --unsafe-perm
ln -sfn node_modules node_modules.asar
cd extensions && npm install --no-audit --no-fund --omit=dev --unsafe-perm
cd "$CS_DIR"
npm_config_yes=true npm rebuild argon2 --build-from-source
npm install --no-audit --no-fund playwright-core --ignore-scripts
node node_modules/code-server/out/node/entry.js --version
touch "$MARK"
echo "setup-e2e: ready in $CS_DIR"
