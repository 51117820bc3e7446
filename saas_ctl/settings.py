"""Every environment variable saasctl reads, named once here with what it means and how its value is parsed.

Precedence is flag > environment > default. A variable that stands for a flag (``-f``, ``--backend``,
``--local``, ``--endpoint-url``) is read by Typer for that flag (``envvar=FILE.name``); the others are read
with :meth:`Variable.value` where a command starts (the CLI builds its session from them), inside the CLI's
one error boundary. An empty value counts as unset. An invalid value is one line naming the variable, the
value and what is valid (exit 2): never a traceback, and never silently replaced by the default.

Imported by `saasctl --help` (the help pages list the variables): plain classes and ``os`` only.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")


class Variable(Generic[T]):
    """One environment variable: its name, what it means (for the help pages and README), its parser (raising
    ``ValueError`` for an invalid value), its default and what is valid (for the error)."""

    __slots__ = ("default", "meaning", "name", "parse", "valid")

    def __init__(self, name: str, meaning: str, parse: Callable[[str], T], default: T, valid: str = "") -> None:
        self.name = name
        self.meaning = meaning
        self.parse = parse
        self.default = default
        self.valid = valid

    def value(self, environ: Mapping[str, str] | None = None) -> T:
        raw = (os.environ if environ is None else environ).get(self.name, "")
        if not raw.strip():
            return self.default
        try:
            return self.parse(raw.strip())
        except ValueError:
            from saas_ctl.errors import UsageError

            raise UsageError(f"{self.name}={raw!r} is not valid: {self.valid}") from None

    def is_set(self, environ: Mapping[str, str] | None = None) -> bool:
        return bool((os.environ if environ is None else environ).get(self.name, "").strip())


def _text(raw: str) -> str:
    return raw


def _path(raw: str) -> Path:
    return Path(raw).expanduser()


def _positive_whole_number(raw: str) -> int:
    if not raw.isdigit() or int(raw) == 0:
        raise ValueError(raw)
    return int(raw)


def _seconds(raw: str) -> float:
    seconds = float(raw)  # ValueError for "10m"
    if not 0 <= seconds < float("inf"):
        raise ValueError(raw)
    return seconds


def _truthy(raw: str) -> bool:
    """As Pulumi reads its own boolean variables (cmdutil.IsTruthy): 1 or true, any case; anything else is off."""
    return raw.lower() in ("1", "true")


MAX_FILE_BYTES_DEFAULT = 10 * 1024 * 1024  # far above any real fleet (10,000 tenants take about 1 MB)
ROLLOUT_TIMEOUT_DEFAULT = 600.0

# ---- the tenants file
FILE: Variable[Path | None] = Variable(
    "SAASCTL_FILE", "the tenants file, as -f/--file (default ./tenants.yaml)", _path, None
)
MAX_FILE_BYTES = Variable(
    "SAASCTL_MAX_FILE_BYTES",
    "the largest tenants file read (default 10 MiB)",
    _positive_whole_number,
    MAX_FILE_BYTES_DEFAULT,
    f"a whole number of bytes, 1 or more (default {MAX_FILE_BYTES_DEFAULT}, 10 MiB)",
)
LOCK_TIMEOUT_DEFAULT = 60.0
LOCK_TIMEOUT = Variable(
    "SAASCTL_LOCK_TIMEOUT",
    "seconds a command waits for the tenants file's lock, held by another command (default 60)",
    _seconds,
    LOCK_TIMEOUT_DEFAULT,
    "a number of seconds, 0 or more (default 60), such as 300",
)

# ---- state and engine
BACKEND_URL = Variable(
    "PULUMI_BACKEND_URL",
    "the Pulumi state backend, as --backend (over platform.state.backend; default .saasctl/state beside the "
    "tenants file)",
    _text,
    "",
)
PASSPHRASE = Variable(
    "PULUMI_CONFIG_PASSPHRASE", "the passphrase that encrypts stack secrets on a self-managed backend", _text, ""
)
PASSPHRASE_FILE = Variable("PULUMI_CONFIG_PASSPHRASE_FILE", "a file holding that passphrase", _text, "")
SECRETS_PROVIDER = Variable(
    "SAASCTL_SECRETS_PROVIDER",
    "the secrets provider of new stacks (over platform.state.secrets_provider; default passphrase)",
    _text,
    "passphrase",
)
ENGINE = Variable(
    "SAASCTL_ENGINE",
    "who runs stack operations: pulumi (default), synth (deploys nothing) or module:attribute",
    _text,
    "pulumi",
)
LOCAL = Variable("SAASCTL_LOCAL", "1 or true: deploy to the local emulator, as --local", _truthy, False)
PULUMI_ROOT: Variable[Path | None] = Variable(
    "SAASCTL_PULUMI_ROOT", "where the Pulumi CLI is installed and looked for first", _path, None
)
DATA_HOME: Variable[Path | None] = Variable(  # None: ~/.local/share
    "XDG_DATA_HOME",
    "the base of that directory's default ($XDG_DATA_HOME/saasctl/pulumi, ~/.local/share)",
    _path,
    None,
)
IGNORE_AMBIENT_PLUGINS = Variable(
    "PULUMI_IGNORE_AMBIENT_PLUGINS", "Pulumi's: 1 or true, plugins on PATH are not used", _truthy, False
)
PULUMI_HOME: Variable[Path | None] = Variable(  # None: ~/.pulumi
    "PULUMI_HOME", "Pulumi's: where it keeps its plugins (default ~/.pulumi)", _path, None
)

# ---- deploys
ROLLOUT_TIMEOUT = Variable(
    "SAASCTL_ROLLOUT_TIMEOUT",
    "seconds a deploy waits for the tenant's service to be stable (default 600; 0: no wait)",
    _seconds,
    ROLLOUT_TIMEOUT_DEFAULT,
    "a number of seconds, 0 or more (default 600; 0 turns the wait off), such as 900",
)

# ---- AWS
AWS_ENDPOINT = Variable(
    "SAASCTL_AWS_ENDPOINT", "an AWS-compatible endpoint for preflight's live checks, as --endpoint-url", _text, ""
)
CACHE_HOME: Variable[Path | None] = Variable(  # None: ~/.cache
    "XDG_CACHE_HOME", "the base of saasctl's cache (default ~/.cache)", _path, None
)
# Read by boto3 itself, as the AWS CLI reads them; named here for the help pages.
AWS_PROFILE = Variable(
    "AWS_PROFILE", "the AWS profile to use (credentials are found as the AWS CLI finds them)", _text, ""
)
AWS_ACCESS_KEY_ID = Variable(
    "AWS_ACCESS_KEY_ID", "with AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN: credentials given directly", _text, ""
)


def checked_endpoint(url: str | None, environ: Mapping[str, str] | None = None) -> str | None:
    """An AWS endpoint given by --endpoint-url or SAASCTL_AWS_ENDPOINT, refused (exit 2, naming which one gave it)
    unless it is http(s)://host[:port][/path] with a port botocore can use: botocore and urllib raise bare
    ValueErrors for anything else, deep in the first client made."""
    if not url:
        return url
    from urllib.parse import urlsplit

    problem = None
    try:
        parts = urlsplit(url)
        port = parts.port  # ValueError when out of range or not a number
        if parts.scheme not in ("http", "https"):
            problem = "it must start with http:// or https://"
        elif not parts.hostname:
            problem = "it names no host"
        elif port == 0:
            problem = "port 0 is not a port"
        elif any(c.isspace() for c in url):
            problem = "it contains white space"
    except ValueError as exc:
        problem = str(exc)
    if problem is None:
        return url
    from saas_ctl.errors import UsageError

    given = (os.environ if environ is None else environ).get(AWS_ENDPOINT.name, "").strip() == url.strip()
    source = f"{AWS_ENDPOINT.name}={url!r}" if given else f"--endpoint-url {url!r}"
    raise UsageError(
        f"{source} is not a valid endpoint URL: {problem}",
        hint="give the endpoint as a URL such as http://127.0.0.1:5000 (`saasctl local start` prints one)",
    )
