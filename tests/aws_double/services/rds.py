"""RDS: the Aurora PostgreSQL cluster, its instances, cluster parameter group and subnet group, as
terraform-provider-aws ``internal/service/rds`` (``cluster.go``, ``cluster_instance.go``,
``cluster_parameter_group.go``, ``subnet_group.go``) makes them, on moto's RDS.

moto keeps aurora-postgresql clusters and instances, makes the master user's secret in its Secrets Manager
(``ManageMasterUserPassword``), refuses to delete a cluster with deletion protection or with instances, and takes
the final snapshot named at delete. What it does not do, and the double models or names:
- The Data API flag: moto turns ``EnableHttpEndpoint`` off for every provisioned cluster (moto ``rds/models.py``
  ``DBCluster.enable_http_endpoint`` keeps it only for Serverless v1 of old versions); AWS offers the Data API on
  provisioned Aurora PostgreSQL (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api.html), so
  the double reports the program's value. moto's rds-data answers every statement with no rows and runs no SQL.
- Engine versions: moto accepts any (AWS refuses a retired one with InvalidParameterCombination; saasctl's
  preflight checks versions first).
- A ModifyDBCluster to an older version than the cluster runs: moto applies it; AWS refuses it with
  ``InvalidParameterCombination`` "Cannot upgrade aurora-postgresql from 12.8 to 12.4" (as users quote it after an
  automatic minor upgrade: ministryofjustice/cloud-platform-environments#7615, nationalarchives/
  ds-caselaw-data-enrichment-service#167): modelled here.
- A ModifyDBCluster with the EngineVersion the cluster already runs: moto takes it as a no-op. What AWS answers is
  documented nowhere found (the API reference, terraform-provider-aws, issue threads), so the double does not
  model it either way; saasctl's program never sends one (infra/platform/database.py), and a real-engine test holds
  it to that (tests/integration/test_day_two.py).
- Deleting a cluster parameter group or a subnet group a cluster still uses: moto deletes it; AWS refuses with
  ``InvalidDBParameterGroupState`` ("The DB parameter group is in use or is in an invalid state. If you are
  attempting to delete the parameter group, you can't delete it when the parameter group is in this state.",
  https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBClusterParameterGroup.html) and
  ``InvalidDBSubnetGroupStateFault`` ("The DB subnet group cannot be deleted because it's in use.",
  https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBSubnetGroup.html): modelled here.
"""

from __future__ import annotations

from typing import Any

from tests.aws_double.aws import Aws
from tests.aws_double.errors import Refusal
from tests.aws_double.services.base import Created, Handler, Props, first, handles, read_or_none, without_none

DEFAULT_DESCRIPTION = "Managed by Pulumi"


def _rds_tags(aws: Aws, inputs: Props) -> list[dict[str, str]]:
    return aws.tag_list(inputs)


def _cluster_settings(inputs: Props) -> dict[str, Any]:
    """What CreateDBCluster and ModifyDBCluster share."""
    return without_none(
        {
            "EngineVersion": inputs.get("engineVersion"),
            "DBClusterParameterGroupName": inputs.get("dbClusterParameterGroupName"),
            "VpcSecurityGroupIds": list(inputs["vpcSecurityGroupIds"]) if inputs.get("vpcSecurityGroupIds") else None,
            "BackupRetentionPeriod": _int(inputs.get("backupRetentionPeriod")),
            "PreferredBackupWindow": inputs.get("preferredBackupWindow"),
            "PreferredMaintenanceWindow": inputs.get("preferredMaintenanceWindow"),
            "DeletionProtection": inputs.get("deletionProtection"),
            "EnableIAMDatabaseAuthentication": inputs.get("iamDatabaseAuthenticationEnabled"),
            "EnableHttpEndpoint": inputs.get("enableHttpEndpoint"),
            "CopyTagsToSnapshot": inputs.get("copyTagsToSnapshot"),
        }
    )


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


