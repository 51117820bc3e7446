"""Median wall time of `saasctl --help` and `saasctl validate` (the example), as a ratio to `python -c pass`,
and `saasctl --help` side by side with a bare two-command Typer app's `--help` (issue 12's target: at most
1.1x). Bytecode caches are written first and used, as an installed package has them.

Run: python bench/cli_startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BARE_TYPER = """
import typer
app = typer.Typer()
@app.command()
def one(name: str) -> None:
    \"\"\"The first command.\"\"\"
@app.command()
def two(flag: bool = False) -> None:
    \"\"\"The second command.\"\"\"
app()
"""
ENV = {**os.environ, "PYTHONDONTWRITEBYTECODE": ""}  # caches are used, as installed


def median_seconds(argv: list[str], runs: int) -> float:
    subprocess.run(argv, check=False, capture_output=True, cwd=REPO, env=ENV)  # writes the bytecode caches
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=False, capture_output=True, cwd=REPO, env=ENV)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def alternating(first: list[str], second: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Wall times of two commands run in turn, so that drift in the machine's speed reaches both alike."""
    for argv in (first, second):
        subprocess.run(argv, check=False, capture_output=True, cwd=REPO, env=ENV)  # bytecode caches
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for argv, found in zip((first, second), samples, strict=True):
            start = time.perf_counter()
            subprocess.run(argv, check=False, capture_output=True, cwd=REPO, env=ENV)
            found.append(time.perf_counter() - start)
    return samples


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
    with tempfile.TemporaryDirectory() as directory:
        bare = Path(directory) / "bare.py"
        bare.write_text(BARE_TYPER)
        compileall.compile_file(str(bare), quiet=1)
        typer_help, ours = alternating(
            [sys.executable, str(bare), "--help"], [sys.executable, "-m", "saas_ctl", "--help"], 2 * runs
        )
    paired = statistics.median(b / a for a, b in zip(typer_help, ours, strict=True))
    print(f"bare two-command Typer --help   {statistics.median(typer_help) * 1000:7.1f} ms median")
    print(f"saasctl --help                  {statistics.median(ours) * 1000:7.1f} ms median")
    print(
        f"saasctl --help / bare Typer --help: {paired:4.2f}x (median of {len(ours)} back-to-back pairs), "
        f"{min(ours) / min(typer_help):4.2f}x (fastest of each)"
    )


if __name__ == "__main__":
    main()
