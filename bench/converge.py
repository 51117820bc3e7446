"""Converging a fleet in the time of the tenants that changed (issue 21), on the real engine.

On the Pulumi CLI built here with the AWS provider double (tests/aws_double) and a file backend, side by side
in one run, each pair alternating (a, b, a, b, ...) so that the machine's load falls on both alike:

1. `apply` of N unchanged tenants (fingerprints: nothing runs) vs `apply --all` (every stack runs);
   target <= 0.05x.
2. `apply` after one tenant changed vs `tenant up` of that tenant after the same kind of change; target <= 1.3x.
3. a no-change `tenant up` through saasctl vs a bare Automation API script (`select_stack` of the platform
   and its `outputs()`, `create_or_select_stack`, `set_all_config`, `up`) on the same stack; target <= 0.8x.
   Each `pulumi` process both start is logged (a wrapper on PATH) and listed with its time.

Then, with the synth engine (no CLI, nothing deployed), the peak memory (max RSS) of `apply` of 10 and of 1,000
tenants: target flat.

Skipped, saying why, where there is no Pulumi CLI (SAASCTL_TEST_PULUMI, the binary scripts/build-pulumi
caches, or `pulumi` on PATH).

Run: python bench/converge.py [--tenants N] [--rounds R] [--parallel P] [--memory-only]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.specgen import spec_text  # noqa: E402
from tests.conftest import offline_variables  # noqa: E402
from tests.integration.conftest import find_pulumi  # noqa: E402

# Logs each pulumi process: start, end, and its first words (the command).
WRAPPER = """#!/bin/sh
start=$(date +%s.%N)
"{pulumi}" "$@"
code=$?
echo "$start $(date +%s.%N) $1 $2" >> "{log}"
exit $code
"""

BARE = '''
"""The bare Automation API way to deploy one tenant stack: what saasctl's `tenant up` is measured against."""
import sys
from pulumi import automation as auto
from infra.outputs import PlatformOutputs
from saas_ctl.engine.pulumi.settings import PulumiSettings, project_settings
from saas_ctl.spec.loader import load
from saas_ctl.stacks import targets

name = sys.argv[1]
spec = load("tenants.yaml").spec
settings = PulumiSettings.resolve(__import__("pathlib").Path.cwd())


def options(project):
    return auto.LocalWorkspaceOptions(
        project_settings=project_settings(settings, project),
        secrets_provider="passphrase",
        env_vars={"PULUMI_BACKEND_URL": settings.backend_url},
    )


