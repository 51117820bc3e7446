"""What every command's --help ends with: examples to copy, and the environment variables it reads.

Written once here, keyed by the command's path; README.md's "Examples" and "Environment variables" repeat
them, and tests/cli/test_readme.py fails when the two drift apart (or an example stops parsing).
"""

from collections.abc import Sequence

from rich.markup import escape

ENVIRONMENT = {
    "SAASCTL_FILE": "the tenants file, as -f/--file (default ./tenants.yaml)",
    "SAASCTL_MAX_FILE_BYTES": "the largest tenants file read (default 10 MiB)",
    "PULUMI_BACKEND_URL": "the Pulumi state backend, as --backend (default file://./.saasctl/state)",
    "PULUMI_CONFIG_PASSPHRASE": "the passphrase that encrypts stack secrets on a self-managed backend",
    "PULUMI_CONFIG_PASSPHRASE_FILE": "a file holding that passphrase",
    "SAASCTL_SECRETS_PROVIDER": "the secrets provider of new stacks on a self-managed backend (default passphrase)",
    "SAASCTL_ENGINE": "who runs stack operations: pulumi (default), synth (deploys nothing) or module:attribute",
    "SAASCTL_LOCAL": "1 or true: deploy to the local emulator, as --local",
    "SAASCTL_PULUMI_ROOT": "where the Pulumi CLI is installed and looked for first",
    "XDG_DATA_HOME": "the base of that directory's default ($XDG_DATA_HOME/saasctl/pulumi, ~/.local/share)",
    "SAASCTL_ROLLOUT_TIMEOUT": "seconds a deploy waits for the tenant's service to be stable (default 600; 0: no wait)",
    "SAASCTL_AWS_ENDPOINT": "an AWS-compatible endpoint for preflight's live checks, as --endpoint-url",
    "AWS_PROFILE": "the AWS profile to use (credentials are found as the AWS CLI finds them)",
    "AWS_ACCESS_KEY_ID": "with AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN: credentials given directly",
}

_SPEC = ("SAASCTL_FILE", "SAASCTL_MAX_FILE_BYTES")
_AWS = ("AWS_PROFILE", "AWS_ACCESS_KEY_ID")
_STATE = (
    "PULUMI_BACKEND_URL",
    "PULUMI_CONFIG_PASSPHRASE",
    "PULUMI_CONFIG_PASSPHRASE_FILE",
    "SAASCTL_SECRETS_PROVIDER",
    "SAASCTL_ENGINE",
    "SAASCTL_LOCAL",
    "SAASCTL_PULUMI_ROOT",
    "XDG_DATA_HOME",
)
_STACKS = (*_SPEC, *_STATE, *_AWS)
_DEPLOY = (*_STACKS, "SAASCTL_ROLLOUT_TIMEOUT")

# command path -> (examples, environment variables it reads)
COMMANDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "validate": (("saasctl validate", "saasctl validate -f prod/tenants.yaml --json"), _SPEC),
    "preflight": (
        (
            "saasctl preflight --offline",
            "saasctl preflight --live --json",
            "saasctl preflight --endpoint-url http://127.0.0.1:5000",
        ),
        (*_SPEC, "SAASCTL_AWS_ENDPOINT", *_AWS),
    ),
    "plan": (("saasctl plan", "saasctl plan --tenant acme", "saasctl plan --detail --json"), _SPEC),
    "apply": (
        (
            "saasctl apply",
            "saasctl apply --dry-run",
            "saasctl apply --prune --yes --parallel 8 --json",
            "saasctl apply --shard 2/4 --yes --backend s3://acme-pulumi-state/saasctl",
        ),
        _DEPLOY,
    ),
    "schema": (("saasctl schema",), ()),
    "install-pulumi": (
        ("saasctl install-pulumi", "saasctl install-pulumi --root /opt/pulumi"),
        ("SAASCTL_PULUMI_ROOT", "XDG_DATA_HOME"),
    ),
    "platform preview": (("saasctl platform preview", "saasctl platform preview --local"), _STACKS),
    "platform up": (("saasctl platform up", "saasctl platform up --yes --json"), _STACKS),
    "platform refresh": (("saasctl platform refresh",), _STACKS),
    "platform destroy": (("saasctl platform destroy --yes",), _STACKS),
    "platform outputs": (("saasctl platform outputs", "saasctl platform outputs --json"), _STACKS),
    "tenant list": (("saasctl tenant list", "saasctl tenant list --declared", "saasctl tenant list --json"), _STACKS),
    "tenant add": (
        (
            "saasctl tenant add initech",
            "saasctl tenant add initech --host initech.example.com --host www.initech.example.com",
            "saasctl tenant add initech --cpu 512 --memory 1024 --no-deploy",
        ),
        _DEPLOY,
    ),
    "tenant up": (("saasctl tenant up acme", "saasctl tenant up --all --parallel 8 --yes"), _DEPLOY),
    "tenant preview": (("saasctl tenant preview acme globex", "saasctl tenant preview --all"), _STACKS),
    "tenant refresh": (("saasctl tenant refresh acme", "saasctl tenant refresh --all"), _STACKS),
    "tenant destroy": (("saasctl tenant destroy acme", "saasctl tenant destroy acme --delete-data --yes"), _STACKS),
    "tenant move": (("saasctl tenant move acme --cell 2", "saasctl tenant move acme --cell 2 --no-deploy"), _DEPLOY),
    "tenant remove": (("saasctl tenant remove acme --no-deploy",), _SPEC),
    "tenant show": (("saasctl tenant show acme", "saasctl tenant show acme --live --json"), (*_STACKS,)),
    "tenant logs": (
        ("saasctl tenant logs acme", "saasctl tenant logs acme --since 2h", "saasctl tenant logs acme --follow"),
        (*_SPEC, "SAASCTL_LOCAL", *_AWS),
    ),
    "local start": (("saasctl local start", "saasctl local start --port 5000"), ()),
    "local status": (("saasctl local status", "saasctl local status --json"), ()),
    "local stop": (("saasctl local stop",), ()),
}


# The root's and each group's page: a few of their commands' examples (tests check they are among them).
OVERVIEWS: dict[str, tuple[str, ...]] = {
    "": (
        "saasctl validate",
        "saasctl plan",
        "saasctl apply --dry-run",
        "saasctl tenant add initech",
        "saasctl tenant show acme --live --json",
    ),
    "platform": ("saasctl platform up", "saasctl platform outputs --json"),
    "tenant": ("saasctl tenant list", "saasctl tenant add initech", "saasctl tenant show acme --live --json"),
    "local": ("saasctl local start", "saasctl local status --json"),
}


def _ending(examples: Sequence[str], last: str) -> str:
    """Examples, one a line, then one paragraph; escaped, as the help renderer reads markup."""
    return escape("\n".join(["Examples:", *(f"  {example}" for example in examples), "", last]))


def overview_epilog(path: str) -> str:
    """The end of the root's or a group's help page: a few examples; each command's page names its variables."""
    return _ending(
        OVERVIEWS[path], "Each command's --help ends with its examples and the environment variables it reads."
    )


def examples(path: str) -> tuple[str, ...]:
    return COMMANDS[path][0]


def environment(path: str) -> tuple[str, ...]:
    return COMMANDS[path][1]


def epilog(path: str) -> str:
    """The end of `saasctl <path> --help`: its examples, one a line, and the environment variables it reads."""
    variables = environment(path)
    return _ending(examples(path), "Environment: " + (", ".join(variables) if variables else "none read"))
