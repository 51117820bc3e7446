"""`saasctl tenant logs`: a tenant's log group through CloudWatch Logs (logs:FilterLogEvents), newest last."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from saas_ctl.aws.session import AwsError, boundary
from saas_ctl.errors import SaasctlError, UsageError

_SINCE = re.compile(r"(\d+)([smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_SINCE_DAYS = 3653  # CloudWatch Logs keeps at most 10 years


def parse_since(text: str) -> int:
    """``10m``, ``2h``, ``30s``, ``1d`` as seconds."""
    match = _SINCE.fullmatch(text.strip())
    if not match or int(match.group(1)) == 0:
        raise UsageError(f"--since {text!r} is not a duration", hint="use a number and s, m, h or d: 30s, 10m, 2h, 1d")
    seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds > MAX_SINCE_DAYS * 86400:
        raise UsageError(f"--since {text!r} is longer than CloudWatch Logs keeps anything ({MAX_SINCE_DAYS} days)")
    return seconds


# C0 controls but tab, DEL and the C1 controls: a tenant's application writes what it likes into its log, and an
# escape sequence printed as it is moves the cursor, retitles the window, rewrites what was shown, or (OSC 52)
# writes the reader's clipboard.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def escaped(text: str) -> str:
    """``text`` with every control character but tab shown as its escape (ESC as \\x1b, a newline as \\n)."""
    return _CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


@dataclass(frozen=True)
class LogLine:
    timestamp: int  # milliseconds since the epoch
    stream: str
    message: str
    event_id: str

    def render(self, raw: bool = False) -> str:
        """One line: time, stream, message; the message's control characters escaped unless ``raw``."""
        when = datetime.fromtimestamp(self.timestamp / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        message = self.message.rstrip()
        return f"{when} {escaped(self.stream)} {message if raw else escaped(message)}"

    def to_json(self) -> dict[str, Any]:
        return {"timestamp": self.timestamp, "stream": self.stream, "message": self.message}


def fetch(logs: Any, group: str, start_ms: int) -> list[LogLine]:
    """Every event of ``group`` from ``start_ms`` on, in time order (newest last)."""
    lines = []
    paginator = logs.get_paginator("filter_log_events")
    for page in paginator.paginate(logGroupName=group, startTime=start_ms):
        for event in page.get("events", []):
            lines.append(
                LogLine(
                    int(event["timestamp"]), event.get("logStreamName", ""), event.get("message", ""), event["eventId"]
                )
            )
    return sorted(lines, key=lambda line: (line.timestamp, line.event_id))


def follow(
    logs: Any,
    group: str,
    start_ms: int,
    poll_seconds: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
    rounds: int | None = None,
) -> Iterator[LogLine]:
    """New events as they arrive, each once, until interrupted (``rounds`` bounds it for tests)."""
    seen: set[str] = set()
    since = start_ms
    done = 0
    while rounds is None or done < rounds:
        for line in fetch(logs, group, since):
            if line.event_id not in seen:
                seen.add(line.event_id)
                since = max(since, line.timestamp)
                yield line
        done += 1
        if rounds is None or done < rounds:
            sleep(poll_seconds)


@contextlib.contextmanager
def reading(group: str, tenant: str) -> Iterator[None]:
    """Reads of ``group`` inside the block fail as one line: the group is missing, or why it could not be read."""
    try:
        with boundary(f"could not read log group {group}"):
            yield
    except AwsError as exc:
        if exc.code == "ResourceNotFoundException":
            raise SaasctlError(
                f"log group {group} does not exist",
                hint=f"is tenant {tenant} deployed? (`saasctl tenant show {tenant}`)",
            ) from None
        raise
