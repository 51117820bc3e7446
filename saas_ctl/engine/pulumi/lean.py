"""A stack operation in fewer Pulumi CLI runs.

``Stack.up`` of the Automation API (pulumi/automation/_stack.py) runs, around the update itself, ``pulumi stack
select`` (``select_stack``), ``pulumi config set-all`` (``set_all_config``), then ``pulumi stack output`` twice
(``outputs()``: masked, then with ``--show-secrets``) and ``pulumi stack history`` (``info()``): five CLI
processes of ~0.1-0.5 s each beside one update. Here:

- the stack's config goes into the workspace's stack settings file before the first command
  (``LocalWorkspaceOptions.stack_settings``, which ``LocalWorkspace`` writes itself), not through ``config
  set-all``;
- a stack the backend shows to exist is not selected: every command names it with ``--stack`` anyway;
- after an update, the outputs come from the stack's checkpoint (``backend.checkpoint_outputs``; the CLI only
  when a secret is among them), the change summary from the update's own summary event.

Every other behaviour is ``Stack``'s own: this class overrides only ``outputs`` and ``info``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from pulumi import automation as auto
from pulumi.automation._stack import StackInitMode  # only for Stack's repr

_PATH_PART = re.compile(r'\.([A-Za-z0-9_]+)|\["((?:[^"\\]|\\.)*)"\]')


def stack_config(config: Mapping[str, str]) -> dict[str, Any]:
    """Config keys as ``set_all_config(path=True)`` stores them: ``aws:defaultTags.tags["k"]`` becomes
    ``{"aws:defaultTags": {"tags": {"k": ...}}}`` in the stack settings file."""
    nested: dict[str, Any] = {}
    for key, value in config.items():
        namespace, _, rest = key.partition(":")
        top = re.match(r"[A-Za-z0-9_-]+", rest)
        if top is None:
            nested[key] = value
            continue
        path = [f"{namespace}:{top.group(0)}"] + [a or b for a, b in _PATH_PART.findall(rest[top.end() :])]
        here = nested
        for part in path[:-1]:
            here = here.setdefault(part, {})
        here[path[-1]] = value
    return nested


def settings(name: str, config: Mapping[str, str]) -> dict[str, Any]:
    """``LocalWorkspaceOptions.stack_settings`` for one stack with ``config``."""
    return {name: auto.StackSettings(config=stack_config(config))}


class LeanStack(auto.Stack):
    def __init__(
        self,
        name: str,
        workspace: auto.Workspace,
        read_outputs: Callable[[], dict[str, Any] | None],
    ) -> None:
        # Stack.__init__ would run `pulumi stack select`; the caller knows the stack exists.
        self.name = name
        self.workspace = workspace
        self._mode = StackInitMode.SELECT
        self._read_outputs = read_outputs
        self.summary: Mapping[str, int] | None = None  # the update's summary event, when it sent one

    def events(self, forward: Callable[[Any], None]) -> Callable[[Any], None]:
        """An event sink that keeps the summary event and passes every event on."""

        def sink(event: Any) -> None:
            summary = getattr(event, "summary_event", None)
            if summary is not None:
                self.summary = {str(k): int(v) for k, v in (summary.resource_changes or {}).items()}
            forward(event)

        return sink

    def outputs(self) -> auto.OutputMap:
        read = self._read_outputs()
        if read is None:
            return super().outputs()
        return {key: auto.OutputValue(value=value, secret=False) for key, value in read.items()}

    def info(self, show_secrets: bool = True) -> auto.UpdateSummary | None:
        if self.summary is None:
            return super().info(show_secrets)
        now = datetime.now(UTC)
        return auto.UpdateSummary(
            kind="update", start_time=now, message="", environment={}, config={}, result="succeeded",
            end_time=now, resource_changes=dict(self.summary),  # type: ignore[arg-type]  # op names, as history's
        )  # fmt: skip
