"""Run every benchmark module (or those named) and print one JSON object per line.
Results are also written to benchmarks/results/latest.jsonl."""
from __future__ import annotations

import importlib
import json
import pkgutil
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    names = argv or sorted(m.name for m in pkgutil.iter_modules([str(HERE)])
                          if not m.name.startswith("_") and m.name != "timing")
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    failed = 0
    with open(out_dir / "latest.jsonl", "w") as log:
        for name in names:
            try:
                module = importlib.import_module(f"benchmarks.{name}")
                for record in module.run():
                    record = {"module": name, **record}
                    line = json.dumps(record, ensure_ascii=False, default=float)
                    print(line, flush=True)
                    log.write(line + "\n")
            except Exception as e:                       # one broken benchmark doesn't hide the rest
                failed += 1
                line = json.dumps({"module": name, "name": f"{name}: error", "error": repr(e)[:500],
                                   "trace": traceback.format_exc()[-800:], "time": time.time()})
                print(line, flush=True)
                log.write(line + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
