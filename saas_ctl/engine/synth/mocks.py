"""Pulumi mocks that answer like AWS would, closely enough for programs to wire their resources together.

Every resource is recorded with its inputs; ARNs, IDs and endpoints are derived from the inputs so that
references between resources (a policy naming a bucket's ARN) carry the real names.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pulumi
from pulumi.runtime.mocks import MockMonitor

from saas_ctl.engine.base import PlannedResource
from saas_ctl.engine.changes import MASK as MASK  # re-exported: what a masked secret reads as
from saas_ctl.engine.changes import SECRET_SIGNATURE as SECRET_SIGNATURE
from saas_ctl.engine.changes import mask_secrets

ACCOUNT = "123456789012"


def short_id(prefix: str, name: str) -> str:
    return f"{prefix}-{hashlib.sha256(name.encode()).hexdigest()[:17]}"


class SynthMocks(pulumi.runtime.Mocks):
    def __init__(self, region: str) -> None:
        self.region = region
        self.resources: list[PlannedResource] = []
        self.options: dict[tuple[str, str], dict[str, Any]] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        options = self.options.get((args.typ, args.name), {})
        self.resources.append(
            PlannedResource(
                args.typ,
                args.name,
                mask_secrets(dict(args.inputs)),
                args.provider or None,
                tuple(options.get("dependsOn", ())),
                options,
            )
        )
        state = dict(args.inputs)
        name = str(
            state.get("name")
            or state.get("bucket")
            or state.get("identifier")
            or state.get("clusterIdentifier")
            or args.name
        )
        resource_id, computed = self._computed(args.typ, name, state)
        state.update(computed)
        return resource_id, state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        # An empty failure list, not None: the SDK's mock monitor iterates over it.
        if args.token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            letters = "abcdef"
            return {
                "id": self.region,
                "names": [f"{self.region}{c}" for c in letters],
                "zoneIds": [f"use1-az{i + 1}" for i in range(len(letters))],
                "state": "available",
            }, []
        if args.token == "aws:route53/getZone:getZone":
            name = str(args.args.get("name") or "example.com")
            return {"zoneId": "Z" + short_id("zone", name).split("-")[1].upper()[:13], "name": name}, []
        return {}, []

    def _arn(self, service: str, resource: str, *, regional: bool = True, account: bool = True) -> str:
        return f"arn:aws:{service}:{self.region if regional else ''}:{ACCOUNT if account else ''}:{resource}"

    def _computed(self, typ: str, name: str, state: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        r = self.region
        match typ:
            case "aws:s3/bucket:Bucket":
                return name, {"arn": self._arn("s3", name, regional=False, account=False), "bucket": name}
            case "aws:cloudwatch/logGroup:LogGroup":
                return name, {"arn": self._arn("logs", f"log-group:{name}")}
            case typ if typ.startswith("aws:s3/bucket") and typ != "aws:s3/bucket:Bucket":
                return str(state.get("bucket") or name), {}  # a bucket setting's ID is its bucket's name
            case "aws:secretsmanager/secretVersion:SecretVersion":
                version = "terraform-" + hashlib.sha256(str(state.get("secretId")).encode()).hexdigest()[:26]
                return f"{state.get('secretId')}|{version}", {"versionId": version}
            case "aws:secretsmanager/secret:Secret":
                arn = self._arn("secretsmanager", f"secret:{name}-AbCdEf")
                return arn, {"arn": arn}
            case "aws:iam/role:Role":
                return name, {"arn": self._arn("iam", f"role/{name}", regional=False)}
            case "aws:lb/loadBalancer:LoadBalancer":
                arn = self._arn("elasticloadbalancing", f"loadbalancer/app/{name}/0")
                # zoneId: the ALB's canonical hosted zone (per Region; this one is us-east-1's).
                return arn, {"arn": arn, "dnsName": f"{name}-0.{r}.elb.amazonaws.com", "zoneId": "Z35SXDOTRQ7X7K"}
            case "aws:lb/listener:Listener":
                arn = self._arn("elasticloadbalancing", f"listener/app/{name}/0/{state.get('port', 0):.0f}")
                return arn, {"arn": arn}
            case "aws:lb/targetGroup:TargetGroup":
                arn = self._arn("elasticloadbalancing", f"targetgroup/{name}/0")
                return arn, {"arn": arn}
            case "aws:rds/cluster:Cluster":
                return name, {
                    "arn": self._arn("rds", f"cluster:{name}"),
                    "endpoint": f"{name}.cluster-0.{r}.rds.amazonaws.com",
                    "readerEndpoint": f"{name}.cluster-ro-0.{r}.rds.amazonaws.com",
                    "port": 5432,
                    "clusterResourceId": short_id("cluster", name).upper(),
                    "masterUserSecrets": [{"secretArn": self._arn("secretsmanager", f"secret:rds!{name}-AbCdEf")}],
                }
            case "aws:ecs/cluster:Cluster":
                return self._arn("ecs", f"cluster/{name}"), {"arn": self._arn("ecs", f"cluster/{name}")}
            case "aws:ecs/taskDefinition:TaskDefinition":
                arn = self._arn("ecs", f"task-definition/{state.get('family', name)}:1")
                return arn, {"arn": arn}
            case _:
                prefix = typ.split(":")[-1].lower()
                return short_id(prefix, name), {"arn": self._arn(typ.split(":")[1].split("/")[0], f"{prefix}/{name}")}


def day_two_options(request: Any) -> dict[str, Any]:
    """The options of a RegisterResource request that decide destroy, replace and re-add (DAY_TWO_OPTIONS)."""
    return {
        "protect": bool(request.protect),
        "retainOnDelete": bool(request.retainOnDelete),
        # None when the program left it to the provider, else the program's choice, which overrides the provider
        # (pulumi/pulumi pkg/resource/deploy/source_eval.go RegisterResource: deleteBeforeReplaceDefined).
        "deleteBeforeReplace": bool(request.deleteBeforeReplace)
        if request.deleteBeforeReplaceDefined or request.deleteBeforeReplace
        else None,
        "import": request.importId or None,
        "ignoreChanges": list(request.ignoreChanges),
        # A set: the SDK sends the dependencies it gathered (a component's children among them) in no stable order.
        "dependsOn": sorted(request.dependencies),
    }


class SynthMonitor(MockMonitor):
    """The SDK's mock monitor, also noting each resource's options (explicit dependencies, protect, retain,
    import...), which the mocks API does not pass on: plan shows them and tests check them."""

    def __init__(self, mocks: SynthMocks) -> None:
        super().__init__(mocks)
        self.synth_mocks = mocks

    def RegisterResource(self, request: Any) -> Any:
        self.synth_mocks.options[(request.type, request.name)] = day_two_options(request)
        return super().RegisterResource(request)  # type: ignore[no-untyped-call]
