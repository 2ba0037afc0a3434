"""Times CPython's ast.parse on one file, driven line by line from stdin.

Started once by bench/run.ts. Protocol (one JSON object per line on stdout):
  startup              -> {"ready": true, "python": "<version>", "chars": N}
  stdin "parse\n"      -> {"ms": <time of one ast.parse in milliseconds>}
  stdin "quit\n" / EOF -> exits 0
The timing is taken inside Python with time.perf_counter, so pipe latency is
not part of the figure.
"""

import ast
import gc
import json
import sys
import time


def main() -> int:
    path = sys.argv[1]
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    print(json.dumps({"ready": True, "python": sys.version.split()[0], "chars": len(source)}), flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "quit":
            break
        if command != "parse":
            print(json.dumps({"error": "unknown command " + command}), flush=True)
            continue
        gc.collect()
        started = time.perf_counter()
        tree = ast.parse(source, filename=path)
        elapsed = time.perf_counter() - started
        del tree
        print(json.dumps({"ms": elapsed * 1000.0}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
