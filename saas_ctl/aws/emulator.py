"""A local AWS emulator (moto server) for trying saasctl without an AWS account.

`saasctl local start` runs it in the background on 127.0.0.1 and records its address in
``.saasctl/local.json``; ``--local`` then points the AWS provider (and preflight) at it, with a state backend of
its own (``.saasctl/local/state``, saas_ctl/state/location.py): what the emulator holds lives as long as it does,
so starting a new emulator and stopping one both discard that state.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from saas_ctl.errors import SaasctlError, UsageError
from saas_ctl.state import location

# moto reports a new ECS service's rollout COMPLETED only once its running count reaches the desired count, and
# the running count is one server-wide setting (moto ecs/models.py, Service): 1 completes the rollout of a tenant
# at the default desired_count. Set MOTO_ECS_SERVICE_RUNNING before `saasctl local start` for larger counts.
ECS_RUNNING_VARIABLE = "MOTO_ECS_SERVICE_RUNNING"
ECS_RUNNING_DEFAULT = "1"


@dataclass(frozen=True)
class Emulator:
    pid: int
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def state_file(workdir: Path) -> Path:
    return workdir / ".saasctl" / "local.json"


def _alive(emulator: Emulator) -> bool:
    try:
        os.kill(emulator.pid, 0)
    except OSError:
        return False
    try:
        urllib.request.urlopen(f"{emulator.url}/moto-api/", timeout=2)
    except OSError:
        return False
    return True


def status(workdir: Path) -> Emulator | None:
    path = state_file(workdir)
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    emulator = Emulator(int(data["pid"]), int(data["port"]))
    return emulator if _alive(emulator) else None


def start(workdir: Path, port: int = 0) -> Emulator:
    running = status(workdir)
    if running:
        return running
    executable = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or shutil.which("moto_server")
    if executable is None:
        raise SaasctlError("moto_server is not installed", hint="pip install 'moto[server]'")
    if port == 0:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
    log = workdir / ".saasctl" / "logs" / "moto.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as handle:
        process = subprocess.Popen(
            [executable, "-H", "127.0.0.1", "-p", str(port)],
            stdout=handle,
            stderr=handle,
            start_new_session=True,  # survives this command, like a daemon
            env={ECS_RUNNING_VARIABLE: ECS_RUNNING_DEFAULT, **os.environ},  # the caller's setting wins
        )
    emulator = Emulator(process.pid, port)
    deadline = time.monotonic() + 30
    while not _alive(emulator):
        if process.poll() is not None or time.monotonic() > deadline:
            raise SaasctlError(f"the local emulator did not start (see {log})")
        time.sleep(0.2)
    state_file(workdir).write_text(json.dumps({"pid": emulator.pid, "port": emulator.port}) + "\n")
    _discard_state(workdir)  # stacks of an emulator that is gone: a new one holds none of their resources
    location.mark_emulator_backend(workdir / location.EMULATOR_DIR)
    return emulator


def _discard_state(workdir: Path) -> None:
    shutil.rmtree(workdir / location.EMULATOR_DIR.parent, ignore_errors=True)


def stop(workdir: Path) -> bool:
    running = status(workdir)
    path = state_file(workdir)
    if path.exists():
        path.unlink()
    _discard_state(workdir)
    if running is None:
        return False
    os.kill(running.pid, signal.SIGTERM)
    return True


def endpoint(workdir: Path) -> str:
    running = status(workdir)
    if running is None:
        raise UsageError("--local needs the local emulator, which is not running", hint="run `saasctl local start`")
    return running.url
