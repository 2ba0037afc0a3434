"""PyTorch reference for bench/sim.ts: the identical computation as one simulator seed.

50 dense layers of width 512, ReLU, batch 1,024, float32: forward, then backward
from a standard-normal cotangent with every weight's gradient (150 matmuls,
80.5 GFLOP). Weights He-normal, no bias. Prints one JSON line:
{"blas": BLAS_INFO, "threads": n, "seconds": [...]} (median taken by the caller).
Usage: sim_torch.py THREADS REPEATS
"""
import json
import sys
import time

import torch

threads = int(sys.argv[1])
repeats = int(sys.argv[2])
torch.set_num_threads(threads)
blas = "unknown"
for part in torch.__config__.show().replace("\n", ",").split(","):
    if "BLAS_INFO=" in part:
        blas = part.split("BLAS_INFO=", 1)[1].strip()

L, W, B = 50, 512, 1024
torch.manual_seed(0)
ws = [torch.randn(W, W) * (2.0 / W) ** 0.5 for _ in range(L)]
for w in ws:
    w.requires_grad_(True)


def once() -> float:
    x = torch.randn(B, W)
    t = time.perf_counter()
    h = x
    for w in ws:
        h = torch.relu(h @ w)
    cot = torch.randn(B, W)
    grads = torch.autograd.grad(h, ws, cot)
    s = sum(float(g[0, 0]) for g in grads)  # make sure everything is computed
    dt = time.perf_counter() - t
    assert s == s
    return dt


once()  # warm-up
print(json.dumps({"blas": blas, "threads": threads, "seconds": [once() for _ in range(repeats)]}))
