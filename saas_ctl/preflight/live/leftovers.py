"""Live checks of names taken or left over: buckets, secrets, and resources an earlier destroy left behind."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from infra import naming
from saas_ctl.aws.adoption import Owner
from saas_ctl.preflight.findings import Finding, error, info, warning
from saas_ctl.preflight.live.context import AwsContext, paginate
from saas_ctl.preflight.live.names import target_group_name
from saas_ctl.spec.models import TenantsFile


def _tenant_names(spec: TenantsFile, account: str = "") -> list[tuple[int, naming.TenantNames]]:
    p = spec.platform
    return [
        (i, naming.TenantNames(p.project, p.environment, p.region, t.name, account)) for i, t in enumerate(spec.tenants)
    ]


def _owner_of(tags: Mapping[str, str]) -> str | None:
    """Whose saasctl resource ``tags`` say it is (project/environment, tenant), or None without saasctl's tags."""
    if tags.get("managed-by") != naming.MANAGED_BY or not tags.get("project") or not tags.get("environment"):
        return None
    tenant = f", tenant {tags['tenant']}" if tags.get("tenant") else ""
    return f"environment {tags['project']}/{tags['environment']}{tenant}"


def _not_ours(code: str, index: int, tenant: str, what: str, tags: Mapping[str, str]) -> Finding:
    """A name this tenant needs, taken by a resource that is not this tenant's: never suggest deleting it."""
    owner = _owner_of(tags)
    whose = f"belongs to {owner} (its tags)" if owner else "was not made by saasctl for this environment (its tags)"
    return error(
        f"{code}-TAKEN",
        ("tenants", index, "name"),
        f"{what} already exists and {whose}: creating tenant {tenant!r}'s would fail (already exists)",
        "it is not this environment's: leave it alone and give this tenant (or the project or environment) "
        "another name",
    )


def _leftover(code: str, index: int, tenant: str, what: str, deployed: set[str] | None, fix: str) -> Finding | None:
    if deployed is not None and tenant in deployed:
        return None
    message = f"{what} already exists"
    if deployed is None:
        message += f"; if tenant {tenant!r} is not deployed it is left over from an earlier run and would collide"
        return warning(code, ("tenants", index, "name"), message, fix)
    return error(
        code,
        ("tenants", index, "name"),
        message + f" but tenant {tenant!r} is not deployed: creating it would fail (already exists)",
        fix,
    )


def _kept_or_conflict(
    code: str,
    index: int,
    spec: TenantsFile,
    tenant: str,
    what: str,
    tags: dict[str, str],
    delete: str,
    deployed: set[str] | None,
) -> Finding:
    """A tenant's bucket or secret that exists before its stack does: its own kept data (from `tenant destroy`),
    which the deploy adopts, or something else under its name, which would make the create fail."""
    wrong = Owner.of(spec, tenant).mismatch(tags)
    if wrong is None:
        if deployed is None:  # its stack may exist: then this is simply its own resource
            message = (
                f"{what} is tenant {tenant!r}'s own: its deployed resource, or kept data (from an earlier "
                "`tenant destroy`), which deploying adopts if its stack does not exist"
            )
        else:
            message = (
                f"{what} is tenant {tenant!r}'s kept data (from an earlier `tenant destroy`); deploying adopts it "
                "(Pulumi import) instead of creating it"
            )
        return info(f"{code}-KEPT", ("tenants", index, "name"), message)
    return error(
        f"{code}-EXISTS",
        ("tenants", index, "name"),
        f"{what} already exists but is not tenant {tenant!r}'s kept data ({wrong}): creating it would fail "
        "(already exists)",
        f"delete it if it is not needed: {delete}; otherwise rename the tenant",
    )


def buckets(spec: TenantsFile, ctx: AwsContext, deployed: set[str] | None) -> Iterator[Finding]:
    from botocore.exceptions import ClientError

    from saas_ctl.aws.adoption import bucket_tags

    s3 = ctx.client("s3")
    ours = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    for index, names in _tenant_names(spec, ctx.account()):
        # A bucket kept under the name tenants had before the account was part of it is adopted under that name.
        bucket = names.legacy_bucket if names.bucket not in ours and names.legacy_bucket in ours else names.bucket
        if bucket in ours:
            if deployed is not None and names.tenant in deployed:
                continue
            yield _kept_or_conflict(
                "LIVE-BUCKET",
                index,
                spec,
                names.tenant,
                f"bucket {bucket}",
                bucket_tags(s3, bucket),
                f"aws s3 rb s3://{bucket} --force",
                deployed,
            )
            continue
        try:
            s3.head_bucket(Bucket=bucket)
            status = 200
        except ClientError as exc:
            status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
            if status not in (403, 404):
                raise
        if status != 404:  # 403: another account owns it; 200 but not listed as ours: the same
            yield error(
                "LIVE-BUCKET-TAKEN",
                ("tenants", index, "name"),
                f"bucket name {bucket} is owned by another AWS account (BucketAlreadyExists)",
                "bucket names are global: change the project, environment or tenant name",
            )


