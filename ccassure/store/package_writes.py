"""Writing a merged document over the version it was merged into, in place, in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import delete

from ccassure.domain.audit_changes import changes as changes_of
from ccassure.domain.document import (
    Action,
    AssessmentDocument,
    Attachment,
    CustomItem,
    Evaluation,
    Impact,
    Issue,
    Link,
    Response,
    Risk,
)
from ccassure.domain.merge import COLLECTIONS
from ccassure.store.accessibility_writes import table_of
from ccassure.store.writer import StoreWriter

_PARTS = {"custom_items": "custom_item", "risks": "risk", "impacts": "impact", "actions": "action"}
_HEADER_FIXED = ("id", "uid", "programme", "component", "status", "version")


def _remove_where(writer: StoreWriter, table: str, assessment_id: int, **match: object) -> None:
    found = table_of(table)
    conditions = [found.c[name] == value for name, value in match.items()]
    writer.execute(delete(found).where(found.c.assessment_id == assessment_id, *conditions))
    writer.touch(assessment_id)


def _put(writer: StoreWriter, field: str, assessment_id: int, item: Any) -> None:
    if isinstance(item, Response):
        writer.put_response(assessment_id, item)
    elif isinstance(item, CustomItem | Risk | Impact | Action):
        writer.put_part(_PARTS[field], assessment_id, item)
    elif isinstance(item, Issue):
        writer.put_issue(assessment_id, item)
    elif isinstance(item, Evaluation):
        writer.put_evaluation(assessment_id, item)
    elif isinstance(item, Link):
        writer.add_link(assessment_id, item)
    elif isinstance(item, Attachment):
        writer.add_attachment(assessment_id, item)


def _remove(writer: StoreWriter, field: str, assessment_id: int, item: Any) -> None:
    if isinstance(item, Response):
        writer.remove_response(assessment_id, item.item)
    elif isinstance(item, CustomItem | Risk | Impact | Action):
        writer.remove_part(_PARTS[field], assessment_id, COLLECTIONS[field][0](item.model_dump()))
    elif isinstance(item, Issue):
        writer.note(*changes_of("issue", item.ref, item, None))
        _remove_where(writer, "issue", assessment_id, ref=item.ref)
    elif isinstance(item, Evaluation):
        writer.note(*changes_of("evaluation", f"{item.criterion}@{item.sample}", item, None))
        _remove_where(
            writer, "evaluation", assessment_id, criterion=item.criterion, sample=item.sample
        )
    elif isinstance(item, Link):
        writer.remove_link(assessment_id, item)
    elif isinstance(item, Attachment):
        writer.remove_attachment(assessment_id, item.sha256, item.name)


def _keyed(field: str, items: Sequence[Any]) -> dict[str, Any]:
    key_of: Callable[[dict[str, Any]], str] = COLLECTIONS[field][0]
    return {key_of(item.model_dump(mode="json")): item for item in items}


def _write_collection(
    writer: StoreWriter, assessment_id: int, field: str, old: Sequence[Any], new: Sequence[Any]
) -> int:
    """Changed and new items put, gone ones removed; everything rewritten when only that keeps
    the merged order (the store reads rows back in the order they were written)."""
    before, after = _keyed(field, old), _keyed(field, new)
    kept_order = [k for k in before if k in after] + [k for k in after if k not in before]
    if field != "responses" and kept_order != list(after):
        for item in old:
            _remove(writer, field, assessment_id, item)
        for item in new:
            _put(writer, field, assessment_id, item)
        return len(old) + len(new)
    written = 0
    for key, item in before.items():
        if key not in after:
            _remove(writer, field, assessment_id, item)
            written += 1
    for key, item in after.items():
        if before.get(key) != item:
            _put(writer, field, assessment_id, item)
            written += 1
    return written


def write_merged(
    writer: StoreWriter, assessment_id: int, local: AssessmentDocument, merged: AssessmentDocument
) -> int:
    """Make the stored version `local` hold `merged`; returns how many things were written."""
    written = 0
    old, new = local.assessment, merged.assessment
    changes = {
        name: getattr(new, name)
        for name in type(new).model_fields
        if name not in _HEADER_FIXED and getattr(old, name) != getattr(new, name)
    }
    if (old.programme, old.component) != (new.programme, new.component):
        changes["component_id"] = writer.component_id(new.programme, new.component)
    if changes:
        writer.update_header(assessment_id, changes)
        written += len(changes)
    if (old.status, local.sealed_hash) != (new.status, merged.sealed_hash):
        writer.set_status(assessment_id, new.status, merged.sealed_hash)
        written += 1
    for field in COLLECTIONS:
        written += _write_collection(
            writer, assessment_id, field, getattr(local, field), getattr(merged, field)
        )
    if local.scope != merged.scope:
        if merged.scope is None:
            writer.note(*changes_of("scope", str(assessment_id), local.scope, None))
            for table in ("scope", "sample", "at_combination"):
                _remove_where(writer, table, assessment_id)
        else:
            writer.put_scope(assessment_id, merged.scope)
        written += 1
    for signoff in merged.signoffs:
        if signoff not in local.signoffs:
            writer.add_signoff(assessment_id, signoff)
            written += 1
    writer.touch(assessment_id)
    return written
