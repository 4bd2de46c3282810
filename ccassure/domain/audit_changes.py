"""Field-level changes between two states of one thing, as the audit trail records them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel

# Text longer than this is recorded by its SHA-256 and size; bytes always are.
LARGE_TEXT = 64 * 1024


@dataclass(frozen=True)
class Change:
    """One thing that changed. A whole thing added or removed has no field; then `old` (or
    `new`) None means it did not exist. A field's own empty value is None as well."""

    entity: str
    key: str
    field: str | None
    old: Any
    new: Any


def digest(data: bytes) -> dict[str, Any]:
    """How a large value is recorded: enough to prove what it was, not the content."""
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def recorded(value: Any) -> Any:
    """A value as the trail keeps it: plain JSON data, large values by SHA-256 and size."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", exclude={"data_base64"})
    if isinstance(value, bytes | bytearray | memoryview):
        return digest(bytes(value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and len(value) > LARGE_TEXT:
        return digest(value.encode())
    if isinstance(value, Mapping):
        return {str(k): recorded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [recorded(v) for v in value]
    return value


def _fields(thing: BaseModel | Mapping[str, Any]) -> dict[str, Any]:
    plain = recorded(thing)
    assert isinstance(plain, dict)
    return plain


def changes(
    entity: str,
    key: str,
    old: BaseModel | Mapping[str, Any] | None,
    new: BaseModel | Mapping[str, Any] | None,
) -> list[Change]:
    """What turned `old` into `new`: one change per differing field, or one change for a thing
    added (old None) or removed (new None)."""
    if old is None and new is None:
        return []
    if old is None:
        return [Change(entity, key, None, None, recorded(new))]
    if new is None:
        return [Change(entity, key, None, recorded(old), None)]
    before, after = _fields(old), _fields(new)
    names = list(before) + [name for name in after if name not in before]
    return [
        Change(entity, key, name, before.get(name), after.get(name))
        for name in names
        if before.get(name) != after.get(name)
    ]


def field_change(entity: str, key: str, field: str, old: Any, new: Any) -> list[Change]:
    """One field's change, or nothing when the value stays the same."""
    before, after = recorded(old), recorded(new)
    return [] if before == after else [Change(entity, key, field, before, after)]


_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def as_json(value: Any) -> str:
    """The text a value is stored as: sorted keys, UTF-8, no insignificant whitespace."""
    return _ENCODER.encode(value)
