"""The table `make bench` ends with: every figure the benchmarks judged (`_figures.verdict`), its
target, what was measured, and whether it is met - in the order they ran.

    .venv/bin/python benchmarks/summary.py [build/bench-figures.jsonl]   (else $KAMKIT_BENCH_TABLE)
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from _figures import TABLE  # noqa: I001 - benchmarks/ is on sys.path when run


def main() -> int:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get(TABLE, ""))
    if not path.is_file():
        print(f"No figures were recorded (set {TABLE} to a file, as `make bench` does).")
        return 1
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    widths = [max(len(r[k]) for r in rows + [{"figure": "figure", "target": "target",
                                               "measured": "measured"}])
              for k in ("figure", "target", "measured")]
    print("\nEvery figure, its target, and whether this run meets it:\n")
    head = ("figure", "target", "measured")
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + "  met")
    print("  ".join("-" * w for w in widths) + "  ---")
    for r in rows:
        print("  ".join(r[k].ljust(w) for k, w in zip(head, widths, strict=True))
              + ("  yes" if r["met"] else "  NO"))
    missed = sum(not r["met"] for r in rows)
    print(f"\n{len(rows) - missed} of {len(rows)} met" + (f"; {missed} not" if missed else "."))
    return 0


if __name__ == "__main__":
    sys.exit(main())
