"""An AWS provider double for the real Pulumi engine: a resource provider plugin named ``aws``.

The Pulumi CLI runs it as ``pulumi-resource-aws`` found on PATH (an "ambient" plugin) in place of the real
pulumi-aws provider, which cannot be built or downloaded where saasctl's tests run. It is a test tool, never
installed for users.

What it does, and what it deliberately does not:
- It answers like saasctl's mocks (``saas_ctl.engine.synth.mocks``): IDs and ARNs derived from the inputs, outputs =
  inputs + computed attributes, ``getAvailabilityZones`` answered.
- It keeps no state of its own: Pulumi's state is the stack's truth. Every call that touches "AWS" (create,
  update, delete, read) is appended to a record file (``SAASCTL_DOUBLE_RECORD``), one JSON object a line, so
  tests can assert what the engine asked for. That record is also the double's account: what was created and
  not deleted still exists, so a resource the engine *retained* on destroy is still there when the tenant
  comes back — a create with the same physical name is refused as AWS refuses it, and an import finds it.
- Properties that force a replacement in the real provider (ForceNew in its schema) force one here, for the
  resource types saasctl uses (``REPLACE_ON_CHANGE``); every other change is an in-place update.
- ``SAASCTL_DOUBLE_FAIL`` (``op:pattern,...``) fails matching operations; ``SAASCTL_DOUBLE_DELAY``
  (``op:pattern=seconds,...``) delays them. ``op`` is create, update, delete or read (``*`` for any); the
  pattern is an fnmatch pattern over the resource's logical name.
"""

from __future__ import annotations

import asyncio
import fcntl
import fnmatch
import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.provider.experimental.provider import (
    CheckRequest,
    CheckResponse,
    ConfigureRequest,
    ConfigureResponse,
    CreateRequest,
    CreateResponse,
    DeleteRequest,
    DiffRequest,
    DiffResponse,
    InvokeRequest,
    InvokeResponse,
    Provider,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)

from saas_ctl.engine.synth.mocks import MASK, SynthMocks

RECORD_VARIABLE = "SAASCTL_DOUBLE_RECORD"
FAIL_VARIABLE = "SAASCTL_DOUBLE_FAIL"
DELAY_VARIABLE = "SAASCTL_DOUBLE_DELAY"

