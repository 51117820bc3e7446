"""`saasctl state unlock STACK`: clear the locks a stack's updates left behind, once their holders are gone."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from saas_ctl.errors import Refused
from saas_ctl.state import locks
from saas_ctl.state.stacks import StackName
from saas_ctl.state.storage import Backend


@dataclass(frozen=True)
class Unlocked:
    stack: StackName
    cleared: list[locks.Lock] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"stack": self.stack.label, "cleared": [lock.to_json() for lock in self.cleared]}


def unlock(files: Backend, stack: StackName, force: bool = False) -> Unlocked:
    """Delete the stack's locks whose holder is known to be gone (it ran on this host and no longer runs);
    with ``force``, every lock. Refused (nothing deleted) while a holder still runs, or cannot be seen from
    here, without ``force``."""
    found = locks.find(files, stack.project, stack.stack)
    if not force:
        for lock in found:
            gone = locks.holder_gone(lock)
            if gone is False:
                raise Refused(
                    f"stack {stack.label} is locked by a process that is still running ({lock.holder()}); "
                    "its update is under way",
                    hint=f"wait for it, or stop it (kill -INT {lock.pid}: Pulumi cancels cleanly and unlocks)",
                )
            if gone is None:
                raise Refused(
                    f"stack {stack.label} is locked by {lock.holder()}: another machine, where saasctl cannot see "
                    "whether that process still runs",
                    hint=f"once no update of it runs there (a CI job cancelled or lost), "
                    f"`saasctl state unlock {stack.label} --force`",
                )
    for lock in found:
        files.delete(lock.key)
    return Unlocked(stack, found)
