"""Read side of the store on plain sqlite3 (or SQLCipher), so that list and show start fast."""

from __future__ import annotations

import base64
import functools
import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from ccassure.domain.document import (
    AssessmentDocument,
    ComponentRef,
    CustomItem,
    Header,
    ProgrammeRef,
)
from ccassure.domain.summary import AssessmentSummary
from ccassure.store.cipher import StoreKey, connect, db_errors, row_factory
from ccassure.store.errors import StoreError

_SUMMARY = """
SELECT a.id, a.uid, a.kind, a.title, p.name AS programme, c.name AS component,
       c.key AS component_key, a.status, a.version, a.owner, a.marking, a.review_due
FROM assessment a JOIN component c ON c.id = a.component_id
JOIN programme p ON p.id = c.programme_id
"""
LATEST = "a.version = (SELECT MAX(b.version) FROM assessment b WHERE b.uid = a.uid)"
_CHILD_COLUMNS = {
    "custom_items": ("custom_item", ("id", "assessment_id")),
    "risks": ("risk", ("id", "assessment_id")),
    "impacts": ("impact", ("id", "assessment_id")),
    "actions": ("action", ("id", "assessment_id")),
    "evaluations": ("evaluation", ("id", "assessment_id")),
    "signoffs": ("signoff", ("id", "assessment_id")),
    "links": ("link", ("id", "assessment_id")),
}


MAX_ID = 2**63 - 1
T = TypeVar("T")


