"""Write side of the store: one SQLModel session per transaction, domain objects in."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Executable, delete, insert, update
from sqlalchemy import select as select_rows
from sqlmodel import Session, SQLModel, select

from ccassure.domain.audit_changes import Change, digest, field_change
from ccassure.domain.audit_changes import changes as changes_of
from ccassure.domain.document import (
    AssessmentDocument,
    Attachment,
    ComponentRef,
    Part,
    ProgrammeRef,
    Response,
    Signoff,
)
from ccassure.store import audit as audit_chain
from ccassure.store.accessibility_writes import AccessibilityWrites, table_of
from ccassure.store.errors import StoreError
from ccassure.store.tables import (
    AssessmentRow,
    ComponentRow,
    ProgrammeRow,
    ResponseRow,
)

_SIMPLE_CHILDREN = (
    ("custom_items", "custom_item"),
    ("risks", "risk"),
    ("impacts", "impact"),
    ("actions", "action"),
    ("evaluations", "evaluation"),
    ("signoffs", "signoff"),
    ("links", "link"),
)


_KEY_COLUMNS = {"impact": "characteristic", "custom_item": "key", "response": "item"}
_NOT_RECORDED = ("id", "assessment_id", "updated_at")


class StoreWriter(AccessibilityWrites):
    """Everything a service may change, inside one transaction."""

    def __init__(self, session: Session, now: str, actor: str) -> None:
        self._session = session
        self._now = now
        self._actor = actor
        self._changes: list[Change] = []

    def add(self, row: SQLModel) -> None:
        """Insert one row built by another store module (identities, ...)."""
        self._session.add(row)
        self._session.flush()

    def execute(self, statement: Executable) -> None:
        """Run one UPDATE or DELETE built by another store module (identities, ...)."""
        self._session.execute(statement)

    def _execute_many(self, table: str, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self._session.execute(insert(table_of(table)), list(rows))

    def component_id(self, programme: ProgrammeRef, component: ComponentRef) -> int:
        found = self._session.exec(
            select(ProgrammeRow).where(ProgrammeRow.key == programme.key)
        ).first()
        if found is None:
            found = ProgrammeRow(key=programme.key, name=programme.name)
            self._session.add(found)
            self._session.flush()
        assert found.id is not None
        if found.name != programme.name:
            raise StoreError(
                f"programme {programme.key!r} is called {found.name!r} in this store, not "
                f"{programme.name!r}; use the same name or another key",
                "invalid",
            )
        row = self._session.exec(
            select(ComponentRow).where(
                ComponentRow.programme_id == found.id, ComponentRow.key == component.key
            )
        ).first()
        if row is None:
            row = ComponentRow(programme_id=found.id, **component.model_dump())
            self._session.add(row)
            self._session.flush()
        elif (row.name, row.supplier, row.description) != (
            component.name,
            component.supplier,
            component.description,
        ):
            raise StoreError(
                f"component {component.key!r} is described differently in this store "
                f"({row.name!r}, supplier {row.supplier!r}); the document must match it",
                "invalid",
            )
        assert row.id is not None
        return row.id

    def insert_document(
        self, document: AssessmentDocument, uid: str, version: int, status: str
    ) -> int:
        """Insert a whole assessment version with all its contents; returns its new id."""
        header = document.assessment
        row = AssessmentRow(
            **header.model_dump(
                exclude={"id", "uid", "version", "status", "programme", "component"}
            ),
            uid=uid,
            version=version,
            status=status,
            component_id=self.component_id(header.programme, header.component),
            sealed_hash=document.sealed_hash,
            updated_at=self._now,
        )
        self._session.add(row)
        self._session.flush()
        assert row.id is not None
        self._execute_many(
            "response",
            [
                {
                    **r.model_dump(exclude={"evidence"}),
                    "assessment_id": row.id,
                    "evidence_json": json.dumps(list(r.evidence)),
                }
                for r in document.responses
            ],
        )
        for field, table in _SIMPLE_CHILDREN:
            self._execute_many(
                table,
                [
                    {**part.model_dump(), "assessment_id": row.id}
                    for part in getattr(document, field)
                ],
            )
        self._execute_many(
            "attachment",
            [
                {**a.model_dump(exclude={"data_base64"}), "assessment_id": row.id, "data": a.data()}
                for a in document.attachments
            ],
        )
        self._insert_issues(row.id, document.issues)
        if document.scope is not None:
            self._replace_scope(row.id, document.scope)
        whole = {
            **header.model_dump(mode="json", include={"kind", "title", "template_id"}),
            "uid": uid,
            "version": version,
            "status": status,
            "document": digest(document.model_dump_json().encode()),
        }
        self.note(*changes_of("assessment", str(row.id), None, whole))
        return row.id

    def expect(self, assessment_id: int, stamp: str | None) -> AssessmentRow:
        """Refuse a change based on a reading that another change has since overtaken."""
        row = self.assessment(assessment_id)
        if row.updated_at != stamp:
            raise StoreError(
                f"assessment {assessment_id} was changed elsewhere while this change was "
                "prepared; nothing was saved, reload and try again",
                "conflict",
            )
        return row

    def assessment(self, assessment_id: int) -> AssessmentRow:
        row = self._session.get(AssessmentRow, assessment_id)
        if row is None:
            raise StoreError(f"no assessment with id {assessment_id}", "invalid")
        return row

    def set_status(self, assessment_id: int, status: str, sealed_hash: str | None) -> None:
        row = self.assessment(assessment_id)
        key = str(assessment_id)
        self.note(*field_change("assessment", key, "status", row.status, status))
        self.note(*field_change("assessment", key, "sealed_hash", row.sealed_hash, sealed_hash))
        row.status = status
        row.sealed_hash = sealed_hash
        row.updated_at = self._now
        self._session.add(row)

    def update_header(self, assessment_id: int, changes: Mapping[str, object]) -> None:
        row = self.assessment(assessment_id)
        for field, value in changes.items():
            self.note(
                *field_change("assessment", str(assessment_id), field, getattr(row, field), value)
            )
            setattr(row, field, value)
        row.updated_at = self._now
        self._session.add(row)

    def touch(self, assessment_id: int) -> None:
        self._session.execute(
            update(table_of("assessment"))
            .where(table_of("assessment").c.id == assessment_id)
            .values(updated_at=self._now)
        )

    def put_response(self, assessment_id: int, response: Response) -> None:
        """An emptied answer (no value, comment or evidence) leaves no row behind."""
        if response == Response(item=response.item):
            self.remove_response(assessment_id, response.item)
            return
        row = self._session.exec(
            select(ResponseRow).where(
                ResponseRow.assessment_id == assessment_id, ResponseRow.item == response.item
            )
        ).first()
        old = None if row is None else _response(row)
        self.note(*changes_of("response", response.item, old, response))
        if row is None:
            row = ResponseRow(assessment_id=assessment_id, item=response.item)
        row.value, row.comment = response.value, response.comment
        row.evidence_json = json.dumps(list(response.evidence))
        self._session.add(row)
        self.touch(assessment_id)

    def put_part(self, table_name: str, assessment_id: int, part: Part) -> None:
        """Insert a risk, action, impact or custom item, or replace the one with the same key in
        its place (a risk's or action's ref, an impact's characteristic, a custom item's key)."""
        table = table_of(table_name)
        values = {**part.model_dump(), "assessment_id": assessment_id}
        column = _KEY_COLUMNS.get(table_name, "ref")
        old = self._old_part(table_name, assessment_id, str(values[column]))
        self.note(*changes_of(table_name, str(values[column]), old, part))
        changed = self._session.execute(
            update(table)
            .where(table.c.assessment_id == assessment_id, table.c[column] == values[column])
            .values(**values)
        )
        if not getattr(changed, "rowcount", 0):
            self._execute_many(table_name, [values])
        self.touch(assessment_id)

    def remove_part(self, table_name: str, assessment_id: int, key: str) -> None:
        table = table_of(table_name)
        column = table.c[_KEY_COLUMNS.get(table_name, "ref")]
        self.note(
            *changes_of(table_name, key, self._old_part(table_name, assessment_id, key), None)
        )
        self._session.execute(
            delete(table).where(table.c.assessment_id == assessment_id, column == key)
        )
        self.touch(assessment_id)

    def remove_response(self, assessment_id: int, item: str) -> None:
        self.remove_part("response", assessment_id, item)

    def add_attachment(self, assessment_id: int, attachment: Attachment) -> None:
        self.note(*changes_of("attachment", attachment.name, None, attachment))
        self._execute_many(
            "attachment",
            [
                {
                    **attachment.model_dump(exclude={"data_base64"}),
                    "assessment_id": assessment_id,
                    "data": attachment.data(),
                }
            ],
        )
        self.touch(assessment_id)

    def remove_attachment(self, assessment_id: int, sha256: str, file_name: str) -> None:
        table = table_of("attachment")
        where = (
            table.c.assessment_id == assessment_id,
            table.c.sha256 == sha256,
            table.c.name == file_name,
        )
        for old in self._session.execute(
            select_rows(table.c.name, table.c.media_type, table.c.sha256, table.c.size).where(
                *where
            )
        ).mappings():
            self.note(*changes_of("attachment", file_name, dict(old), None))
        self._session.execute(delete(table).where(*where))
        self.touch(assessment_id)

    def add_signoff(self, assessment_id: int, signoff: Signoff) -> None:
        self.note(*changes_of("signoff", signoff.role, None, signoff))
        self._execute_many("signoff", [{**signoff.model_dump(), "assessment_id": assessment_id}])

    def delete_programme(self, key: str) -> None:
        found = self._session.exec(select(ProgrammeRow).where(ProgrammeRow.key == key)).first()
        if found is not None:
            self.note(*changes_of("programme", key, {"key": key, "name": found.name}, None))
        self._session.execute(
            delete(table_of("programme")).where(table_of("programme").c.key == key)
        )

    def note(self, *found: Change) -> None:
        """Changes made in this transaction, recorded by the next audit() call."""
        self._changes.extend(found)

    def audit(self, action: str, assessment_id: int | None, **detail: Any) -> None:
        """Append the event to the hash-chained trail: a row per change noted since the last
        call (each naming this action), or one row for the event alone."""
        noted, self._changes = self._changes, []
        actor = self._actor or audit_chain.default_actor()
        rows = audit_chain.event_rows(self._now, actor, action, assessment_id, detail, noted)
        audit_chain.append(self._session.connection(), rows)

    def _old_part(self, table_name: str, assessment_id: int, key: str) -> dict[str, Any] | None:
        table = table_of(table_name)
        column = table.c[_KEY_COLUMNS.get(table_name, "ref")]
        found = (
            self._session.execute(
                select_rows(table).where(table.c.assessment_id == assessment_id, column == key)
            )
            .mappings()
            .first()
        )
        if found is None:
            return None
        old = {name: value for name, value in found.items() if name not in _NOT_RECORDED}
        if "evidence_json" in old:
            old["evidence"] = json.loads(old.pop("evidence_json"))
        return old


def _response(row: ResponseRow) -> Response:
    evidence = tuple(json.loads(row.evidence_json))
    return Response(item=row.item, value=row.value, comment=row.comment, evidence=evidence)
