"""The two accounts the double answers from.

- :class:`EmulatedAccount`, when an AWS endpoint is configured (the provider's ``endpoints``, as ``--local`` sets
  them, or ``AWS_ENDPOINT_URL``): every create, read, update and delete is the real provider's AWS calls for that
  resource type (``tests.aws_double.services``), made on the emulator (moto) behind the endpoint. IDs, ARNs and
  computed attributes are moto's; what moto refuses fails the operation with AWS's code and message.
- :class:`RecordedAccount`, without one: nothing is called. IDs and ARNs are derived from the inputs (as saasctl's
  mocks derive them) and the record file is the account: what was created and not deleted still exists, so a
  resource the engine retained is there for the next import, and a create of a name that exists is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from saas_ctl.engine.synth.mocks import SynthMocks
from tests.aws_double.aws import Aws
from tests.aws_double.config import ProviderConfig
from tests.aws_double.errors import ApiError, NotModelled, ProviderError, Refusal, reported
from tests.aws_double.record import Record
from tests.aws_double.schema import physical_name
from tests.aws_double.services import INVOKES, handler
from tests.aws_double.values import canonical

Props = dict[str, Any]


@dataclass(frozen=True)
class Found:
    inputs: Props
    outputs: Props


class Account(Protocol):
    def create(self, type_: str, urn: str, inputs: Props) -> tuple[str, Props]: ...

    def read(self, type_: str, urn: str, resource_id: str, known: Found | None) -> Found | None: ...

    def update(self, type_: str, urn: str, resource_id: str, olds: Props, news: Props) -> Props: ...

    def delete(self, type_: str, urn: str, resource_id: str, state: Props) -> None: ...

    def invoke(self, token: str, args: Props) -> Props: ...


def derived(region: str, type_: str, urn: str, inputs: Mapping[str, Any]) -> tuple[str, Props]:
    """An ID and computed attributes derived from the inputs, as saasctl's mocks derive them (for previews, and
    for the recorded account)."""
    name = physical_name(inputs, urn.rsplit("::", 1)[-1])
    return SynthMocks(region)._computed(type_, name, dict(inputs))


class EmulatedAccount:
    def __init__(self, config: ProviderConfig) -> None:
        self.aws = Aws(config)

    def _call(self, op: str, type_: str, ident: str, call: Any) -> Any:
        found = handler(type_)
        if found is None:
            raise ProviderError(f"the AWS double has no handler for {type_} (saasctl does not declare it)")
        try:
            return call(found)
        except (ApiError, Refusal, NotModelled) as error:
            raise reported(op, found.kind, ident, error) from None

    def create(self, type_: str, urn: str, inputs: Props) -> tuple[str, Props]:
        ident = physical_name(inputs, urn.rsplit("::", 1)[-1])
        created = self._call("create", type_, ident, lambda h: h.create(self.aws, inputs))
        return created.id, created.outputs

    def read(self, type_: str, urn: str, resource_id: str, known: Found | None) -> Found | None:
        state = known.outputs if known else None
        current = self._call("read", type_, resource_id, lambda h: h.read(self.aws, resource_id, state))
        if current is None:
            return None
        if known is None:  # an import: what AWS holds is both the inputs and the state
            return Found(current, current)
        return Found(known.inputs, {**known.outputs, **current})

    def update(self, type_: str, urn: str, resource_id: str, olds: Props, news: Props) -> Props:
        return dict(self._call("update", type_, resource_id, lambda h: h.update(self.aws, resource_id, olds, news)))

    def delete(self, type_: str, urn: str, resource_id: str, state: Props) -> None:
        self._call("delete", type_, resource_id, lambda h: h.delete(self.aws, resource_id, state))

    def invoke(self, token: str, args: Props) -> Props:
        function = INVOKES.get(token)
        if function is None:
            return {}
        try:
            return function(self.aws, args)
        except (ApiError, NotModelled) as error:
            raise ProviderError(f"invoking {token}: {error}") from None


# Resource types whose physical name is unique in an account and region (or globally, for buckets): in the
# recorded account a create with the name of one that exists is refused, with AWS's error code.
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
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"


class RecordedAccount:
    def __init__(self, config: ProviderConfig, record: Record) -> None:
        self.region = config.region
        self.record = record

    def create(self, type_: str, urn: str, inputs: Props) -> tuple[str, Props]:
        conflict = NAME_CONFLICT.get(type_)
        if conflict:
            name = physical_name(inputs, "")
            for entry in self.record.existing().values():
                if entry["type"] == type_ and entry.get("physical_name") == name:
                    raise ProviderError(f"creating {type_} {name!r}: {conflict}: it already exists")
        return self._computed(type_, urn, inputs)

    def _computed(self, type_: str, urn: str, inputs: Props) -> tuple[str, Props]:
        resource_id, computed = derived(self.region, type_, urn, inputs)
        if type_ == TASK_DEFINITION:
            # Every registration is a new revision of the family, as in ECS: family:1, family:2, ...
            family = str(inputs.get("family") or physical_name(inputs, ""))
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
        return resource_id, computed

    def read(self, type_: str, urn: str, resource_id: str, known: Found | None) -> Found | None:
        """A refresh finds what the engine knows unchanged; an import finds what was last recorded."""
        entry = self.record.existing().get(canonical(resource_id))
        if entry is None:
            return None
        return known or Found(entry["inputs"], entry["outputs"])

    def update(self, type_: str, urn: str, resource_id: str, olds: Props, news: Props) -> Props:
        return self._computed(type_, urn, news)[1]

    def delete(self, type_: str, urn: str, resource_id: str, state: Props) -> None:
        return None

    def invoke(self, token: str, args: Props) -> Props:
        import pulumi

        answer, _ = SynthMocks(self.region).call(pulumi.runtime.MockCallArgs(token, args, None))  # type: ignore[arg-type]
        return dict(answer)
