#!/bin/sh
# Debian's OpenBLAS (pthread build) for the simulator bench's PyTorch reference:
# bench/sim.ts runs PyTorch once with the BLAS Debian's python3-torch links
# (generic reference BLAS) and once with LD_LIBRARY_PATH pointing here.
# Idempotent; prints the library folder.
set -eu
DIR=/usr/lib/x86_64-linux-gnu/openblas-pthread
if [ ! -e "$DIR/libblas.so.3" ]; then
  export DEBIAN_FRONTEND=noninteractive
  for i in $(seq 1 120); do
    if ! pgrep -x apt-get >/dev/null 2>&1 && ! pgrep -x dpkg >/dev/null 2>&1; then break; fi
    sleep 5
  done
  if [ ! -e "$DIR/libblas.so.3" ]; then
    apt-get update >/dev/null
    apt-get install -y --no-install-recommends libopenblas0-pthread >/dev/null
  fi
fi
echo "$DIR"
