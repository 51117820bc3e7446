"""What every command's --help ends with: examples to copy, and the environment variables it reads.

Written once here, keyed by the command's path; README.md's "Examples" and "Environment variables" repeat
them, and tests/cli/test_readme.py fails when the two drift apart (or an example stops parsing).
"""

from collections.abc import Sequence

from rich.markup import escape

from saas_ctl import settings

_DOCUMENTED = (  # in the order the help pages and README list them
    settings.FILE,
    settings.MAX_FILE_BYTES,
    settings.LOCK_TIMEOUT,
    settings.BACKEND_URL,
    settings.PASSPHRASE,
    settings.PASSPHRASE_FILE,
    settings.SECRETS_PROVIDER,
    settings.ENGINE,
    settings.LOCAL,
    settings.PULUMI_ROOT,
    settings.DATA_HOME,
    settings.ROLLOUT_TIMEOUT,
    settings.AWS_ENDPOINT,
    settings.AWS_PROFILE,
    settings.AWS_ACCESS_KEY_ID,
)
ENVIRONMENT = {variable.name: variable.meaning for variable in _DOCUMENTED}

_SPEC = (settings.FILE.name, settings.MAX_FILE_BYTES.name)
_EDITS = (settings.LOCK_TIMEOUT.name,)  # commands that edit the file or hold its lock
_AWS = (settings.AWS_PROFILE.name, settings.AWS_ACCESS_KEY_ID.name)
_STATE = (
    settings.BACKEND_URL.name,
    settings.PASSPHRASE.name,
    settings.PASSPHRASE_FILE.name,
    settings.SECRETS_PROVIDER.name,
    settings.ENGINE.name,
    settings.LOCAL.name,
    settings.PULUMI_ROOT.name,
    settings.DATA_HOME.name,
)
_STACKS = (*_SPEC, *_STATE, *_AWS)
_DEPLOY = (*_STACKS, settings.ROLLOUT_TIMEOUT.name)
_EDITING = (*_DEPLOY, *_EDITS)

# command path -> (examples, environment variables it reads)
COMMANDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "validate": (("saasctl validate", "saasctl validate -f prod/tenants.yaml --json"), _SPEC),
    "preflight": (
        (
            "saasctl preflight --offline",
            "saasctl preflight --live --json",
            "saasctl preflight --endpoint-url http://127.0.0.1:5000",
        ),
        (*_SPEC, settings.AWS_ENDPOINT.name, settings.LOCAL.name, *_AWS),
    ),
    "plan": (("saasctl plan", "saasctl plan --tenant acme", "saasctl plan --detail --json"), _SPEC),
    "apply": (
        (
            "saasctl apply",
            "saasctl apply --dry-run",
            "saasctl apply --dry-run --diff --detailed-exitcode",
            "saasctl apply --dry-run --format markdown",
            "saasctl apply --all --yes",
            "saasctl apply --refresh --yes",
            "saasctl apply --prune --yes --parallel 8 --json",
            "saasctl apply --shard 2/4 --yes --backend s3://acme-pulumi-state/saasctl",
        ),
        _EDITING,
    ),
    "drift": (("saasctl drift", "saasctl drift --tenant acme --json", "saasctl drift -p 8 --json"), _STACKS),
    "cost": (
        ("saasctl cost", "saasctl cost --tenant acme --json", "saasctl cost --refresh-prices"),
        (*_SPEC, *_AWS),
    ),
    "schema": (("saasctl schema",), ()),
    "install-pulumi": (
        ("saasctl install-pulumi", "saasctl install-pulumi --root /opt/pulumi"),
        (settings.PULUMI_ROOT.name, settings.DATA_HOME.name),
    ),
    "platform preview": (
        ("saasctl platform preview", "saasctl platform preview --diff", "saasctl platform preview --local"),
        _STACKS,
    ),
    "platform up": (("saasctl platform up", "saasctl platform up --yes --json"), _STACKS),
    "platform refresh": (("saasctl platform refresh",), _STACKS),
    "platform destroy": (("saasctl platform destroy --yes",), _STACKS),
    "platform outputs": (("saasctl platform outputs", "saasctl platform outputs --json"), _STACKS),
    "tenant list": (
        (
            "saasctl tenant list",
            "saasctl tenant list --declared",
            "saasctl tenant list --live",
            "saasctl tenant list --json",
        ),
        _STACKS,
    ),
    "tenant add": (
        (
            "saasctl tenant add initech",
            "saasctl tenant add initech --host initech.example.com --host www.initech.example.com",
            "saasctl tenant add initech --cpu 512 --memory 1024 --no-deploy",
            "saasctl tenant add initech --tier business",
        ),
        _EDITING,
    ),
    "tenant set": (
        (
            "saasctl tenant set acme --tier business",
            "saasctl tenant set acme --cpu 1024 --memory 2048",
            "saasctl tenant set acme --image registry.example.com/app:2.1 --no-deploy",
        ),
        _DEPLOY,
    ),
    "tenant suspend": (("saasctl tenant suspend acme", "saasctl tenant suspend acme --no-deploy"), _DEPLOY),
    "tenant resume": (("saasctl tenant resume acme",), _DEPLOY),
    "tenant up": (("saasctl tenant up acme", "saasctl tenant up --all --parallel 8 --yes"), _DEPLOY),
    "tenant preview": (
        (
            "saasctl tenant preview acme globex",
            "saasctl tenant preview acme --diff",
            "saasctl tenant preview --all --detailed-exitcode",
        ),
        _STACKS,
    ),
    "tenant refresh": (("saasctl tenant refresh acme", "saasctl tenant refresh --all"), _STACKS),
    "tenant destroy": (
        ("saasctl tenant destroy acme", "saasctl tenant destroy acme --delete-data --yes"),
        (*_STACKS, *_EDITS),
    ),
    "tenant move": (("saasctl tenant move acme --cell 2", "saasctl tenant move acme --cell 2 --no-deploy"), _EDITING),
    "tenant remove": (("saasctl tenant remove acme --no-deploy",), (*_SPEC, *_EDITS)),
    "tenant show": (("saasctl tenant show acme", "saasctl tenant show acme --live --json"), (*_STACKS,)),
    "tenant logs": (
        ("saasctl tenant logs acme", "saasctl tenant logs acme --since 2h", "saasctl tenant logs acme --follow"),
        (*_SPEC, settings.LOCAL.name, *_AWS),
    ),
    "state init": (
        (
            "saasctl state init",
            "saasctl state init --bucket acme-pulumi-state --key-alias acme-state --region eu-west-1",
        ),
        (*_SPEC, settings.AWS_ENDPOINT.name, *_AWS),
    ),
    "state unlock": (("saasctl state unlock acme", "saasctl state unlock saas-platform/dev --force"), _STACKS),
    "state rm": (("saasctl state rm acme", "saasctl state rm platform --force"), _STACKS),
    "release": (
        (
            "saasctl release registry.example.com/app:2.4.0",
            "saasctl release registry.example.com/app:2.4.0 --canary acme,globex --waves 25%,100% --bake 300",
            "saasctl release registry.example.com/app:2.4.0 --check-path /health --max-failures 2 --yes --json",
        ),
        _DEPLOY,
    ),
    "release status": (("saasctl release status", "saasctl release status r20261202-111610-3f9a --json"), _STACKS),
    "release resume": (("saasctl release resume r20261202-111610-3f9a",), _DEPLOY),
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
    "state": ("saasctl state init", "saasctl state unlock acme"),
    "release": ("saasctl release registry.example.com/app:2.4.0", "saasctl release status"),
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