@handles
class Cluster(Handler):
    type = "aws:rds/cluster:Cluster"
    kind = "RDS Cluster"
    provider_only = frozenset({"skipFinalSnapshot", "finalSnapshotIdentifier", "applyImmediately"})

    def create(self, aws: Aws, inputs: Props) -> Created:
        identifier = inputs["clusterIdentifier"]
        aws.rds.create_db_cluster(
            DBClusterIdentifier=identifier,
            Engine=inputs["engine"],
            Tags=_rds_tags(aws, inputs),
            **_cluster_settings(inputs),
            **without_none(
                {
                    "DatabaseName": inputs.get("databaseName"),
                    "MasterUsername": inputs.get("masterUsername"),
                    "ManageMasterUserPassword": inputs.get("manageMasterUserPassword"),
                    "MasterUserPassword": inputs.get("masterPassword"),
                    "DBSubnetGroupName": inputs.get("dbSubnetGroupName"),
                    "StorageEncrypted": inputs.get("storageEncrypted"),
                    "KmsKeyId": inputs.get("kmsKeyId"),
                    "EnableCloudwatchLogsExports": inputs.get("enabledCloudwatchLogsExports"),
                }
            ),
        )
        return Created(identifier, self._read(aws, identifier, inputs) or {})

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        return self._read(aws, resource_id, state or {})

    def _read(self, aws: Aws, resource_id: str, known: Props) -> Props | None:
        def get() -> Props | None:
            cluster = first(aws.rds.describe_db_clusters(DBClusterIdentifier=resource_id)["DBClusters"])
            if cluster is None:
                return None
            secret = cluster.get("MasterUserSecret")
            return without_none(
                {
                    "arn": cluster["DBClusterArn"],
                    "clusterIdentifier": cluster["DBClusterIdentifier"],
                    "clusterResourceId": cluster.get("DbClusterResourceId"),
                    "endpoint": cluster.get("Endpoint"),
                    "readerEndpoint": cluster.get("ReaderEndpoint"),
                    "port": cluster.get("Port"),
                    "hostedZoneId": cluster.get("HostedZoneId"),
                    "engine": cluster.get("Engine"),
                    "engineVersionActual": cluster.get("EngineVersion"),
                    "deletionProtection": cluster.get("DeletionProtection"),
                    "databaseName": cluster.get("DatabaseName"),
                    "masterUsername": cluster.get("MasterUsername"),
                    "storageEncrypted": cluster.get("StorageEncrypted"),
                    "masterUserSecrets": [
                        without_none(
                            {
                                "secretArn": secret.get("SecretArn"),
                                "secretStatus": secret.get("SecretStatus"),
                                "kmsKeyId": secret.get("KmsKeyId"),
                            }
                        )
                    ]
                    if secret
                    else [],
                    # Modelled: moto turns the Data API off on provisioned clusters (see the module's docstring).
                    "enableHttpEndpoint": known.get("enableHttpEndpoint", cluster.get("HttpEndpointEnabled")),
                }
            )

        return read_or_none(get, "DBClusterNotFoundFault")

    def apply(self, aws: Aws, resource_id: str, olds: Props, news: Props, changed: set[str]) -> None:
        unknown = changed - set(_INPUTS.values()) - {"allowMajorVersionUpgrade"}
        if unknown:
            super().apply(aws, resource_id, olds, news, unknown)
        settings = _cluster_settings(news)
        if "engineVersion" in changed:
            _refuse_a_downgrade(aws, resource_id, str(news["engineVersion"]))
        aws.rds.modify_db_cluster(
            DBClusterIdentifier=resource_id,
            ApplyImmediately=bool(news.get("applyImmediately", True)),
            AllowMajorVersionUpgrade=bool(news.get("allowMajorVersionUpgrade")),
            **{key: value for key, value in settings.items() if _input_of(key) in changed},
        )

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        final = None if state.get("skipFinalSnapshot") else state.get("finalSnapshotIdentifier")
        aws.rds.delete_db_cluster(
            DBClusterIdentifier=resource_id,
            SkipFinalSnapshot=final is None,
            **without_none({"FinalDBSnapshotIdentifier": final}),
        )


