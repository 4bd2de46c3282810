"""The store's writes for the accessibility workspace: issues, occurrences, scope, grid, links."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Table, case, delete, select, update
from sqlmodel import Session, SQLModel

from ccassure.domain.audit_changes import Change, as_json, changes, digest, field_change
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
from ccassure.store.reader import issue_data

BULK_ROWS = 1_000
ONE_BY_ONE = 100  # more issues added at once are recorded in the trail as one bulk change
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

    def note(self, *found: Change) -> None:
        raise NotImplementedError

    def _rows(self, sql: str, *params: object) -> list[dict[str, Any]]:
        result = self._session.connection().exec_driver_sql(sql, params)
        return [dict(row) for row in result.mappings()]

    def put_scope(self, assessment_id: int, scope: Scope) -> None:
        """The evaluation scope, its sample and its baseline, replaced as a whole."""
        found = self._rows(
            "SELECT product, release, level FROM scope WHERE assessment_id = ?", assessment_id
        )
        old = None
        if found:
            old = {
                **found[0],
                "samples": self._rows(
                    "SELECT name, description FROM sample WHERE assessment_id = ? ORDER BY id",
                    assessment_id,
                ),
                "baseline": self._rows(
                    "SELECT assistive_tech, at_version, browser, os FROM at_combination "
                    "WHERE assessment_id = ? ORDER BY id",
                    assessment_id,
                ),
            }
        self.note(*changes("scope", str(assessment_id), old, scope))
        self._replace_scope(assessment_id, scope)

    def _replace_scope(self, assessment_id: int, scope: Scope) -> None:
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
        if len(issues) <= ONE_BY_ONE:
            for issue in issues:
                self.note(*changes("issue", issue.ref, None, issue))
        else:
            data = as_json([issue.model_dump(mode="json") for issue in issues])
            self.note(_bulk([i.ref for i in issues], data.encode()))
        return self._insert_issues(assessment_id, issues)

    def _insert_issues(self, assessment_id: int, issues: Sequence[Issue]) -> list[int]:
        if not issues:
            return []
        ids = self._insert_issue_rows(
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
        ref = ISSUE_FIELDS.index("ref")
        if len(rows) <= ONE_BY_ONE:
            for row in rows:
                self.note(
                    *changes(
                        "issue", str(row[ref]), None, dict(zip(ISSUE_FIELDS, row, strict=True))
                    )
                )
        else:
            self.note(_bulk([str(r[ref]) for r in rows], as_json(rows).encode()))
        return self._insert_issue_rows(assessment_id, rows)

    def _insert_issue_rows(
        self, assessment_id: int, rows: Sequence[tuple[object, ...]]
    ) -> list[int]:
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
        old = self._old_issue(issue_id)
        new = [o.model_dump(mode="json") for o in occurrences]
        self.note(*field_change("issue", old.ref, "occurrences", old.occurrences, new))
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
        found = self._session.execute(
            select(table.c.criterion, table.c.sample, table.c.outcome, table.c.notes).where(*where)
        ).mappings()
        old = next((dict(row) for row in found), None)
        empty = evaluation.outcome == "untested" and not evaluation.notes
        key = f"{evaluation.criterion} / {evaluation.sample}"
        self.note(*changes("evaluation", key, old, None if empty else evaluation))
        if empty:
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
        for old in self._rows(
            "SELECT criterion, sample, outcome, notes FROM evaluation WHERE assessment_id = ? "
            "AND sample IN (SELECT value FROM json_each(?)) ORDER BY id",
            assessment_id,
            json.dumps(sorted(set(gone) | set(moved))),
        ):
            key = f"{old['criterion']} / {old['sample']}"
            if old["sample"] in moved:
                self.note(Change("evaluation", key, "sample", old["sample"], moved[old["sample"]]))
            else:
                self.note(*changes("evaluation", key, old, None))
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
        if not self._delete_link(assessment_id, link):
            self.note(*changes("link", _link_key(link), None, link))
        self._execute_many("link", [{**link.model_dump(), "assessment_id": assessment_id}])
        self.touch(assessment_id)

    def remove_link(self, assessment_id: int, link: Link) -> None:
        if self._delete_link(assessment_id, link):
            self.note(*changes("link", _link_key(link), link, None))
        self.touch(assessment_id)

    def _delete_link(self, assessment_id: int, link: Link) -> bool:
        table = table_of("link")
        deleted = self._session.execute(
            delete(table).where(
                table.c.assessment_id == assessment_id,
                table.c.source == link.source,
                table.c.target_uid == link.target_uid,
                table.c.target == link.target,
            )
        )
        return bool(getattr(deleted, "rowcount", 0))

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
            self.note(*changes("issue", issue.ref, None, issue))
            self._insert_issues(assessment_id, [issue])
        else:
            self.note(*changes("issue", issue.ref, self._old_issue(ident), issue))
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
        old = self._old_issue(ident)
        self.note(Change("issue", ref, "retest", None, retest.model_dump(mode="json")))
        self.note(*field_change("issue", ref, "status", old.status, status))
        self.note(*field_change("issue", ref, "status_reason", old.status_reason, reason))
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
        for old in self._rows(
            "SELECT ref, status, status_reason FROM issue WHERE assessment_id = ? "
            "AND ref IN (SELECT value FROM json_each(?)) ORDER BY id",
            assessment_id,
            json.dumps(wanted),
        ):
            self.note(*field_change("issue", old["ref"], "status", old["status"], status))
            self.note(
                *field_change("issue", old["ref"], "status_reason", old["status_reason"], reason)
            )
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

    def _old_issue(self, ident: int) -> Issue:
        [row] = self._rows("SELECT * FROM issue WHERE id = ?", ident)
        data = issue_data(row)  # type: ignore[arg-type]
        for table, field in (("retest", "retests"), ("occurrence", "occurrences")):
            parts = self._rows(f"SELECT * FROM {table} WHERE issue_id = ? ORDER BY id", ident)
            data[field] = [
                {k: v for k, v in p.items() if k not in ("id", "issue_id")} for p in parts
            ]
        for occurrence in data["occurrences"]:
            occurrence["resolved"] = bool(occurrence["resolved"])
        return Issue.model_validate(data)


def _bulk(refs: Sequence[str], data: bytes) -> Change:
    """Many issues added at once: one change naming how many, the refs and their digest."""
    key = f"{refs[0]} … {refs[-1]}" if refs else ""
    return Change("issues", key, None, None, {"count": len(refs), **digest(data)})


def _link_key(link: Link) -> str:
    return f"{link.source} -> {link.target_uid} {link.target}"
