"""Validation time of generated files of 10 .. 10,000 tenants: total and per tenant (target: 10,000 < 2 s, flat).

Run: python bench/validate_scale.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.specgen import write_spec
from saas_ctl.spec.loader import load


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        print(f"{'tenants':>8}  {'total':>9}  {'per tenant':>11}")
        for count in (10, 100, 1_000, 10_000):
            path = write_spec(Path(directory), count)
            best = float("inf")
            for _ in range(3):
                start = time.perf_counter()
                load(path)
                best = min(best, time.perf_counter() - start)
            print(f"{count:>8}  {best * 1000:7.1f} ms  {best / count * 1e6:8.1f} µs")


if __name__ == "__main__":
    main()
