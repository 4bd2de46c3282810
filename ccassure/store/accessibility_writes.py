"""The store's writes for the accessibility workspace: issues, occurrences, scope, grid, links."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Table, case, delete, update
from sqlmodel import Session, SQLModel

from ccassure.domain.document import (
    ISSUE_FIELDS,
    Evaluation,
    Issue,
    Link,
    Occurrence,
    Retest,
    Scope,
)
from ccassure.store.errors import StoreError

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


def table_of(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def sql_value(value: object) -> object:
    """A domain value as SQLite keeps it: dates as ISO text, lists as space-separated text."""
    if isinstance(value, tuple):
        return " ".join(str(v) for v in value)
    return value.isoformat() if isinstance(value, date) else value


class AccessibilityWrites:
    """Part of StoreWriter, kept apart for size; it uses the writer's session and helpers."""

    _session: Session

    def _execute_many(self, table: str, rows: Sequence[dict[str, Any]]) -> None:
        raise NotImplementedError

    def touch(self, assessment_id: int) -> None:
        raise NotImplementedError

    def put_scope(self, assessment_id: int, scope: Scope) -> None:
        """The evaluation scope, its sample and its baseline, replaced as a whole."""
        for table in ("scope", "sample", "at_combination"):
            self._session.execute(
                delete(table_of(table)).where(table_of(table).c.assessment_id == assessment_id)
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
            assessment_id, [tuple(sql_value(getattr(i, f)) for f in ISSUE_FIELDS) for i in issues]
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

    def replace_occurrences(self, issue_id: int, occurrences: Sequence[Occurrence]) -> None:
        """An automated issue's elements after a new scan (some new, some now resolved)."""
        table = table_of("occurrence")
        self._session.execute(delete(table).where(table.c.issue_id == issue_id))
        self._execute_many(
            "occurrence", [{**o.model_dump(), "issue_id": issue_id} for o in occurrences]
        )

    # ---- evaluation grid and links (kept together)

    def put_evaluation(self, assessment_id: int, evaluation: Evaluation) -> None:
        """One grid cell, in place; an untested cell without notes leaves no row behind."""
        table = table_of("evaluation")
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
        table = table_of("evaluation")
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
        table = table_of("link")
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
            values = [sql_value(getattr(issue, field)) for field in ISSUE_FIELDS]
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
