"""Aurora PostgreSQL: private subnets, encrypted, IAM authentication, master password in Secrets Manager."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.naming import PlatformNames, parameter_group_family

ENGINE = "aurora-postgresql"
MASTER_USERNAME = "saasadmin"  # not 'admin' or 'rdsadmin' (reserved on aurora-postgresql), no pg_ prefix
DATABASE_NAME = "app"


@dataclass(frozen=True)
class DatabaseArgs:
    names: PlatformNames
    engine_version: str
    instance_class: str
    instances: int
    backup_retention_days: int
    deletion_protection: bool
    # None: no final snapshot (a throwaway environment). Otherwise unique per cluster lifetime.
    final_snapshot_identifier: str | None
    log_retention_days: int
    subnet_ids: list[pulumi.Output[str]]
    security_group_id: pulumi.Input[str]
    restore_from: str | None = None  # a DB cluster snapshot to create the cluster from
    # The cluster already runs engine_version (what RDS or the stack's output says): see Database.
    engine_version_runs: bool = False


class Database(pulumi.ComponentResource):
    endpoint: pulumi.Output[str]
    reader_endpoint: pulumi.Output[str]
    port: pulumi.Output[int]
    resource_id: pulumi.Output[str]
    master_secret_arn: pulumi.Output[str]
    arn: pulumi.Output[str]
    engine_version_actual: pulumi.Output[str]

    def __init__(self, name: str, args: DatabaseArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("saasctl:platform:Database", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        names = args.names
        family = parameter_group_family(args.engine_version)

        subnets = aws.rds.SubnetGroup(
            f"{name}-subnets",
            name=names.db_subnet_group,
            subnet_ids=args.subnet_ids,
            description="Aurora in the private subnets",
            opts=child,
        )
        parameters = aws.rds.ClusterParameterGroup(
            f"{name}-params",
            name=names.db_parameter_group(family),
            family=family,
            description=f"saasctl cluster parameters ({family})",
            parameters=[aws.rds.ClusterParameterGroupParameterArgs(name="rds.force_ssl", value="1")],
            # A major upgrade needs a group of the new family: its name carries the family, so the new group is
            # created first, the cluster moves to it, and only then the old one goes (RDS refuses to delete a
            # group a cluster uses: InvalidDBParameterGroupState). pulumi-aws would answer this replacement of
            # a named resource delete-first (the bridge's nameRequiresDeleteBeforeReplace); the option overrides it.
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=False),
        )
        # Aurora creates its log group on first export, with no retention; created here first, it keeps the
        # environment's retention like every other log group of saasctl's.
        logs = aws.cloudwatch.LogGroup(
            f"{name}-logs", name=names.db_log_group, retention_in_days=args.log_retention_days, opts=child
        )
        # While deletion protection is on, Pulumi protects the cluster and its instances too: even a raw
        # `pulumi destroy` then stops before deleting anything, instead of deleting the instances and failing
        # on the cluster (DeleteDBCluster refuses a protected cluster) half-way through.
        guarded = pulumi.ResourceOptions(parent=self, protect=args.deletion_protection)
        # snapshot_identifier is read at creation only (below). The engine version is left as the stack has it when
        # the cluster already runs the version asked for: after AWS's own minor upgrade the stack still holds the
        # old one, and the update would send ModifyDBCluster an EngineVersion equal to what runs. What RDS answers
        # to that is documented nowhere; terraform-provider-aws never sends it (resourceClusterUpdate in
        # internal/service/rds/cluster.go sets EngineVersion only on d.HasChange("engine_version"), and the Read
        # that precedes every plan puts the running version, or the file's prefix of it, in state:
        # compareActualEngineVersion). Nor does saasctl.
        unchanged = ["snapshotIdentifier", *(["engineVersion"] if args.engine_version_runs else [])]
        cluster = aws.rds.Cluster(
            f"{name}-cluster",
            cluster_identifier=names.db_cluster_identifier,
            engine=ENGINE,
            engine_version=args.engine_version,
            database_name=DATABASE_NAME,
            master_username=MASTER_USERNAME,
            manage_master_user_password=True,
            db_subnet_group_name=subnets.name,
            db_cluster_parameter_group_name=parameters.name,
            vpc_security_group_ids=[args.security_group_id],
            storage_encrypted=True,
            backup_retention_period=args.backup_retention_days,
            preferred_backup_window="03:00-04:00",
            preferred_maintenance_window="sun:04:30-sun:05:30",
            deletion_protection=args.deletion_protection,
            skip_final_snapshot=args.final_snapshot_identifier is None,
            final_snapshot_identifier=args.final_snapshot_identifier,
            # Changing the major version in the file is an upgrade the user asked for; without this flag
            # ModifyDBCluster refuses it (InvalidParameterCombination).
            allow_major_version_upgrade=True,
            # An engine-version change in the file is applied by this deploy, not at the next maintenance window
            # (terraform-provider-aws sends ApplyImmediately from apply_immediately, default false, on
            # ModifyDBCluster): `platform up` reports the upgrade done when it is.
            apply_immediately=True,
            iam_database_authentication_enabled=True,
            # The RDS Data API: saasctl makes each tenant's role and database through it, with no network
            # path into the private subnets.
            enable_http_endpoint=True,
            enabled_cloudwatch_logs_exports=["postgresql"],
            copy_tags_to_snapshot=True,
            # platform.database.restore_from: RestoreDBClusterFromSnapshot instead of CreateDBCluster. Read at creation
            # only: terraform-provider-aws makes snapshot_identifier ForceNew (internal/service/rds/cluster.go), so a
            # later change would replace the cluster and its data; the engine keeps the value it was created with.
            snapshot_identifier=args.restore_from,
            opts=pulumi.ResourceOptions.merge(
                guarded, pulumi.ResourceOptions(depends_on=[logs], ignore_changes=unchanged)
            ),
        )
        for index in range(args.instances):
            aws.rds.ClusterInstance(
                f"{name}-instance-{index}",
                identifier=f"{names.db_cluster_identifier}-{index}",
                cluster_identifier=cluster.id,
                instance_class=args.instance_class,
                engine=aws.rds.EngineType.AURORA_POSTGRESQL,
                # No engine_version: instances follow the cluster's, so an upgrade changes the cluster only.
                db_subnet_group_name=subnets.name,
                publicly_accessible=False,
                # A class change in the file is applied by this deploy (ModifyDBInstance ApplyImmediately).
                apply_immediately=True,
                opts=guarded,
            )

        self.endpoint = cluster.endpoint
        self.reader_endpoint = cluster.reader_endpoint
        self.port = cluster.port
        self.resource_id = cluster.cluster_resource_id
        self.arn = cluster.arn
        self.engine_version_actual = cluster.engine_version_actual
        self.master_secret_arn = cluster.master_user_secrets.apply(lambda s: (s[0].secret_arn or "") if s else "")
        self.register_outputs({"endpoint": self.endpoint})
