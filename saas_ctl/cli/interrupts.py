"""Ctrl-C and SIGTERM for work that must not be torn in the middle (offline synthesis runs the Pulumi SDK's
event loop, which a KeyboardInterrupt raised inside it can leave hung or half-finished).

The first signal sets an event the work checks between steps and says so; a second one exits at once (130).
"""

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any


@contextlib.contextmanager
def between_steps() -> Iterator[threading.Event]:
    stop = threading.Event()

    def handle(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():  # the second signal: at once, whatever is running
            from saas_ctl.cli.terminal import exit_at_once

            exit_at_once(None)
        stop.set()
        sys.stderr.write("interrupted: stopping after the current step (press Ctrl-C again to exit at once)\n")

    previous: dict[signal.Signals, Any] = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(ValueError):  # not the main thread: no signal handling
            previous[sig] = signal.signal(sig, handle)
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