def _refuse_a_downgrade(aws: Aws, resource_id: str, asked: str) -> None:
    """Modelled (see the module's docstring): RDS upgrades, it never goes back to an older version."""
    [cluster] = aws.rds.describe_db_clusters(DBClusterIdentifier=resource_id)["DBClusters"]
    runs = str(cluster["EngineVersion"])
    if _version_key(asked) < _version_key(runs):
        raise Refusal("InvalidParameterCombination", f"Cannot upgrade {cluster['Engine']} from {runs} to {asked}")


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in version.split("."))


_INPUTS = {
    "EngineVersion": "engineVersion",
    "DBClusterParameterGroupName": "dbClusterParameterGroupName",
    "VpcSecurityGroupIds": "vpcSecurityGroupIds",
    "BackupRetentionPeriod": "backupRetentionPeriod",
    "PreferredBackupWindow": "preferredBackupWindow",
    "PreferredMaintenanceWindow": "preferredMaintenanceWindow",
    "DeletionProtection": "deletionProtection",
    "EnableIAMDatabaseAuthentication": "iamDatabaseAuthenticationEnabled",
    "EnableHttpEndpoint": "enableHttpEndpoint",
    "CopyTagsToSnapshot": "copyTagsToSnapshot",
}


def _input_of(setting: str) -> str:
    return _INPUTS[setting]


@handles
class ClusterInstance(Handler):
    type = "aws:rds/clusterInstance:ClusterInstance"
    kind = "RDS Cluster Instance"
    provider_only = frozenset({"applyImmediately"})

    def create(self, aws: Aws, inputs: Props) -> Created:
        identifier = inputs["identifier"]
        aws.rds.create_db_instance(
            DBInstanceIdentifier=identifier,
            DBClusterIdentifier=inputs["clusterIdentifier"],
            DBInstanceClass=inputs["instanceClass"],
            Engine=inputs["engine"],
            Tags=_rds_tags(aws, inputs),
            **without_none(
                {
                    "DBSubnetGroupName": inputs.get("dbSubnetGroupName"),
                    "PubliclyAccessible": inputs.get("publiclyAccessible"),
                    "EngineVersion": inputs.get("engineVersion"),
                }
            ),
        )
        return Created(identifier, self.read(aws, identifier) or {})

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        def get() -> Props | None:
            instance = first(aws.rds.describe_db_instances(DBInstanceIdentifier=resource_id)["DBInstances"])
            if instance is None:
                return None
            endpoint = instance.get("Endpoint") or {}
            return without_none(
                {
                    "arn": instance["DBInstanceArn"],
                    "identifier": instance["DBInstanceIdentifier"],
                    "clusterIdentifier": instance.get("DBClusterIdentifier"),
                    "instanceClass": instance.get("DBInstanceClass"),
                    "engine": instance.get("Engine"),
                    "endpoint": endpoint.get("Address"),
                    "port": endpoint.get("Port"),
                    "dbiResourceId": instance.get("DbiResourceId"),
                }
            )

        return read_or_none(get, "DBInstanceNotFound", "DBInstanceNotFoundFault")

    def apply(self, aws: Aws, resource_id: str, olds: Props, news: Props, changed: set[str]) -> None:
        if changed - {"instanceClass"}:
            super().apply(aws, resource_id, olds, news, changed - {"instanceClass"})
        aws.rds.modify_db_instance(
            DBInstanceIdentifier=resource_id, DBInstanceClass=news["instanceClass"], ApplyImmediately=True
        )

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        aws.rds.delete_db_instance(DBInstanceIdentifier=resource_id, SkipFinalSnapshot=True)


def _parameters(inputs: Props) -> list[dict[str, str]]:
    return [
        {"ParameterName": p["name"], "ParameterValue": p["value"], "ApplyMethod": p.get("applyMethod") or "immediate"}
        for p in inputs.get("parameters") or []
    ]


