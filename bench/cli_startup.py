"""Median wall time of `saasctl --help` and `saasctl validate` (the example), as a ratio to `python -c pass`.

Run: python bench/cli_startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def median_seconds(argv: list[str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=False, capture_output=True, cwd=REPO)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    baseline = median_seconds([sys.executable, "-c", "pass"], runs)
    print(f"python -c pass                  {baseline * 1000:7.1f} ms")
    for label, args in (
        ("saasctl --help", ["--help"]),
        ("saasctl validate", ["validate"]),
        ("saasctl tenant list", ["tenant", "list"]),
    ):
        seconds = median_seconds([sys.executable, "-m", "saas_ctl", *args], runs)
        print(f"{label:30s}  {seconds * 1000:7.1f} ms  ratio {seconds / baseline:5.1f}x")


if __name__ == "__main__":
    main()
