#!/usr/bin/env bash
# npm run verify: fix safety of `initlens check --fix`, end to end, with real PyTorch.
#
# 1. Makes sure Debian's python3-torch and python3-numpy are importable by the
#    system Python (/usr/bin/python3), installing them with apt-get when not.
# 2. Runs scripts/verify_torch.py, which fixes a temporary copy of the corpus
#    with the InitLens CLI, checks that every fixed Python file parses and that a
#    second --fix changes nothing, then builds each runnable PyTorch model from
#    the fixed source and checks weight std and forward second moments.
#    It prints a results table and writes docs/fix-safety.md.
# 3. Runs scripts/verify_sim.py: the simulator's tfjs forward/backward against
#    PyTorch on the same weights (≤ 1e-4 relative), and its per-layer statistics
#    against PyTorch's on the corpus' runnable chains (within the seed spread).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=/usr/bin/python3
if ! "$PY" -c 'import torch, numpy' >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  # Wait for another apt/dpkg run (another script may be installing at the same time).
  for _ in $(seq 1 120); do
    if ! pgrep -x apt-get >/dev/null 2>&1 && ! pgrep -x dpkg >/dev/null 2>&1; then break; fi
    sleep 5
  done
  if ! "$PY" -c 'import torch, numpy' >/dev/null 2>&1; then
    apt-get update
    apt-get install -y --no-install-recommends python3-torch python3-numpy
  fi
  "$PY" -c 'import torch, numpy'
fi

status=0
"$PY" scripts/verify_torch.py "$@" || status=1
# The variance simulator against PyTorch: same weights (deterministic), and per-layer
# statistics on the corpus' runnable chains.
"$PY" scripts/verify_sim.py || status=1
exit $status