# Input properties whose change the real provider cannot apply in place (ForceNew in its schema), for the
# types saasctl creates. "*" means every input but tags (a task definition revision is immutable).
REPLACE_ON_CHANGE: dict[str, frozenset[str]] = {
    "aws:s3/bucket:Bucket": frozenset({"bucket", "bucketPrefix"}),
    "aws:s3/bucketVersioning:BucketVersioning": frozenset({"bucket"}),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": frozenset({"bucket"}),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": frozenset({"bucket"}),
    "aws:s3/bucketPolicy:BucketPolicy": frozenset({"bucket"}),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": frozenset({"bucket"}),
    "aws:secretsmanager/secret:Secret": frozenset({"name", "namePrefix"}),
    "aws:secretsmanager/secretVersion:SecretVersion": frozenset({"secretId"}),
    "aws:cloudwatch/logGroup:LogGroup": frozenset({"name", "namePrefix"}),
    "aws:iam/role:Role": frozenset({"name", "namePrefix", "path"}),
    "aws:iam/rolePolicy:RolePolicy": frozenset({"name", "namePrefix", "role"}),
    "aws:lb/targetGroup:TargetGroup": frozenset(
        {"name", "namePrefix", "port", "protocol", "protocolVersion", "targetType", "vpcId"}
    ),
    "aws:lb/listenerRule:ListenerRule": frozenset({"listenerArn"}),
    "aws:lb/listener:Listener": frozenset({"loadBalancerArn"}),
    "aws:lb/loadBalancer:LoadBalancer": frozenset({"name", "namePrefix", "internal", "loadBalancerType"}),
    "aws:ecs/taskDefinition:TaskDefinition": frozenset({"*"}),
    "aws:ecs/service:Service": frozenset({"name", "cluster", "launchType", "schedulingStrategy"}),
    "aws:ecs/cluster:Cluster": frozenset({"name"}),
    "aws:rds/cluster:Cluster": frozenset(
        {"clusterIdentifier", "engine", "databaseName", "masterUsername", "storageEncrypted", "kmsKeyId"}
    ),
    "aws:rds/clusterInstance:ClusterInstance": frozenset({"identifier", "engine", "clusterIdentifier"}),
    "aws:rds/subnetGroup:SubnetGroup": frozenset({"name"}),
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": frozenset({"name", "family"}),
    "aws:ec2/vpc:Vpc": frozenset({"cidrBlock"}),
    "aws:ec2/subnet:Subnet": frozenset({"vpcId", "cidrBlock", "availabilityZone"}),
    "aws:ec2/securityGroup:SecurityGroup": frozenset({"name", "namePrefix", "vpcId", "description"}),
    "aws:ec2/natGateway:NatGateway": frozenset({"subnetId", "allocationId"}),
    "aws:ec2/eip:Eip": frozenset({"domain"}),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": frozenset({"securityGroupId"}),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": frozenset({"securityGroupId"}),
    "aws:appautoscaling/target:Target": frozenset({"resourceId", "scalableDimension", "serviceNamespace"}),
    "aws:appautoscaling/policy:Policy": frozenset({"name", "resourceId", "scalableDimension", "serviceNamespace"}),
    "aws:route53/record:Record": frozenset({"name", "type", "zoneId"}),
}
# Resource types whose physical name is unique in an account and region (or globally, for buckets): a create
# with the name of one that exists is refused, with AWS's error code.
NAME_CONFLICT: dict[str, str] = {
    "aws:s3/bucket:Bucket": "BucketAlreadyOwnedByYou",
    "aws:secretsmanager/secret:Secret": "ResourceExistsException",
    "aws:cloudwatch/logGroup:LogGroup": "ResourceAlreadyExistsException",
    "aws:iam/role:Role": "EntityAlreadyExists",
    "aws:lb/targetGroup:TargetGroup": "DuplicateTargetGroupName",
    "aws:lb/loadBalancer:LoadBalancer": "DuplicateLoadBalancerName",
    "aws:rds/cluster:Cluster": "DBClusterAlreadyExistsFault",
    "aws:ecs/service:Service": "InvalidParameterException: Creation of service was not idempotent",
}
UNTRACKED = frozenset({"tags", "tagsAll"})


def plain(value: PropertyValue) -> Any:
    """A property value as plain JSON-able Python; secrets masked, unknowns as None."""
    inner = value.value
    if value.is_secret:
        return MASK
    if isinstance(inner, Computed):
        return None
    if isinstance(inner, Mapping):
        return {k: plain(v) for k, v in inner.items()}
    if isinstance(inner, Sequence) and not isinstance(inner, str):
        return [plain(v) for v in inner]
    return inner