def reads_safely(cls: type[T]) -> type[T]:
    """Every public method of a read class reports SQLite failures as one StoreError."""

    def wrap(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return method(*args, **kwargs)
            except db_errors() as exc:
                text = str(exc)
                kind = "locked" if "locked" in text or "busy" in text else "damaged"
                raise StoreError(f"the store cannot be read ({text})", kind) from None

        return guarded

    for attribute, value in list(vars(cls).items()):
        if callable(value) and not attribute.startswith("_"):
            setattr(cls, attribute, wrap(value))
    return cls


def _summary(row: sqlite3.Row) -> AssessmentSummary:
    due = row["review_due"]
    return AssessmentSummary(
        id=row["id"],
        uid=row["uid"],
        kind=row["kind"],
        title=row["title"],
        programme=row["programme"],
        component=row["component"],
        component_key=row["component_key"],
        status=row["status"],
        version=row["version"],
        owner=row["owner"],
        marking=row["marking"],
        review_due=date.fromisoformat(due) if due else None,
    )


def issue_data(row: sqlite3.Row) -> dict[str, Any]:
    """An issue row as the Issue model's data (its lists are kept as space-separated text)."""
    data = _plain(row, ("id", "assessment_id"))
    data["criteria"] = data["criteria"].split()
    data["screenshots"] = data["screenshots"].split()
    data["needs_review"] = bool(data["needs_review"])
    return data


def _plain(row: sqlite3.Row, drop: tuple[str, ...]) -> dict[str, Any]:
    return {key: row[key] for key in row.keys() if key not in drop}


@reads_safely
class StoreReader:
    """Queries that return domain objects; one connection, read-only by pragma."""

    def __init__(self, path: Path, key: StoreKey | None = None) -> None:
        try:
            # Closed from whichever thread closes the store; used only on the opening thread.
            self._db = connect(path, key, check_same_thread=False)
            self._db.row_factory = row_factory(key)
            self._db.execute("PRAGMA query_only=ON")
        except db_errors() as exc:
            raise StoreError(f"{path}: cannot be read ({exc})", "damaged") from None

    @property
    def db(self) -> sqlite3.Connection:
        """The connection, for the store's own query modules."""
        return self._db

    def close(self) -> None:
        self._db.close()

    def list_assessments(
        self, kind: str | None = None, all_versions: bool = False, uid: str | None = None
    ) -> list[AssessmentSummary]:
        where, params = [], []
        if not all_versions:
            where.append(LATEST)
        if kind:
            where.append("a.kind = ?")
            params.append(kind)
        if uid:
            where.append("a.uid = ?")
            params.append(uid)
        sql = _SUMMARY + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY p.name, c.name, a.kind, a.title, a.version"
        return [_summary(row) for row in self._db.execute(sql, params)]

    def summary(self, assessment_id: int) -> AssessmentSummary | None:
        if not 0 < assessment_id <= MAX_ID:
            return None
        row = self._db.execute(_SUMMARY + " WHERE a.id = ?", (assessment_id,)).fetchone()
        return _summary(row) if row else None

    def _head(self, assessment_id: int) -> sqlite3.Row | None:
        if not 0 < assessment_id <= MAX_ID:
            return None
        row: sqlite3.Row | None = self._db.execute(
            "SELECT a.*, p.key AS p_key, p.name AS p_name, c.key AS c_key, c.name AS c_name, "
            "c.supplier AS c_supplier, c.description AS c_description FROM assessment a "
            "JOIN component c ON c.id = a.component_id "
            "JOIN programme p ON p.id = c.programme_id WHERE a.id = ?",
            (assessment_id,),
        ).fetchone()
        return row

    @staticmethod
    def _header_data(head: sqlite3.Row) -> dict[str, Any]:
        return {
            **_plain(
                head,
                (
                    "component_id",
                    "sealed_hash",
                    "updated_at",
                    "p_key",
                    "p_name",
                    "c_key",
                    "c_name",
                    "c_supplier",
                    "c_description",
                ),
            ),
            "programme": {"key": head["p_key"], "name": head["p_name"]},
            "component": {
                "key": head["c_key"],
                "name": head["c_name"],
                "supplier": head["c_supplier"],
                "description": head["c_description"],
            },
        }

    def header(self, assessment_id: int) -> Header | None:
        head = self._head(assessment_id)
        return Header.model_validate(self._header_data(head)) if head else None

    def scope(self, assessment_id: int) -> dict[str, Any] | None:
        """The evaluation scope with its sample and baseline, or None when there is none."""
        head = self._rows("SELECT * FROM scope WHERE assessment_id = ?", assessment_id)
        if not head:
            return None
        drop = ("id", "assessment_id")
        return {
            **_plain(head[0], drop),
            "samples": [
                _plain(r, drop)
                for r in self._rows(
                    "SELECT * FROM sample WHERE assessment_id = ? ORDER BY id", assessment_id
                )
            ],
            "baseline": [
                _plain(r, drop)
                for r in self._rows(
                    "SELECT * FROM at_combination WHERE assessment_id = ? ORDER BY id",
                    assessment_id,
                )
            ],
        }

    def custom_items(self, assessment_id: int) -> list[CustomItem]:
        rows = self._rows(
            "SELECT * FROM custom_item WHERE assessment_id = ? ORDER BY id", assessment_id
        )
        return [
            CustomItem.model_validate(
                {**_plain(r, ("id", "assessment_id", "required")), "required": bool(r["required"])}
            )
            for r in rows
        ]

    def document(self, assessment_id: int, with_issues: bool = True) -> AssessmentDocument | None:
        """The whole version; without its issues when only the checklist is wanted."""
        head = self._head(assessment_id)
        if head is None:
            return None
        data: dict[str, Any] = {
            "assessment": self._header_data(head),
            "sealed_hash": head["sealed_hash"],
            "responses": [
                {
                    **_plain(r, ("id", "assessment_id", "evidence_json")),
                    "evidence": json.loads(r["evidence_json"]),
                }
                for r in self._rows(
                    "SELECT * FROM response WHERE assessment_id = ? ORDER BY item", assessment_id
                )
            ],
            "issues": self._issues(assessment_id) if with_issues else [],
            "attachments": [
                {
                    **_plain(r, ("id", "assessment_id", "data")),
                    "data_base64": base64.b64encode(r["data"]).decode("ascii"),
                }
                for r in self._rows(
                    "SELECT * FROM attachment WHERE assessment_id = ? ORDER BY id", assessment_id
                )
            ],
        }
        for field, (table, drop) in _CHILD_COLUMNS.items():
            data[field] = [
                _plain(r, drop)
                for r in self._rows(
                    f"SELECT * FROM {table} WHERE assessment_id = ? ORDER BY id", assessment_id
                )
            ]
        for risk in data["risks"]:
            risk["measure_approved"] = bool(risk["measure_approved"])
        for custom in data["custom_items"]:
            custom["required"] = bool(custom["required"])
        data["scope"] = self.scope(assessment_id)
        return AssessmentDocument.model_validate(data)

    def _rows(self, sql: str, *params: object) -> list[sqlite3.Row]:
        return self._db.execute(sql, params).fetchall()

    def _issues(self, assessment_id: int) -> list[dict[str, Any]]:
        parts: dict[str, dict[int, list[dict[str, Any]]]] = {}
        for table in ("retest", "occurrence"):
            found: dict[int, list[dict[str, Any]]] = defaultdict(list)
            for row in self._rows(
                f"SELECT r.* FROM {table} r JOIN issue i ON i.id = r.issue_id "
                "WHERE i.assessment_id = ? ORDER BY r.id",
                assessment_id,
            ):
                found[row["issue_id"]].append(_plain(row, ("id", "issue_id")))
            parts[table] = found
        for occurrence in (o for group in parts["occurrence"].values() for o in group):
            occurrence["resolved"] = bool(occurrence["resolved"])
        return [
            {
                **issue_data(row),
                "retests": parts["retest"].get(row["id"], []),
                "occurrences": parts["occurrence"].get(row["id"], []),
            }
            for row in self._rows(
                "SELECT * FROM issue WHERE assessment_id = ? ORDER BY id", assessment_id
            )
        ]

    def stamp(self, assessment_id: int) -> str | None:
        """When the assessment last changed; a write checks it has not moved since it read."""
        if not 0 < assessment_id <= MAX_ID:
            return None
        row = self._db.execute("SELECT updated_at FROM assessment WHERE id = ?", (assessment_id,))
        found = row.fetchone()
        return str(found[0]) if found else None

    def latest_version(self, uid: str) -> int | None:
        row = self._db.execute("SELECT MAX(version) FROM assessment WHERE uid = ?", (uid,))
        value = row.fetchone()[0]
        return int(value) if value is not None else None

    def sealed_versions(self) -> list[tuple[int, str]]:
        rows = self._db.execute(
            "SELECT id, sealed_hash FROM assessment WHERE sealed_hash IS NOT NULL ORDER BY id"
        )
        return [(int(r[0]), str(r[1])) for r in rows]

    def table_counts(self) -> dict[str, int]:
        tables = [
            r[0]
            for r in self._db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                "AND name != 'alembic_version' ORDER BY name"
            )
        ]
        return {
            t: int(self._db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]) for t in tables
        }

    def components(self) -> list[tuple[ProgrammeRef, ComponentRef]]:
        """Every component with its programme, by programme then component name."""
        rows = self._db.execute(
            "SELECT p.key, p.name, c.key, c.name, c.supplier, c.description FROM component c "
            "JOIN programme p ON p.id = c.programme_id ORDER BY p.name, c.name"
        )
        return [
            (
                ProgrammeRef(key=r[0], name=r[1]),
                ComponentRef(key=r[2], name=r[3], supplier=r[4], description=r[5]),
            )
            for r in rows
        ]

    def has_programme(self, key: str) -> bool:
        return (
            self._db.execute("SELECT 1 FROM programme WHERE key = ?", (key,)).fetchone() is not None
        )
