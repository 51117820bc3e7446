"""Property values between the engine's wire form (``PropertyValue``) and plain Python, and how two are compared."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from pulumi.provider.experimental.property_value import Computed, PropertyValue

from saas_ctl.engine.synth.mocks import MASK

# Properties the real provider's schema marks Sensitive: the bridge returns them as secrets (pulumi-terraform-bridge
# pkg/tfbridge/schema.go, MakeTerraformOutputs: a Sensitive field's value is wrapped as a secret).
SENSITIVE = frozenset({"secretString", "secretBinary"})
# JSON documents the real provider compares by meaning, not by text (terraform-provider-aws
# internal/verify/diff.go SuppressEquivalentPolicyDiffs / SuppressEquivalentJSONDiffs on these attributes).
JSON_DOCUMENTS = frozenset({"policy", "assumeRolePolicy"})


def plain(value: PropertyValue) -> Any:
    """A property value as plain JSON-able Python; secrets masked, unknowns as None (for the record)."""
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


def unwrap(value: PropertyValue) -> Any:
    """A property value as plain Python with secrets' real values (what is sent to AWS)."""
    inner = value.value
    if isinstance(inner, Mapping):
        return {k: unwrap(v) for k, v in inner.items()}
    if isinstance(inner, Sequence) and not isinstance(inner, str):
        return [unwrap(v) for v in inner]
    if isinstance(inner, Computed):
        return None
    return inner


def unwrap_all(values: Mapping[str, PropertyValue]) -> dict[str, Any]:
    return {k: unwrap(v) for k, v in values.items()}


def wrap(value: Any, secret: bool = False) -> PropertyValue:
    """Plain Python (as boto3 answers: ints, datetimes) as a property value."""
    if isinstance(value, PropertyValue):
        return value
    if isinstance(value, Mapping):
        return PropertyValue({k: wrap(v, k in SENSITIVE) for k, v in value.items()}, is_secret=secret)
    if isinstance(value, list | tuple):
        return PropertyValue([wrap(v) for v in value], is_secret=secret)
    if isinstance(value, int) and not isinstance(value, bool):
        return PropertyValue(float(value), is_secret=secret)
    if isinstance(value, datetime | date):
        return PropertyValue(value.isoformat(), is_secret=secret)
    return PropertyValue(value, is_secret=secret)


def wrap_all(values: Mapping[str, Any]) -> dict[str, PropertyValue]:
    return {k: wrap(v, k in SENSITIVE) for k, v in values.items()}


_SECRET_ARN_SUFFIX = re.compile(r"(:secret:[^|:]+)-[A-Za-z0-9]{6}(?=$|\|)")


def canonical(value: Any) -> Any:
    """A Secrets Manager ARN ends in six random characters that AWS picks: in record-only mode the double cannot
    know the ones the account (moto, seeded by a test) picked, so it compares ARNs without them."""
    if isinstance(value, str):
        return _SECRET_ARN_SUFFIX.sub(r"\1", value)
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value


def _document(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def same(key: str, old: PropertyValue | None, new: PropertyValue) -> bool:
    """Equal as AWS would see them: secrets compared by value, unknown (preview) never equal, policy documents
    by meaning."""
    if isinstance(new.value, Computed):
        return False
    if old is None:
        return new.value is None
    before, after = canonical(unwrap(old)), canonical(unwrap(new))
    if key in JSON_DOCUMENTS:
        return bool(_document(before) == _document(after))
    return bool(before == after)