@handles
class ClusterParameterGroup(Handler):
    type = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
    kind = "RDS Cluster Parameter Group"

    def create(self, aws: Aws, inputs: Props) -> Created:
        name = inputs["name"]
        group = aws.rds.create_db_cluster_parameter_group(
            DBClusterParameterGroupName=name,
            DBParameterGroupFamily=inputs["family"],
            Description=inputs.get("description") or DEFAULT_DESCRIPTION,
            Tags=_rds_tags(aws, inputs),
        )["DBClusterParameterGroup"]
        if inputs.get("parameters"):
            aws.rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName=name, Parameters=_parameters(inputs))
        return Created(name, {"arn": group["DBClusterParameterGroupArn"]})

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        def get() -> Props | None:
            group = first(
                aws.rds.describe_db_cluster_parameter_groups(DBClusterParameterGroupName=resource_id)[
                    "DBClusterParameterGroups"
                ]
            )
            if group is None:
                return None
            return {
                "arn": group["DBClusterParameterGroupArn"],
                "name": group["DBClusterParameterGroupName"],
                "family": group["DBParameterGroupFamily"],
            }

        return read_or_none(get, "DBParameterGroupNotFound", "DBClusterParameterGroupNotFound")

    def apply(self, aws: Aws, resource_id: str, olds: Props, news: Props, changed: set[str]) -> None:
        if changed - {"parameters"}:
            super().apply(aws, resource_id, olds, news, changed - {"parameters"})
        aws.rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName=resource_id, Parameters=_parameters(news))

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        if any(c.get("DBClusterParameterGroup") == resource_id for c in _clusters(aws)):
            raise Refusal(
                "InvalidDBParameterGroupState",
                f"One or more database clusters are still members of this parameter group {resource_id}, so the "
                "group cannot be deleted",  # the wording is the double's (the code and its meaning are AWS's)
            )
        aws.rds.delete_db_cluster_parameter_group(DBClusterParameterGroupName=resource_id)


def _clusters(aws: Aws) -> list[dict[str, Any]]:
    return list(aws.rds.describe_db_clusters()["DBClusters"])


@handles
class SubnetGroup(Handler):
    type = "aws:rds/subnetGroup:SubnetGroup"
    kind = "RDS DB Subnet Group"

    def create(self, aws: Aws, inputs: Props) -> Created:
        group = aws.rds.create_db_subnet_group(
            DBSubnetGroupName=inputs["name"],
            DBSubnetGroupDescription=inputs.get("description") or DEFAULT_DESCRIPTION,
            SubnetIds=list(inputs["subnetIds"]),
            Tags=_rds_tags(aws, inputs),
        )["DBSubnetGroup"]
        return Created(inputs["name"], {"arn": group["DBSubnetGroupArn"]})

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        def get() -> Props | None:
            group = first(aws.rds.describe_db_subnet_groups(DBSubnetGroupName=resource_id)["DBSubnetGroups"])
            if group is None:
                return None
            return {
                "arn": group["DBSubnetGroupArn"],
                "name": group["DBSubnetGroupName"],
                "subnetIds": [s["SubnetIdentifier"] for s in group.get("Subnets", [])],
                "vpcId": group.get("VpcId"),
            }

        return read_or_none(get, "DBSubnetGroupNotFoundFault")

    def apply(self, aws: Aws, resource_id: str, olds: Props, news: Props, changed: set[str]) -> None:
        aws.rds.modify_db_subnet_group(
            DBSubnetGroupName=resource_id,
            DBSubnetGroupDescription=news.get("description") or DEFAULT_DESCRIPTION,
            SubnetIds=list(news["subnetIds"]),
        )

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        if any(c.get("DBSubnetGroup") == resource_id for c in _clusters(aws)):
            raise Refusal(
                "InvalidDBSubnetGroupStateFault", "The DB subnet group cannot be deleted because it's in use."
            )
        aws.rds.delete_db_subnet_group(DBSubnetGroupName=resource_id)
