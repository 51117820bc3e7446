"""What a shared state backend costs a command: `saasctl platform outputs` (one stack read through the Pulumi CLI:
`pulumi version`, `stack select`, `stack output`) on a file backend and on an S3 backend with awskms:// secrets,
both in one run, against a moto server on this machine (so S3's own network latency is not in the figures: a
real bucket adds it to every request).

Needs the Pulumi CLI scripts/build-pulumi builds (or SAASCTL_TEST_PULUMI) and moto_server.

Run: python bench/state_backend.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SPEC = """\
platform:
  project: bench
  environment: dev
  domain: example.com
  database: {{engine_version: "15.8"}}
{state}tenants: []
"""


def pulumi_cli() -> str:
    explicit = os.environ.get("SAASCTL_TEST_PULUMI")
    cached = Path.home() / ".cache" / "saasctl" / "pulumi-cli" / "v3.274.1" / "bin" / "pulumi"
    found = explicit or (str(cached) if cached.exists() else shutil.which("pulumi"))
    if not found:
        sys.exit("no Pulumi CLI: run scripts/build-pulumi first")
    return found


def moto() -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    executable = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or "moto_server"
    server = subprocess.Popen([executable, "-H", "127.0.0.1", "-p", str(port)], stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=1)
            return server, url
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("moto_server did not start")


def saasctl(workdir: Path, env: dict[str, str], *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "saas_ctl", *args], cwd=workdir, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def median(runs: int, workdir: Path, env: dict[str, str], *args: str) -> float:
    saasctl(workdir, env, *args)  # warm: the first run compiles and caches
    return statistics.median(saasctl(workdir, env, *args) for _ in range(runs))


def init_stack(pulumi: str, workdir: Path, env: dict[str, str], backend: str, secrets: str) -> None:
    project = workdir / "project"
    project.mkdir(exist_ok=True)
    (project / "Pulumi.yaml").write_text("name: bench-platform\nruntime: python\n")
    subprocess.run(
        [pulumi, "stack", "init", "organization/bench-platform/dev", "--secrets-provider", secrets],
        cwd=project,
        env={**env, "PULUMI_BACKEND_URL": backend},
        check=True,
        capture_output=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    pulumi = pulumi_cli()
    server, url = moto()
    try:
        with tempfile.TemporaryDirectory() as directory:
            workdir = Path(directory)
            bin_dir = workdir / "bin"
            bin_dir.mkdir()
            (bin_dir / "pulumi").symlink_to(pulumi)
            env = {
                **os.environ,
                "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
                "PYTHONPATH": str(REPO),
                "PULUMI_HOME": str(workdir / "pulumi-home"),
                "PULUMI_SKIP_UPDATE_CHECK": "true",
                "SAASCTL_PULUMI_ROOT": str(workdir / "none"),
                "SAASCTL_ENGINE": "pulumi",
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": "us-east-1",
            }
            env.pop("PULUMI_BACKEND_URL", None)
            (workdir / "tenants.yaml").write_text(SPEC.format(state=""))
            made = subprocess.run(
                [sys.executable, "-m", "saas_ctl", "state", "init", "--endpoint-url", url, "--json"],
                cwd=workdir,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            state = json.loads(made.stdout)["state"]
            file_backend = (workdir / ".saasctl" / "state").as_uri()
            (workdir / ".saasctl" / "state").mkdir(parents=True)
            with_passphrase = {**env, "PULUMI_CONFIG_PASSPHRASE": "bench"}
            init_stack(pulumi, workdir, with_passphrase, file_backend, "passphrase")
            init_stack(pulumi, workdir, env, state["backend"], state["secrets_provider"])
            s3_spec = workdir / "s3.yaml"
            lines = f"  state:\n    backend: {state['backend']}\n    secrets_provider: {state['secrets_provider']}\n"
            s3_spec.write_text(SPEC.format(state=lines))
            print(f"median of {runs} runs each (moto on 127.0.0.1, Pulumi CLI {pulumi})")
            for command in (("platform", "outputs", "--json"), ("tenant", "list", "--json")):
                file_time = median(runs, workdir, with_passphrase, *command)
                s3_time = median(runs, workdir, env, "-f", str(s3_spec), *command)
                name = " ".join(command[:2])
                print(
                    f"  saasctl {name:<17} file backend {file_time:5.2f} s   S3 + awskms {s3_time:5.2f} s"
                    f"   {s3_time / file_time:.2f}x (+{s3_time - file_time:.2f} s)"
                )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