def secrets(spec: TenantsFile, ctx: AwsContext, deployed: set[str] | None) -> Iterator[Finding]:
    prefix = f"{spec.platform.project}-{spec.platform.environment}/"
    listed = paginate(
        ctx,
        "secretsmanager",
        "list_secrets",
        "SecretList",
        IncludePlannedDeletion=True,
        Filters=[{"Key": "name", "Values": [prefix]}],
    )
    by_name = {s["Name"]: s for s in listed}
    for index, names in _tenant_names(spec):
        secret = by_name.get(names.secret)
        if secret is None:
            continue
        if secret.get("DeletedDate"):
            yield error(
                "LIVE-SECRET-PENDING-DELETION",
                ("tenants", index, "name"),
                f"secret {names.secret} is scheduled for deletion; creating it would fail ('a secret with "
                "this name is already scheduled for deletion')",
                f"restore it: aws secretsmanager restore-secret --secret-id {names.secret}  (or delete it "
                f"now: aws secretsmanager delete-secret --secret-id {names.secret} "
                "--force-delete-without-recovery)",
            )
            continue
        if deployed is not None and names.tenant in deployed:
            continue
        yield _kept_or_conflict(
            "LIVE-SECRET",
            index,
            spec,
            names.tenant,
            f"secret {names.secret}",
            {t["Key"]: t["Value"] for t in secret.get("Tags", [])},
            f"aws secretsmanager delete-secret --secret-id {names.secret} --force-delete-without-recovery",
            deployed,
        )


def leftovers(spec: TenantsFile, ctx: AwsContext, deployed: set[str] | None) -> Iterator[Finding]:
    """Names a tenant's stack would create that exist already: left over from an earlier run of this
    environment (its tags say so: delete it), or another environment's or someone else's (never deleted)."""
    p = spec.platform
    log_groups = {
        g["logGroupName"]: str(g.get("logGroupArn") or g.get("arn") or "").removesuffix(":*")
        for g in paginate(
            ctx, "logs", "describe_log_groups", "logGroups", logGroupNamePrefix=f"/saasctl/{p.project}-{p.environment}/"
        )
    }
    roles = {r["RoleName"]: r["RoleName"] for r in paginate(ctx, "iam", "list_roles", "Roles")}
    groups = {
        g["TargetGroupName"]: g["TargetGroupArn"]
        for g in paginate(ctx, "elbv2", "describe_target_groups", "TargetGroups")
    }
    for index, names in _tenant_names(spec):
        if deployed is not None and names.tenant in deployed:
            continue
        target_group = target_group_name(spec, index)
        candidates: list[tuple[str | None, str, str, TagReader]] = [
            (
                log_groups.get(names.log_group),
                f"log group {names.log_group}",
                f"aws logs delete-log-group --log-group-name {names.log_group}",
                _log_group_tags,
            ),
            *(
                (
                    roles.get(role),
                    f"IAM role {role}",
                    f"aws iam delete-role --role-name {role} (after deleting its policies)",
                    _role_tags,
                )
                for role in (names.execution_role, names.task_role)
            ),
            (
                groups.get(target_group),
                f"target group {target_group}",
                f"aws elbv2 delete-target-group --target-group-arn {groups.get(target_group)}",
                _target_group_tags,
            ),
        ]
        for found, what, command, read_tags in candidates:
            if found is None:
                continue
            tags = read_tags(ctx, found)
            if Owner.of(spec, names.tenant).mismatch(tags) is not None:
                yield _not_ours("LIVE-NAME", index, names.tenant, what, tags)
                continue
            leftover = _leftover("LIVE-LEFTOVER", index, names.tenant, what, deployed, f"delete it: {command}")
            if leftover:
                yield leftover


TagReader = Callable[[AwsContext, str], dict[str, str]]


def _role_tags(ctx: AwsContext, role: str) -> dict[str, str]:
    answer = ctx.client("iam").list_role_tags(RoleName=role)
    return {t["Key"]: t["Value"] for t in answer.get("Tags", [])}


def _log_group_tags(ctx: AwsContext, arn: str) -> dict[str, str]:
    return dict(ctx.client("logs").list_tags_for_resource(resourceArn=arn).get("tags", {}))


def _target_group_tags(ctx: AwsContext, arn: str) -> dict[str, str]:
    described = ctx.client("elbv2").describe_tags(ResourceArns=[arn])["TagDescriptions"]
    return {t["Key"]: t["Value"] for d in described for t in d.get("Tags", [])}
