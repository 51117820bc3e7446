"""An AWS provider double for the real Pulumi engine: a resource provider plugin named ``aws``.

The Pulumi CLI runs it as ``pulumi-resource-aws`` found on PATH (an "ambient" plugin) in place of the real
pulumi-aws provider, which cannot be built or downloaded where saasctl's tests run. It is a test tool, never
installed for users.

What it decides itself is what the provider decides: which input changes replace a resource
(``tests.aws_double.schema``), which names it generates. What AWS answers comes from its account
(``tests.aws_double.accounts``): a moto server when an endpoint is configured, else a record-only account.
Either way every call that touches the account (create, update, delete, read, import) is appended to the record
file (``SAASCTL_DOUBLE_RECORD``), and ``SAASCTL_DOUBLE_FAIL`` / ``SAASCTL_DOUBLE_DELAY`` fail or slow named
resources (``tests.aws_double.faults``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi.provider.experimental.property_value import PropertyValue
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

from tests.aws_double.accounts import Account, EmulatedAccount, Found, RecordedAccount, derived
from tests.aws_double.config import ProviderConfig
from tests.aws_double.faults import Faults
from tests.aws_double.record import Record
from tests.aws_double.schema import (
    DEFAULTS_KEY,
    UNTRACKED,
    auto_name,
    name_requires_delete_before_replace,
    physical_name,
    replacing,
    resource_type,
)
from tests.aws_double.values import plain, same, unwrap_all, wrap, wrap_all


class AwsDouble(Provider):
    def __init__(self) -> None:
        self.config = ProviderConfig()
        self.record = Record.from_environment()
        self.faults = Faults()
        self.account: Account = RecordedAccount(self.config, self.record)

    @property
    def emulated(self) -> bool:
        return isinstance(self.account, EmulatedAccount)

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        self.config = ProviderConfig.from_request(request.args, request.variables)
        if self.config.emulated:
            self.account = EmulatedAccount(self.config)
        else:
            self.account = RecordedAccount(self.config, self.record)
        return ConfigureResponse(
            accept_secrets=True, supports_preview=True, accept_outputs=False, accept_resources=True
        )

    async def invoke(self, request: InvokeRequest) -> InvokeResponse:
        answer = self.account.invoke(request.tok, unwrap_all(request.args))
        return InvokeResponse(return_value=wrap_all(answer))

    async def check(self, request: CheckRequest) -> CheckResponse:
        type_ = resource_type(request.urn)
        named = auto_name(
            type_, request.urn, request.random_seed, unwrap_all(request.old_inputs), unwrap_all(request.new_inputs)
        )
        # The bridge lists what its defaults filled (an autoname among them) under "__defaults"; Diff reads it
        # to tell a name the program set from one the provider made (schema.name_requires_delete_before_replace).
        defaults = wrap_all({DEFAULTS_KEY: sorted(named)})
        return CheckResponse(inputs={**request.new_inputs, **wrap_all(named), **defaults})

    async def diff(self, request: DiffRequest) -> DiffResponse:
        ignored = {path.split(".", 1)[0].split("[", 1)[0] for path in request.ignore_changes}
        changed = [
            key
            for key, value in request.new_inputs.items()
            if key not in UNTRACKED
            and key not in ignored
            and not key.startswith("__")
            and not same(key, request.old_state.get(key), value)
        ]
        type_ = resource_type(request.urn)
        replaces = replacing(type_, changed)
        # A replacement of a resource whose name the program set is delete-first, as the bridge answers it
        # (pkg/tfbridge/provider.go Diff). The engine lets the program's delete_before_replace option, true or
        # false, override this answer (pulumi/pulumi v3.274.1 pkg/resource/deploy/step_generator.go lines
        # 2139-2146: "The user can override the provider's decision").
        delete_first = bool(replaces) and name_requires_delete_before_replace(type_, unwrap_all(request.new_inputs))
        return DiffResponse(changes=bool(changed), replaces=replaces, delete_before_replace=delete_first, diffs=changed)

    async def create(self, request: CreateRequest) -> CreateResponse:
        type_ = resource_type(request.urn)
        inputs = unwrap_all(_own(request.properties))
        if request.preview:
            _, computed = derived(self.config.region, type_, request.urn, inputs)
            return CreateResponse(resource_id="", properties=self._outputs(request.properties, computed))
        await self.faults.before("create", request.urn)
        resource_id, computed = self.account.create(type_, request.urn, inputs)
        outputs = self._outputs(request.properties, computed)
        self._append("create", request.urn, resource_id, request.properties, outputs)
        return CreateResponse(resource_id=resource_id, properties=outputs)

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        type_ = resource_type(request.urn)
        if request.preview:
            _, computed = derived(self.config.region, type_, request.urn, unwrap_all(_own(request.news)))
            return UpdateResponse(properties=self._outputs(request.news, computed))
        await self.faults.before("update", request.urn)
        computed = self.account.update(
            type_, request.urn, request.resource_id, unwrap_all(_own(request.olds)), unwrap_all(_own(request.news))
        )
        outputs = self._outputs(request.news, computed)
        self._append("update", request.urn, request.resource_id, request.news, outputs)
        return UpdateResponse(properties=outputs)

    async def delete(self, request: DeleteRequest) -> None:
        await self.faults.before("delete", request.urn)
        type_ = resource_type(request.urn)
        self.account.delete(type_, request.urn, request.resource_id, unwrap_all(request.properties))
        self._append("delete", request.urn, request.resource_id, {}, request.properties)

    async def read(self, request: ReadRequest) -> ReadResponse:
        """A refresh (the engine sends what it knows) or an import (it sends only the ID), answered by the
        account; what it does not hold does not exist."""
        await self.faults.before("read", request.urn)
        importing = not request.properties
        known = None if importing else Found(unwrap_all(request.inputs), unwrap_all(request.properties))
        found = self.account.read(resource_type(request.urn), request.urn, request.resource_id, known)
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
        if importing:
            return ReadResponse(
                resource_id=request.resource_id, properties=wrap_all(found.outputs), inputs=wrap_all(found.inputs)
            )
        return ReadResponse(
            resource_id=request.resource_id,
            properties=self._outputs(request.properties, _changed(request.properties, found.outputs)),
            inputs=request.inputs,
        )

    @staticmethod
    def _outputs(inputs: Mapping[str, PropertyValue], computed: Mapping[str, Any]) -> dict[str, PropertyValue]:
        """A resource's state: its inputs (secrets stay secret, the bridge's reserved ``__`` keys stay out, as in
        its MakeTerraformResult) and what the account computed."""
        return {**_own(inputs), **wrap_all(computed)}

    def _append(
        self,
        op: str,
        urn: str,
        resource_id: str,
        inputs: Mapping[str, PropertyValue],
        outputs: Mapping[str, PropertyValue],
    ) -> None:
        values = {k: plain(v) for k, v in outputs.items()}
        self.record.append(
            {
                "op": op,
                "urn": urn,
                "type": resource_type(urn),
                "name": urn.rsplit("::", 1)[-1],
                "id": resource_id,
                "physical_name": physical_name(values, ""),
                "inputs": {k: plain(v) for k, v in _own(inputs).items()},
                "outputs": values,
            }
        )


def _own(values: Mapping[str, PropertyValue]) -> dict[str, PropertyValue]:
    return {k: v for k, v in values.items() if not k.startswith("__")}


def _changed(known: Mapping[str, PropertyValue], current: Mapping[str, Any]) -> dict[str, Any]:
    """What the account reports differently from the state the engine holds (the rest keeps its secrecy)."""
    return {key: value for key, value in current.items() if key not in known or not same(key, known[key], wrap(value))}