def wrap(value: Any) -> PropertyValue:
    if isinstance(value, PropertyValue):
        return value
    if isinstance(value, Mapping):
        return PropertyValue({k: wrap(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return PropertyValue([wrap(v) for v in value])
    if isinstance(value, int) and not isinstance(value, bool):
        return PropertyValue(float(value))
    return PropertyValue(value)


_SECRET_ARN_SUFFIX = re.compile(r"(:secret:[^|:]+)-[A-Za-z0-9]{6}(?=$|\|)")


def canonical(value: Any) -> Any:
    """A Secrets Manager ARN ends in six random characters that AWS picks: the double cannot know the ones the
    account (moto, standing in for AWS in saasctl's own calls) picked, so it compares ARNs without them."""
    if isinstance(value, str):
        return _SECRET_ARN_SUFFIX.sub(r"\1", value)
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value


def same(old: PropertyValue | None, new: PropertyValue) -> bool:
    """Equal as AWS would see them: secrets compared by value, unknown (preview) never equal."""
    if isinstance(new.value, Computed):
        return False
    if old is None:
        return new.value is None
    return bool(canonical(_unwrap(old)) == canonical(_unwrap(new)))


def _unwrap(value: PropertyValue) -> Any:
    inner = value.value
    if isinstance(inner, Mapping):
        return {k: _unwrap(v) for k, v in inner.items()}
    if isinstance(inner, Sequence) and not isinstance(inner, str):
        return [_unwrap(v) for v in inner]
    return inner


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


class Record:
    """The append-only record of calls, shared by every double the engine starts (one per stack operation)."""

    def __init__(self, path: str | None) -> None:
        self.path = path

    def append(self, entry: dict[str, Any]) -> None:
        if not self.path:
            return
        line = json.dumps(entry, sort_keys=True) + "\n"
        with open(self.path, "a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.write(line)

    def entries(self) -> Iterator[dict[str, Any]]:
        if not self.path or not os.path.exists(self.path):
            return iter(())
        with open(self.path, encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_SH)
            return iter([json.loads(line) for line in handle if line.strip()])

    def existing(self) -> dict[str, dict[str, Any]]:
        """What exists in the double's account: the last create/update of each ID not deleted since."""
        live: dict[str, dict[str, Any]] = {}
        for entry in self.entries():
            if entry["op"] in ("create", "update"):
                live[canonical(entry["id"])] = entry
            elif entry["op"] == "delete":
                live.pop(canonical(entry["id"]), None)
        return live


def resource_type(urn: str) -> str:
    """The resource's own type token: a URN's type segment is prefixed with its parents' (``a$b$aws:...``)."""
    return urn.split("::")[-2].split("$")[-1]


def physical_name(type_: str, inputs: Mapping[str, Any], fallback: str) -> str:
    for key in ("name", "bucket", "identifier", "clusterIdentifier", "family"):
        if isinstance(inputs.get(key), str) and inputs[key]:
            return str(inputs[key])
    return fallback


class AwsDouble(Provider):
    def __init__(self) -> None:
        self.region = "us-east-1"
        self.record = Record(os.environ.get(RECORD_VARIABLE))
        self.failures = parse_rules(os.environ.get(FAIL_VARIABLE, ""))
        self.delays = parse_rules(os.environ.get(DELAY_VARIABLE, ""))

    async def _hooks(self, op: str, urn: str) -> None:
        name = urn.rsplit("::", 1)[-1]
        for rule in self.delays:
            if rule.matches(op, name):
                await asyncio.sleep(rule.value)
        for rule in self.failures:
            if rule.matches(op, name):
                raise RuntimeError(f"the AWS double was told to fail {op} of {name}")

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        region = request.variables.get("aws:config:region") or request.variables.get("aws:region")
        arg = request.args.get("region")
        if arg is not None and isinstance(arg.value, str):
            region = arg.value
        self.region = region or self.region
        return ConfigureResponse(
            accept_secrets=True, supports_preview=True, accept_outputs=False, accept_resources=True
        )

    async def invoke(self, request: InvokeRequest) -> InvokeResponse:
        import pulumi

        args = {k: _unwrap(v) for k, v in request.args.items()}
        answer, _ = SynthMocks(self.region).call(pulumi.runtime.MockCallArgs(request.tok, args, None))  # type: ignore[arg-type]
        return InvokeResponse(return_value={k: wrap(v) for k, v in answer.items()})

    async def check(self, request: CheckRequest) -> CheckResponse:
        return CheckResponse(inputs=request.new_inputs)

    async def diff(self, request: DiffRequest) -> DiffResponse:
        ignored = {path.split(".", 1)[0].split("[", 1)[0] for path in request.ignore_changes}
        changed = [
            key
            for key, value in request.new_inputs.items()
            if key not in UNTRACKED
            and key not in ignored
            and not key.startswith("__")
            and not same(request.old_state.get(key), value)
        ]
        forcing = REPLACE_ON_CHANGE.get(resource_type(request.urn), frozenset())
        replaces = [key for key in changed if "*" in forcing or key in forcing]
        return DiffResponse(changes=bool(changed), replaces=replaces, diffs=changed)

    def _outputs(
        self, type_: str, urn: str, inputs: Mapping[str, PropertyValue]
    ) -> tuple[str, dict[str, PropertyValue]]:
        state = {k: _unwrap(v) for k, v in inputs.items()}
        name = physical_name(type_, state, urn.rsplit("::", 1)[-1])
        resource_id, computed = SynthMocks(self.region)._computed(type_, name, state)
        if type_ == "aws:ecs/taskDefinition:TaskDefinition":
            # Every registration is a new revision of the family, as in ECS: family:1, family:2, ...
            family = str(state.get("family", name))
            revision = 1 + sum(
                1
                for e in self.record.entries()
                if e["op"] == "create" and e["type"] == type_ and e["physical_name"] == family
            )
            resource_id = resource_id.rsplit(":", 1)[0] + f":{revision}"
            computed = {
                **computed,
                "arn": resource_id,
                "revision": revision,
                "arnWithoutRevision": resource_id.rsplit(":", 1)[0],
            }
        outputs = dict(inputs)
        outputs.update({k: wrap(v) for k, v in computed.items()})
        return resource_id, outputs

    async def create(self, request: CreateRequest) -> CreateResponse:
        resource_id, outputs = self._outputs(resource_type(request.urn), request.urn, request.properties)
        if request.preview:
            return CreateResponse(resource_id="", properties=outputs)
        await self._hooks("create", request.urn)
        type_ = resource_type(request.urn)
        conflict = NAME_CONFLICT.get(type_)
        if conflict:
            name = physical_name(type_, {k: _unwrap(v) for k, v in request.properties.items()}, "")
            for entry in self.record.existing().values():
                if entry["type"] == type_ and entry.get("physical_name") == name:
                    raise RuntimeError(f"creating {type_} {name!r}: {conflict}: it already exists")
        self._append("create", request.urn, resource_id, request.properties, outputs)
        return CreateResponse(resource_id=resource_id, properties=outputs)

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        _, outputs = self._outputs(resource_type(request.urn), request.urn, request.news)
        if not request.preview:
            await self._hooks("update", request.urn)
            self._append("update", request.urn, request.resource_id, request.news, outputs)
        return UpdateResponse(properties=outputs)

    async def delete(self, request: DeleteRequest) -> None:
        await self._hooks("delete", request.urn)
        self._append("delete", request.urn, request.resource_id, {}, request.properties)

    async def read(self, request: ReadRequest) -> ReadResponse:
        """A refresh (the engine sends what it knows) or an import (it sends only the ID): answered from the
        record, the double's account; an ID it never created or has deleted does not exist."""
        await self._hooks("read", request.urn)
        importing = not request.properties
        found = self.record.existing().get(canonical(request.resource_id))
        self.record.append(
            {
                "op": "import" if importing else "read",
                "urn": request.urn,
                "type": resource_type(request.urn),
                "name": request.name,
                "id": request.resource_id,
                "found": found is not None,
            }
        )
        if found is None:
            return ReadResponse(resource_id="", properties={}, inputs={})
        if not importing:
            return ReadResponse(resource_id=request.resource_id, properties=request.properties, inputs=request.inputs)
        state = {k: wrap(v) for k, v in found["outputs"].items()}
        inputs = {k: wrap(v) for k, v in found["inputs"].items()}
        return ReadResponse(resource_id=request.resource_id, properties=state, inputs=inputs)

    def _append(
        self,
        op: str,
        urn: str,
        resource_id: str,
        inputs: Mapping[str, PropertyValue],
        outputs: Mapping[str, PropertyValue],
    ) -> None:
        type_ = resource_type(urn)
        values = {k: plain(v) for k, v in outputs.items()}
        self.record.append(
            {
                "op": op,
                "urn": urn,
                "type": type_,
                "name": urn.rsplit("::", 1)[-1],
                "id": resource_id,
                "physical_name": physical_name(type_, values, ""),
                "inputs": {k: plain(v) for k, v in inputs.items()},
                "outputs": values,
            }
        )
