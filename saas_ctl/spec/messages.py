"""Pydantic's validation errors in saasctl's own words: what is wrong and what is valid, never pydantic's text.

Every error type a tenants file can meet has a sentence here; a type without one (a future pydantic's) is said
as "is not valid here" rather than in pydantic's wording. An unknown key names the nearest known one.
"""

from __future__ import annotations

import difflib
import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import ErrorDetails

ECHO_MAX = 80  # characters of a bad value repeated back in a message
Loc = tuple[str | int, ...]


def message(error: ErrorDetails, root: type[BaseModel], loc: Loc) -> str:
    """The house sentence for one pydantic error at ``loc`` (a path of the file) under the model ``root``."""
    kind = error["type"]
    value: Any = error.get("input")
    context: dict[str, Any] = dict(error.get("ctx") or {})
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden" and loc:
        return unknown_key(str(loc[-1]), known_keys(root, loc[:-1]))
    if kind in ("value_error", "assertion_error"):
        text = str(context.get("error") or error["msg"]).removeprefix("Value error, ")
        return _with_value(text, value, shape=False)
    if kind == "string_type" and isinstance(value, bool | int | float):
        return f"must be text; got {value!r} (quote it: YAML reads yes/no/on/off and numbers as non-strings)"
    sentence = _SENTENCES.get(kind)
    if sentence is None:
        return _with_value("is not valid here", value, shape=False)
    return _with_value(sentence.format_map(_Context(context)), value, shape=kind.endswith("_type"))


class _Context(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


_SENTENCES = {
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number, without a fraction",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be text",
    "literal_error": "must be one of {expected}",
    "enum": "must be one of {expected}",
    "greater_than": "must be more than {gt}",
    "greater_than_equal": "must be at least {ge}",
    "less_than": "must be less than {lt}",
    "less_than_equal": "must be at most {le}",
    "too_short": "must have at least {min_length} item(s); it has {actual_length}",
    "too_long": "must have at most {max_length} item(s); it has {actual_length}",
    "string_too_short": "must be at least {min_length} character(s)",
    "string_too_long": "must be at most {max_length} characters",
    "dict_type": "must be a mapping (key: value)",
    "model_type": "must be a mapping (key: value)",
    "model_attributes_type": "must be a mapping (key: value)",
    "list_type": "must be a list",
    "none_required": "must be null",
}


def _with_value(text: str, value: Any, shape: bool = True) -> str:
    """``text`` with the value refused: a scalar repeated (shortened), a list or mapping named when ``shape``."""
    if isinstance(value, str | int | float | bool) or value is None:
        return f"{text} (got {_shortened(value)})"
    if not shape:
        return text
    if isinstance(value, list):
        return f"{text} (got a list)"
    if isinstance(value, dict):
        return f"{text} (got a mapping)"
    return text


def _shortened(value: object) -> str:
    text = repr(value)
    return text if len(text) <= ECHO_MAX else f"{text[: ECHO_MAX - 1]}… ({len(text):,} characters)"


def unknown_key(key: str, known: list[str]) -> str:
    """``unknown field; did you mean 'memory'?`` — the nearest known key, when one is near enough."""
    nearest = difflib.get_close_matches(key, known, n=1, cutoff=0.6) or difflib.get_close_matches(
        key.lower().replace("-", "_"), known, n=1, cutoff=0.6
    )
    if nearest:
        return f"unknown field; did you mean {nearest[0]!r}? (`saasctl schema` lists the valid fields)"
    if known:
        return f"unknown field; valid here: {', '.join(known)}"
    return "unknown field (typo?); `saasctl schema` lists the valid fields"


def known_keys(root: type[BaseModel], loc: Loc) -> list[str]:
    """The keys valid in the mapping at ``loc``, read from the models (empty where keys are free, as in tags)."""
    model: Any = root
    for part in loc:
        model = _inner(model)
        if isinstance(part, int):
            continue  # an item of a list: _inner already looked through the list
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or part not in model.model_fields:
            return []
        model = model.model_fields[part].annotation
    model = _inner(model)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _inner(annotation: Any) -> Any:
    """The model a field holds, through ``Annotated``, ``X | None`` and ``list[X]``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            options = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        elif origin is list:
            annotation = get_args(annotation)[0]
        else:
            return annotation
