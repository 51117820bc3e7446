"""Load the pulumi_aws modules the programs use, once, under a lock, before any program touches them.

pulumi_aws imports its service modules lazily (``pulumi._utils.lazy_import``), and a lazy module's first
attribute access is not thread-safe (it turns itself into a plain, still empty module before it executes):
when saasctl ran several inline programs in threads (as `apply --parallel` does), the real Pulumi engine
showed tenants failing at random with
``AttributeError: module 'pulumi_aws.s3' has no attribute 'Bucket'`` — two threads had raced to load ``s3``.
Every program calls :func:`load` first; after the first call it costs a lock and a flag.
"""

from __future__ import annotations

import threading

# Every pulumi_aws service module infra/ uses (tests/infra/test_aws_modules.py keeps this list complete).
SERVICES = (
    "appautoscaling",
    "cloudwatch",
    "ec2",
    "ecs",
    "iam",
    "lb",
    "rds",
    "route53",
    "s3",
    "secretsmanager",
    "vpc",
)

_lock = threading.Lock()
_loaded = False


def load() -> None:
    global _loaded
    with _lock:
        if _loaded:
            return
        import pulumi_aws

        for service in SERVICES:
            # Any attribute but the module's introspection fields (__name__, __spec__...) makes it load.
            hasattr(getattr(pulumi_aws, service), "_saasctl_load")
        _loaded = True
