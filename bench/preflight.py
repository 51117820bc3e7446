"""Preflight cost: offline time for 10, 100 and 1,000 tenants (target: 1,000 under 1 s), and live preflight
against a local moto server, printing the AWS calls made (they should not grow per tenant where one list
call can answer for all).

Run: python bench/preflight.py
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.specgen import spec_text
from saas_ctl.preflight.run import Mode, run
from saas_ctl.spec.loader import load_bytes


def offline() -> None:
    print(f"{'tenants':>8}  {'offline preflight':>18}  {'per tenant':>10}")
    for count in (10, 100, 1_000):
        loaded = load_bytes(spec_text(count).encode(), "bench")
        start = time.perf_counter()
        report = run(loaded, Mode.OFFLINE)
        elapsed = time.perf_counter() - start
        print(
            f"{count:>8}  {elapsed * 1000:15.1f} ms  {elapsed / count * 1e6:7.1f} µs"
            f"   ({len(report.findings)} findings)"
        )


def live() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or "moto_server"
    process = subprocess.Popen(
        [server, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")
        print(f"\n{'tenants':>8}  {'live preflight':>15}  {'AWS calls':>9}  {'HeadBucket':>10}  other calls")
        for count in (10, 100):
            loaded = load_bytes(spec_text(count).encode(), "bench")
            start = time.perf_counter()
            report = run(loaded, Mode.LIVE, url)
            elapsed = time.perf_counter() - start
            calls = report.calls
            heads = calls["s3:HeadBucket"]
            print(
                f"{count:>8}  {elapsed * 1000:12.0f} ms  {sum(calls.values()):>9}  {heads:>10}  "
                f"{sum(calls.values()) - heads}"
            )
    finally:
        process.terminate()
        process.wait()


if __name__ == "__main__":
    offline()
    live()
