#!/bin/sh
# A Python virtual environment with Jupyter Server and jupyter-lsp (the server half
# of JupyterLab's LSP integration, which starts language servers and bridges them
# to the browser over a WebSocket) for test/server/jupyter.test.ts. Installed with
# pip from whatever index pip is configured with. Idempotent. Prints the venv's
# path on stdout. Exit status 3 when python3 or the packages are not available
# (the test then says so loudly and skips); any other failure is an error.
set -eu
VENV="${INITLENS_JUPYTER_VENV:-${HOME:-/root}/.cache/initlens/jupyter-lsp}"
if [ -x "$VENV/bin/jupyter-server" ] && "$VENV/bin/python" -c "import jupyter_lsp" >/dev/null 2>&1; then echo "$VENV"; exit 0; fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "setup-jupyter-lsp: python3 is not available on this machine" >&2
  exit 3
fi
python3 -m venv "$VENV" >&2
if ! "$VENV/bin/pip" install -q --disable-pip-version-check --retries 0 --timeout 20 jupyter-server jupyter-lsp >&2; then
  echo "setup-jupyter-lsp: pip could not install jupyter-server and jupyter-lsp from its configured index" >&2
  exit 3
fi
echo "$VENV"
