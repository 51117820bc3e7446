"""Fault injection, in both modes: ``SAASCTL_DOUBLE_FAIL`` (``op:pattern,...``) fails matching operations,
``SAASCTL_DOUBLE_DELAY`` (``op:pattern=seconds,...``) delays them. ``op`` is create, update, delete or read (``*``
for any); the pattern is an fnmatch pattern over the resource's logical name."""

from __future__ import annotations

import asyncio
import fnmatch
import os
from dataclasses import dataclass

from tests.aws_double.errors import ProviderError

FAIL_VARIABLE = "SAASCTL_DOUBLE_FAIL"
DELAY_VARIABLE = "SAASCTL_DOUBLE_DELAY"


@dataclass(frozen=True)
class Rule:
    op: str
    pattern: str
    value: float = 0.0

    def matches(self, op: str, name: str) -> bool:
        return self.op in ("*", op) and fnmatch.fnmatchcase(name, self.pattern)


def parse_rules(text: str) -> list[Rule]:
    """``op:pattern[=seconds]`` items separated by commas."""
    rules = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        head, _, seconds = item.partition("=")
        op, _, pattern = head.partition(":")
        rules.append(Rule(op, pattern, float(seconds or 0)))
    return rules


class Faults:
    """The rules of this process's environment (the engine starts one double per stack operation)."""

    def __init__(self) -> None:
        self.failures = parse_rules(os.environ.get(FAIL_VARIABLE, ""))
        self.delays = parse_rules(os.environ.get(DELAY_VARIABLE, ""))

    async def before(self, op: str, urn: str) -> None:
        """Wait as told, then fail as told, before ``op`` of the resource ``urn`` reaches the account."""
        name = urn.rsplit("::", 1)[-1]
        for rule in self.delays:
            if rule.matches(op, name):
                await asyncio.sleep(rule.value)
        for rule in self.failures:
            if rule.matches(op, name):
                raise ProviderError(f"the AWS double was told to fail {op} of {name}")