platform_target = targets.platform_target(spec)
platform_stack = auto.select_stack(
    f"organization/{platform_target.project}/{platform_target.stack}", platform_target.project,
    program=lambda: None, opts=options(platform_target.project),
)
platform = PlatformOutputs.from_stack_outputs({k: v.value for k, v in platform_stack.outputs().items()})
target = targets.tenant_target(spec, name, platform)
stack = auto.create_or_select_stack(
    f"organization/{target.project}/{target.stack}", target.project, target.program, opts=options(target.project)
)
stack.set_all_config({k: auto.ConfigValue(v) for k, v in target.config.items()}, path=True)
stack.up(color="never")
'''


class Fleet:
    """A working directory wired to the real Pulumi CLI (through the logging wrapper) and the AWS double."""

    def __init__(self, root: Path, pulumi: str, tenants: int) -> None:
        self.root = root
        self.log = root / "pulumi-calls.log"
        bin_dir = root / "bin"
        bin_dir.mkdir()
        wrapper = bin_dir / "pulumi"
        wrapper.write_text(WRAPPER.format(pulumi=pulumi, log=self.log))
        wrapper.chmod(0o755)
        launcher = bin_dir / "pulumi-resource-aws"
        launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m tests.aws_double "$@"\n')
        launcher.chmod(0o755)
        self.workdir = root / "work"
        self.workdir.mkdir()
        (self.workdir / "tenants.yaml").write_text(spec_text(tenants))
        self.bare = root / "bare.py"
        self.bare.write_text(BARE)
        self.env = {
            **{k: os.environ[k] for k in ("HOME", "LANG", "LC_ALL", "TMPDIR") if k in os.environ},
            "PATH": f"{bin_dir}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}/usr/bin:/bin",
            "PYTHONPATH": str(REPO),
            "PULUMI_HOME": str(root / "pulumi-home"),
            "PULUMI_CONFIG_PASSPHRASE": "bench",
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "SAASCTL_ENGINE": "pulumi",
            "SAASCTL_PULUMI_ROOT": str(root / "no-installed-cli"),
            "SAASCTL_ROLLOUT_TIMEOUT": "0",
            **offline_variables(root),
        }

    def run(self, *command: str) -> float:
        """Seconds one process took, start to end; it must succeed."""
        start = time.perf_counter()
        done = subprocess.run(command, cwd=self.workdir, env=self.env, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr[-3000:]}")
        return elapsed

    def saasctl(self, *args: str) -> float:
        return self.run(sys.executable, "-m", "saas_ctl", *args)

    def edit(self, old: str, new: str) -> None:
        path = self.workdir / "tenants.yaml"
        text = path.read_text()
        assert old in text, old
        path.write_text(text.replace(old, new, 1))

    def pulumi_calls(self, run: Callable[[], float]) -> tuple[float, list[tuple[str, float]]]:
        """``run``'s time and each pulumi process it started, with its seconds."""
        self.log.write_text("")
        elapsed = run()
        calls = []
        for line in self.log.read_text().splitlines():
            start, end, *words = line.split()
            calls.append((" ".join(words), float(end) - float(start)))
        return elapsed, calls


def alternate(rounds: int, first: Callable[[], float], second: Callable[[], float]) -> tuple[float, float]:
    """Medians of ``first`` and ``second``, run in turn ``rounds`` times each."""
    a, b = [], []
    for _ in range(rounds):
        a.append(first())
        b.append(second())
    return statistics.median(a), statistics.median(b)


def real_engine(tenants: int, rounds: int, parallel: int) -> None:
    pulumi = find_pulumi()
    if pulumi is None:
        print("real engine: skipped: no Pulumi CLI (scripts/build-pulumi builds it; or put `pulumi` on PATH)")
        return
    with tempfile.TemporaryDirectory(prefix="bench-converge-") as tmp:
        fleet = Fleet(Path(tmp), pulumi, tenants)
        p = str(parallel)
        deploy = fleet.saasctl("apply", "--yes", "--skip-preflight", "--parallel", p)
        print(f"first apply of {tenants} tenants (+ platform) at --parallel {p}: {deploy:.1f} s")

        unchanged, everything = alternate(
            rounds,
            lambda: fleet.saasctl("apply", "--yes", "--skip-preflight", "--parallel", p),
            lambda: fleet.saasctl("apply", "--all", "--yes", "--skip-preflight", "--parallel", p),
        )

        one = "tenant-00000"  # the file's first tenant: the first `PLAN:` value is its own
        plan = iter(f"pro{n}" for n in range(1, 1000))
        current = ["pro"]

        def changed(command: Callable[[], float]) -> Callable[[], float]:
            """``command`` after a new value of the tenant's environment variable (a new task definition)."""

            def run() -> float:
                new = next(plan)
                fleet.edit(f"environment: {{PLAN: {current[0]}}}", f"environment: {{PLAN: {new}}}")
                current[0] = new
                return command()

            return run

        after_change, tenant_up = alternate(
            rounds,
            changed(lambda: fleet.saasctl("apply", "--yes", "--skip-preflight", "--parallel", p)),
            changed(lambda: fleet.saasctl("tenant", "up", one, "--yes")),
        )

        saasctl_up, bare_up = alternate(
            rounds,
            lambda: fleet.saasctl("tenant", "up", one, "--yes"),
            lambda: fleet.run(sys.executable, str(fleet.bare), one),
        )
        _, saasctl_calls = fleet.pulumi_calls(lambda: fleet.saasctl("tenant", "up", one, "--yes"))
        _, bare_calls = fleet.pulumi_calls(lambda: fleet.run(sys.executable, str(fleet.bare), one))

    print(f"\nreal engine, {tenants} tenants, --parallel {p}, medians of {rounds} alternating runs")
    print(f"{'':52} {'saasctl':>9} {'against':>9} {'ratio':>7} {'target':>7}")
    rows = [
        ("apply, nothing changed vs apply --all", unchanged, everything, 0.05),
        ("apply after one tenant changed vs its tenant up", after_change, tenant_up, 1.3),
        ("no-change tenant up vs bare Automation API script", saasctl_up, bare_up, 0.8),
    ]
    for label, ours, theirs, target in rows:
        ratio = ours / theirs
        mark = "ok" if ratio <= target else "MISSED"
        print(f"{label:52} {ours:8.2f}s {theirs:8.2f}s {ratio:7.3f} {'<=' + str(target):>7} {mark}")
    for title, calls in (("saasctl tenant up (no change)", saasctl_calls), ("bare script", bare_calls)):
        total = sum(seconds for _, seconds in calls)
        print(f"\npulumi processes of one {title}: {len(calls)}, {total:.2f} s in all")
        for command, seconds in calls:
            print(f"  {seconds:6.2f} s  pulumi {command}")


def peak_memory(tenants: int, root: Path, json: bool = True) -> float:
    """Max RSS in MiB of `saasctl apply` of ``tenants`` with the synth engine, in a process of its own; with
    ``json`` its one JSON document on stdout, else its summary table on stderr."""
    path = root / f"synth-{tenants}.yaml"
    path.write_text(spec_text(tenants))
    env = {**os.environ, "SAASCTL_ENGINE": "synth", "PYTHONPATH": str(REPO), **offline_variables(root)}
    command = [sys.executable, "-m", "saas_ctl", "apply", "--yes", "--skip-preflight", "-f", str(path)]
    command += ["--json"] if json else []
    errors = root / f"synth-{tenants}.stderr"
    with errors.open("wb") as stderr:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"synth apply of {tenants} tenants failed: {errors.read_text()[-2000:]}")
    return usage.ru_maxrss / 1024


def memory() -> None:
    print("\nsynth engine, peak memory (max RSS) of apply:")
    for json in (True, False):
        with tempfile.TemporaryDirectory(prefix="bench-converge-mem-") as tmp:
            small, large = peak_memory(10, Path(tmp), json), peak_memory(1000, Path(tmp), json)
        print(f"  {'--json' if json else 'summary table':14} 10 tenants {small:.0f} MiB, 1,000 tenants {large:.0f} MiB "
              f"({large / small:.2f}x)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenants", type=int, default=100, help="tenants in the real-engine fleet (default 100)")
    parser.add_argument("--rounds", type=int, default=2, help="alternating runs of each pair (default 2)")
    parser.add_argument("--parallel", type=int, default=4)
    parser.add_argument("--memory-only", action="store_true", help="only the synth engine's peak memory")
    args = parser.parse_args()
    if not args.memory_only:
        real_engine(args.tenants, args.rounds, args.parallel)
    memory()


if __name__ == "__main__":
    main()
