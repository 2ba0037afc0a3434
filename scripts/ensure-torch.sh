#!/bin/sh
# Make PyTorch + NumPy importable by the system Python (/usr/bin/python3).
# Used by test/math/crosscheck-torch.test.ts to compare weightVariance() with
# real torch.nn.init draws. Idempotent: exits at once when already importable.
set -eu
PY=/usr/bin/python3
if "$PY" -c "import torch, numpy" >/dev/null 2>&1; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# Serialize with other apt users (another engineer's script may run at the same time).
for i in $(seq 1 120); do
  if ! pgrep -x apt-get >/dev/null 2>&1 && ! pgrep -x dpkg >/dev/null 2>&1; then break; fi
  sleep 5
done
if "$PY" -c "import torch, numpy" >/dev/null 2>&1; then
  exit 0
fi
apt-get update
apt-get install -y --no-install-recommends python3-torch python3-numpy
"$PY" -c "import torch, numpy"
