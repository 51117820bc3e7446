"""What saasctl asks and does in AWS itself around the engine's stack operations: the data an earlier destroy
kept, before a tenant's first deploy; the cluster's isolation and the tenant's database, before a deploy; the wait
for its rollout, after it; its database dropped after `tenant destroy --delete-data`; the platform's final
snapshot name, before a destroy."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from infra.naming import PlatformNames, TenantNames
from infra.outputs import SUSPENDED_OUTPUT, PlatformOutputs
from infra.tenant.kept import NOTHING_KEPT, KeptData
from saas_ctl.aws import session as aws
from saas_ctl.engine import base as engine_base
from saas_ctl.engine.base import ErrorKind, Operation, StackResult, StackTarget, Status
from saas_ctl.orchestration.orchestrator import Preparer, Verifier
from saas_ctl.orchestration.session import Session
from saas_ctl.spec.models import TenantsFile


def behind_engine(session: Session) -> Any | None:
    """A boto3 session for saasctl's own calls about what the engine deployed; None when there is nothing to
    ask (an engine that deploys nothing to AWS) or no way to ask (no credentials)."""
    if not engine_base.capabilities(session.engine).deploys_to_aws:
        return None
    return aws.session(session.endpoint_url)


def caller_account(session: Session, region: str) -> str | None:
    """The account of the credentials the engine deploys with (sts:GetCallerIdentity, which needs no permission);
    None when it cannot be asked: an engine that deploys nothing to AWS, no credentials, or no answer."""
    found = behind_engine(session)
    if found is None:
        return None
    from saas_ctl.aws.adoption import account_of

    try:
        return account_of(found, region, session.endpoint_url)
    except aws.AwsError:
        return None


def kept_data(
    session: Session, spec: TenantsFile, names: Sequence[str], deployed: Sequence[str]
) -> dict[str, KeptData]:
    """For each tenant about to be deployed for the first time (not in ``deployed``, the tenant stacks that
    exist): the data an earlier destroy kept, to adopt.

    Raises :class:`~saas_ctl.aws.adoption.KeptDataConflict` (exit 2) before anything is touched when a bucket or
    secret of theirs exists but is not their kept data. Without AWS credentials (nothing can be looked up,
    and nothing can be deployed either) every tenant is created as new."""
    existing = set(deployed)
    new = [name for name in names if name not in existing]
    found_session = aws.session(session.endpoint_url) if new else None
    if found_session is None:
        return {}
    from saas_ctl.aws.adoption import account_of, find_kept_data

    account = account_of(found_session, spec.platform.region, session.endpoint_url)
    found = {name: find_kept_data(spec, name, found_session, session.endpoint_url, account) for name in new}
    return {name: kept for name, kept in found.items() if kept != NOTHING_KEPT}


def before_deploy(session: Session, spec: TenantsFile, platform: PlatformOutputs) -> Preparer | None:
    """What a tenant's service needs before its first tasks start, run on the tenant's own thread before its stack
    is deployed: the cluster's isolation (once per command, before the first tenant's), then the tenant's database
    role and database (RDS Data API; they need only the platform's cluster). A failure fails that tenant, with the
    reason, and its stack is not deployed.

    None when nothing can be done: an engine that deploys nothing to AWS, or no AWS credentials."""
    from saas_ctl.aws import database as tenant_database

    found = behind_engine(session)
    if found is None:
        return None
    database = data_api(session, found, spec, platform)
    isolated: list[bool] = []
    lock = threading.Lock()

    def prepare(target: StackTarget) -> StackResult | None:
        names = TenantNames(spec.platform.project, spec.platform.environment, spec.platform.region, target.tenant or "")
        try:
            with lock:  # concurrent GRANT/REVOKE on one catalogue row fails ("tuple concurrently updated")
                if not isolated:
                    tenant_database.isolate_cluster(database)
                    isolated.append(True)
            tenant_database.run(tenant_database.provision_statements(names.database_user), database)
        except tenant_database.DatabaseError as exc:
            return StackResult(
                target,
                Operation.UP,
                Status.FAILED,
                error=f"{target.label}: database: {exc.message}",
                error_kind=ErrorKind.DATABASE,
            )
        return None

    return prepare


def after_deploy(session: Session, spec: TenantsFile, platform: PlatformOutputs) -> Verifier | None:
    """What makes a deployed tenant usable, run on the tenant's own thread: the wait until ECS has rolled out its
    new deployment (the session's ``rollout_timeout``: ``SAASCTL_ROLLOUT_TIMEOUT``; 0 turns the wait off). The
    wait ends early when the command is cancelled (Ctrl-C): the tenant is then cancelled, not failed.

    None when nothing can be done: an engine that deploys nothing to AWS, or no AWS credentials."""
    from saas_ctl.aws import rollout

    found = behind_engine(session)
    if found is None:
        return None
    timeout = session.rollout_timeout
    ecs = found.client("ecs", region_name=spec.platform.region, endpoint_url=session.endpoint_url)
    cancellation = session.cancellation

    def check(result: StackResult) -> StackResult:
        outputs = result.outputs
        if timeout <= 0 or not outputs.get("task_definition_arn") or not outputs.get("service_name"):
            return result
        if outputs.get(SUSPENDED_OUTPUT) is True:  # no tasks to wait for: its hosts answer the suspended page
            return result
        service = outputs["service_name"]
        with aws.boundary(f"{result.target.label}: could not follow the rollout of service {service}"):
            state = rollout.wait_for_rollout(
                ecs,
                str(platform.cluster_name),
                service,
                outputs["task_definition_arn"],
                timeout,
                sleep=cancellation.wait,
                cancelled=cancellation.is_set,
            )
        if state.ok:
            return result
        described = state.describe(service, outputs.get("log_group_name"), result.target.tenant)
        message = f"{result.target.label}: {described}"
        if state.outcome is rollout.Outcome.CANCELLED:
            return replace(result, status=Status.CANCELLED, error=message, error_kind=ErrorKind.CANCELLED)
        return replace(result, status=Status.FAILED, error=message, error_kind=ErrorKind.UNHEALTHY)

    return check


def data_api(session: Session, found: Any, spec: TenantsFile, platform: PlatformOutputs) -> Any:
    from saas_ctl.aws.database import DataApi

    client = found.client("rds-data", region_name=spec.platform.region, endpoint_url=session.endpoint_url)
    return DataApi(client, str(platform.database_cluster_arn), str(platform.database_master_secret_arn))


def drop_database(
    session: Session, spec: TenantsFile, platform: PlatformOutputs, target: StackTarget, names: TenantNames
) -> list[StackResult]:
    """After `tenant destroy --delete-data`: the tenant's database and role go too (a failure is reported with
    the statements to finish by hand; the stack is already gone)."""
    from saas_ctl.aws import database as tenant_database

    found = behind_engine(session)
    if found is None:
        return []
    statements = tenant_database.drop_statements(names.database_user)
    try:
        tenant_database.run(statements, data_api(session, found, spec, platform))
    except tenant_database.DatabaseError as exc:
        by_hand = "; ".join(s.sql for s in statements)
        return [
            StackResult(
                target,
                Operation.DESTROY,
                Status.FAILED,
                error=f"{target.label}: the stack is destroyed but its database is not: {exc.message} "
                f"(finish by hand as the master user: {by_hand})",
                error_kind=ErrorKind.DATABASE,
            )
        ]
    return []


def final_snapshot_taken(session: Session, spec: TenantsFile, generation: str) -> str | None:
    """The name of the platform's final snapshot when a DB cluster snapshot already has it (the destroy would
    then fail after everything else is gone); None when it is free, or cannot be asked (read-only
    rds:DescribeDBClusterSnapshots, when credentials allow)."""
    found = behind_engine(session)
    if found is None:
        return None
    identifier = PlatformNames(spec.platform.project, spec.platform.environment).db_final_snapshot_identifier(
        generation
    )
    rds = found.client("rds", region_name=spec.platform.region, endpoint_url=session.endpoint_url)
    answer = aws.ask(
        f"could not check for the final snapshot {identifier}",
        lambda: rds.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=identifier),
        {"DBClusterSnapshotNotFoundFault"},
    )
    return None if answer is None else identifier


def running_engine_version(session: Session, spec: TenantsFile) -> str | None:
    """The Aurora version the platform's cluster runs, as RDS says now (rds:DescribeDBClusters): AWS upgrades
    minors on its own, and neither the stack's outputs nor, without a refresh, its state know it. None when it
    cannot be asked (no credentials, an engine that deploys nothing) or there is no cluster yet."""
    found = behind_engine(session)
    if found is None:
        return None
    identifier = PlatformNames(spec.platform.project, spec.platform.environment).db_cluster_identifier
    rds = found.client("rds", region_name=spec.platform.region, endpoint_url=session.endpoint_url)
    answer = aws.ask(
        f"could not read the engine version of the cluster {identifier}",
        lambda: rds.describe_db_clusters(DBClusterIdentifier=identifier),
        {"DBClusterNotFoundFault"},
    )
    clusters = (answer or {}).get("DBClusters") or [{}]
    version = clusters[0].get("EngineVersion")
    return str(version) if version else None
