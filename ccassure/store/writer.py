"""Write side of the store: one SQLModel session per transaction, domain objects in."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Table, case, delete, insert, update
from sqlmodel import Session, SQLModel, select

from ccassure.domain.document import (
    ISSUE_FIELDS,
    AssessmentDocument,
    Attachment,
    ComponentRef,
    Evaluation,
    Issue,
    Link,
    Occurrence,
    Part,
    ProgrammeRef,
    Response,
    Retest,
    Scope,
    Signoff,
)
from ccassure.store.errors import StoreError
from ccassure.store.tables import (
    AssessmentRow,
    AuditEventRow,
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


BULK_ROWS = 1_000
FTS_INSERT_TRIGGER = "issue_fts_insert"
FTS_COLUMNS = (
    "ref",
    "title",
    "description",
    "steps",
    "expected",
    "actual",
    "screen",
    "assistive_tech",
    "browser",
    "os",
    "rule_id",
    "url",
)  # as created by migration 0005
_KEY_COLUMNS = {"impact": "characteristic", "custom_item": "key", "response": "item"}


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


class StoreWriter:
    """Everything a service may change, inside one transaction."""

    def __init__(self, session: Session, now: str, actor: str) -> None:
        self._session = session
        self._now = now
        self._actor = actor

    def add(self, row: SQLModel) -> None:
        """Insert one row built by another store module (identities, ...)."""
        self._session.add(row)
        self._session.flush()

    def _execute_many(self, table: str, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self._session.execute(insert(_table(table)), list(rows))

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
        self.add_issues(row.id, document.issues)
        if document.scope is not None:
            self.put_scope(row.id, document.scope)
        return row.id

    def put_scope(self, assessment_id: int, scope: Scope) -> None:
        """The evaluation scope, its sample and its baseline, replaced as a whole."""
        for table in ("scope", "sample", "at_combination"):
            self._session.execute(
                delete(_table(table)).where(_table(table).c.assessment_id == assessment_id)
            )
        self._execute_many(
            "scope",
            [
                {
                    "assessment_id": assessment_id,
                    **scope.model_dump(include={"product", "release", "level"}),
                }
            ],
        )
        for table, parts in (("sample", scope.samples), ("at_combination", scope.baseline)):
            self._execute_many(
                table, [{**part.model_dump(), "assessment_id": assessment_id} for part in parts]
            )

    def add_issues(self, assessment_id: int, issues: Sequence[Issue]) -> list[int]:
        """Insert issues in bulk, then their retests and occurrences; returns the new ids."""
        if not issues:
            return []
        ids = self.add_issue_rows(
            assessment_id, [tuple(_sql_value(getattr(i, f)) for f in ISSUE_FIELDS) for i in issues]
        )
        for table, field in (("retest", "retests"), ("occurrence", "occurrences")):
            self._execute_many(
                table,
                [
                    {**part.model_dump(), "issue_id": ident}
                    for ident, issue in zip(ids, issues, strict=True)
                    for part in getattr(issue, field)
                ],
            )
        return ids

    def add_issue_rows(self, assessment_id: int, rows: Sequence[tuple[object, ...]]) -> list[int]:
        """The bulk path: rows of values in ISSUE_FIELDS order (criteria and screenshots as
        space-separated text), straight to the driver; returns the new ids in order."""
        found_on = ISSUE_FIELDS.index("found_on")
        rows = [(*r[:found_on], r[found_on] or None, *r[found_on + 1 :]) for r in rows]
        columns = ", ".join(ISSUE_FIELDS)
        marks = ", ".join("?" * len(ISSUE_FIELDS))
        connection = self._session.connection()
        before = connection.exec_driver_sql("SELECT COALESCE(MAX(id), 0) FROM issue").scalar()
        trigger = None
        if len(rows) > BULK_ROWS:  # the search index is filled once, not by a trigger per row
            trigger = connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                (FTS_INSERT_TRIGGER,),
            ).scalar()
            connection.exec_driver_sql(f"DROP TRIGGER {FTS_INSERT_TRIGGER}")
        connection.exec_driver_sql(
            f"INSERT INTO issue (assessment_id, {columns}) VALUES (?, {marks})",
            [(assessment_id, *row) for row in rows],
        )
        if trigger is not None:
            indexed = ", ".join(FTS_COLUMNS)
            connection.exec_driver_sql(
                f"INSERT INTO issue_fts (rowid, {indexed}) SELECT id, {indexed} FROM issue "
                "WHERE id > ?",
                (before,),
            )
            connection.exec_driver_sql(str(trigger))
        connection.exec_driver_sql(  # one row per criterion, split from the display column
            "INSERT INTO issue_criterion (issue_id, criterion) "
            "SELECT i.id, c.value FROM issue i, "
            "json_each('[\"' || replace(i.criteria, ' ', '\",\"') || '\"]') c "
            "WHERE i.id > ? AND i.criteria != ''",
            (before,),
        )
        first = int(before or 0) + 1
        return list(range(first, first + len(rows)))

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
        row.status = status
        row.sealed_hash = sealed_hash
        row.updated_at = self._now
        self._session.add(row)

    def update_header(self, assessment_id: int, changes: Mapping[str, object]) -> None:
        row = self.assessment(assessment_id)
        for field, value in changes.items():
            setattr(row, field, value)
        row.updated_at = self._now
        self._session.add(row)

    def touch(self, assessment_id: int) -> None:
        self._session.execute(
            update(_table("assessment"))
            .where(_table("assessment").c.id == assessment_id)
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
        if row is None:
            row = ResponseRow(assessment_id=assessment_id, item=response.item)
        row.value, row.comment = response.value, response.comment
        row.evidence_json = json.dumps(list(response.evidence))
        self._session.add(row)
        self.touch(assessment_id)

    def put_part(self, table_name: str, assessment_id: int, part: Part) -> None:
        """Insert a risk, action, impact or custom item, or replace the one with the same key in
        its place (a risk's or action's ref, an impact's characteristic, a custom item's key)."""
        table = _table(table_name)
        values = {**part.model_dump(), "assessment_id": assessment_id}
        column = _KEY_COLUMNS.get(table_name, "ref")
        changed = self._session.execute(
            update(table)
            .where(table.c.assessment_id == assessment_id, table.c[column] == values[column])
            .values(**values)
        )
        if not getattr(changed, "rowcount", 0):
            self._execute_many(table_name, [values])
        self.touch(assessment_id)

    def remove_part(self, table_name: str, assessment_id: int, key: str) -> None:
        table = _table(table_name)
        column = table.c[_KEY_COLUMNS.get(table_name, "ref")]
        self._session.execute(
            delete(table).where(table.c.assessment_id == assessment_id, column == key)
        )
        self.touch(assessment_id)

    def remove_response(self, assessment_id: int, item: str) -> None:
        self.remove_part("response", assessment_id, item)

    def add_attachment(self, assessment_id: int, attachment: Attachment) -> None:
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
        table = _table("attachment")
        self._session.execute(
            delete(table).where(
                table.c.assessment_id == assessment_id,
                table.c.sha256 == sha256,
                table.c.name == file_name,
            )
        )
        self.touch(assessment_id)

    def add_signoff(self, assessment_id: int, signoff: Signoff) -> None:
        self._execute_many("signoff", [{**signoff.model_dump(), "assessment_id": assessment_id}])

    def delete_programme(self, key: str) -> None:
        self._session.execute(delete(_table("programme")).where(_table("programme").c.key == key))

    def replace_occurrences(self, issue_id: int, occurrences: Sequence[Occurrence]) -> None:
        """An automated issue's elements after a new scan (some new, some now resolved)."""
        table = _table("occurrence")
        self._session.execute(delete(table).where(table.c.issue_id == issue_id))
        self._execute_many(
            "occurrence", [{**o.model_dump(), "issue_id": issue_id} for o in occurrences]
        )

    def audit(self, action: str, assessment_id: int | None, **detail: Any) -> None:
        self._session.add(
            AuditEventRow(
                at=self._now,
                actor=self._actor,
                action=action,
                assessment_id=assessment_id,
                detail_json=json.dumps(detail, sort_keys=True, default=str),
            )
        )

    # ---- evaluation grid and links (kept together)

    def put_evaluation(self, assessment_id: int, evaluation: Evaluation) -> None:
        """One grid cell, in place; an untested cell without notes leaves no row behind."""
        table = _table("evaluation")
        where = (
            table.c.assessment_id == assessment_id,
            table.c.criterion == evaluation.criterion,
            table.c.sample == evaluation.sample,
        )
        if evaluation.outcome == "untested" and not evaluation.notes:
            self._session.execute(delete(table).where(*where))
        else:
            values = {**evaluation.model_dump(), "assessment_id": assessment_id}
            changed = self._session.execute(update(table).where(*where).values(**values))
            if not getattr(changed, "rowcount", 0):  # kept in place, so the order holds
                self._execute_many("evaluation", [values])
        self.touch(assessment_id)

    def move_evaluations(self, assessment_id: int, mapping: Mapping[str, str | None]) -> None:
        """After a scope change: a renamed sample's evaluations follow it, a removed one's go."""
        table = _table("evaluation")
        mine = table.c.assessment_id == assessment_id
        gone = [old for old, new in mapping.items() if new is None]
        moved = {old: new for old, new in mapping.items() if new is not None and new != old}
        if gone:
            self._session.execute(delete(table).where(mine, table.c.sample.in_(gone)))
        if moved:  # one statement, so that two samples may swap names
            self._session.execute(
                update(table)
                .where(mine, table.c.sample.in_(moved))
                .values(sample=case(moved, value=table.c.sample))
            )
        self.touch(assessment_id)

    def add_link(self, assessment_id: int, link: Link) -> None:
        self.remove_link(assessment_id, link)
        self._execute_many("link", [{**link.model_dump(), "assessment_id": assessment_id}])

    def remove_link(self, assessment_id: int, link: Link) -> None:
        table = _table("link")
        self._session.execute(
            delete(table).where(
                table.c.assessment_id == assessment_id,
                table.c.source == link.source,
                table.c.target_uid == link.target_uid,
                table.c.target == link.target,
            )
        )
        self.touch(assessment_id)

    # --- the accessibility issue log (kept together, at the end) --------------------------
    def _issue_id(self, assessment_id: int, ref: str) -> int | None:
        found = (
            self._session.connection()
            .exec_driver_sql(
                "SELECT id FROM issue WHERE assessment_id = ? AND ref = ?", (assessment_id, ref)
            )
            .scalar()
        )
        return int(found) if found is not None else None

    def put_issue(self, assessment_id: int, issue: Issue) -> None:
        """Add an issue, or replace the one with the same ref (criteria, retests and all)."""
        ident = self._issue_id(assessment_id, issue.ref)
        if ident is None:
            self.add_issues(assessment_id, [issue])
        else:
            assignments = ", ".join(f"{field} = ?" for field in ISSUE_FIELDS)
            values = [_sql_value(getattr(issue, field)) for field in ISSUE_FIELDS]
            connection = self._session.connection()
            connection.exec_driver_sql(
                f"UPDATE issue SET {assignments} WHERE id = ?", (*values, ident)
            )
            for table in ("issue_criterion", "retest", "occurrence"):
                connection.exec_driver_sql(f"DELETE FROM {table} WHERE issue_id = ?", (ident,))
            self._execute_many(
                "issue_criterion", [{"issue_id": ident, "criterion": c} for c in issue.criteria]
            )
            for table, parts in (("retest", issue.retests), ("occurrence", issue.occurrences)):
                self._execute_many(table, [{**p.model_dump(), "issue_id": ident} for p in parts])
        self.touch(assessment_id)

    def add_retest(
        self, assessment_id: int, ref: str, retest: Retest, status: str, reason: str
    ) -> None:
        """Record a retest of an issue and the status (and reason) it leaves the issue in."""
        ident = self._issue_id(assessment_id, ref)
        if ident is None:
            raise StoreError(f"no issue {ref} in assessment {assessment_id}", "invalid")
        self._execute_many("retest", [{**retest.model_dump(), "issue_id": ident}])
        self._session.connection().exec_driver_sql(
            "UPDATE issue SET status = ?, status_reason = ? WHERE id = ?", (status, reason, ident)
        )
        self.touch(assessment_id)

    def set_issue_statuses(
        self, assessment_id: int, refs: Sequence[str], status: str, reason: str
    ) -> int:
        """Give every listed issue one status and reason; all of them or, failing that, none."""
        wanted = sorted(set(refs))
        changed = self._session.connection().exec_driver_sql(
            "UPDATE issue SET status = ?, status_reason = ? WHERE assessment_id = ? "
            "AND ref IN (SELECT value FROM json_each(?))",
            (status, reason, assessment_id, json.dumps(wanted)),
        )
        if changed.rowcount != len(wanted):
            raise StoreError(
                f"{len(wanted) - changed.rowcount} of the issues are no longer in the log; "
                "nothing was changed",
                "conflict",
            )
        self.touch(assessment_id)
        return len(wanted)


def _sql_value(value: object) -> object:
    if isinstance(value, tuple):
        return " ".join(str(v) for v in value)
    return value.isoformat() if isinstance(value, date) else value
