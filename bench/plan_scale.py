"""Offline synthesis time of tenant stacks: per-tenant cost for 1, 10 and 100 tenants (should be flat), and
one tenant's plan when 1 vs 100 tenants are declared (should not grow: one stack per tenant).

Run: python bench/plan_scale.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.specgen import spec_text
from saas_ctl.service.plan import plan
from saas_ctl.spec.loader import load_bytes


def main() -> None:
    warm = load_bytes(spec_text(1).encode(), "warm-up").spec
    plan(warm)  # load the programs and pulumi_aws modules once, outside the measurements
    print(f"{'tenants':>8}  {'total':>9}  {'per tenant':>10}")
    for count in (1, 10, 100):
        spec = load_bytes(spec_text(count).encode(), "bench").spec
        names = [t.name for t in spec.tenants]
        start = time.perf_counter()
        plan(spec, names)
        elapsed = time.perf_counter() - start
        print(f"{count:>8}  {elapsed * 1000:7.0f} ms  {elapsed / count * 1000:7.1f} ms")

    one = {}
    for declared in (1, 100):
        spec = load_bytes(spec_text(declared).encode(), "bench").spec
        samples = []
        for _ in range(5):
            start = time.perf_counter()
            plan(spec, [spec.tenants[0].name])
            samples.append(time.perf_counter() - start)
        one[declared] = statistics.median(samples)
    print(f"one tenant's plan with   1 declared: {one[1] * 1000:6.1f} ms")
    print(f"one tenant's plan with 100 declared: {one[100] * 1000:6.1f} ms  (ratio {one[100] / one[1]:.2f})")


if __name__ == "__main__":
    main()
