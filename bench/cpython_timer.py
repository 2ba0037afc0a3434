"""Times CPython's ast.parse on files, driven line by line from stdin.

Started once by bench/run.ts with one or more file paths. Protocol (one JSON
object per line on stdout):
  startup              -> {"ready": true, "python": "<version>", "chars": N, "files": [N0, N1, ...]}
                          (chars: the first file's length; files: every file's length)
  stdin "parse\n"      -> {"ms": <time of one ast.parse of the first file in milliseconds>}
  stdin "parse I\n"    -> the same for file number I (0-based)
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
    paths = sys.argv[1:]
    sources = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            sources.append(handle.read())
    lengths = [len(s) for s in sources]
    print(json.dumps({"ready": True, "python": sys.version.split()[0], "chars": lengths[0], "files": lengths}), flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "quit":
            break
        words = command.split()
        if not words or words[0] != "parse" or len(words) > 2 or (len(words) == 2 and not words[1].isdigit()):
            print(json.dumps({"error": "unknown command " + command}), flush=True)
            continue
        index = int(words[1]) if len(words) == 2 else 0
        if index >= len(sources):
            print(json.dumps({"error": "no file number %d" % index}), flush=True)
            continue
        gc.collect()
        started = time.perf_counter()
        tree = ast.parse(sources[index], filename=paths[index])
        elapsed = time.perf_counter() - started
        del tree
        print(json.dumps({"ms": elapsed * 1000.0}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
