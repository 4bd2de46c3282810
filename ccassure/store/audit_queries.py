"""Reads of the audit trail: recompute its chain, and one assessment's entries newest first."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ccassure.domain.audit_trail import AuditEntry, AuditVerdict
from ccassure.store.audit import COLUMNS, Head, first_break
from ccassure.store.reader import MAX_ID, StoreReader, reads_safely

_ENTRY = "id, at, actor, action, assessment_id, entity, entity_key, field, old_value, new_value"


def entry(row: Mapping[str, Any] | tuple[Any, ...]) -> AuditEntry:
    """A stored row (a mapping, or a tuple in _ENTRY's order) as a trail entry."""
    values = [row[name] for name in _ENTRY.split(", ")] if isinstance(row, Mapping) else row
    return AuditEntry(*values)


@reads_safely
class AuditQueries:
    """The trail's reads, on the reader's connection."""

    def __init__(self, reader: StoreReader) -> None:
        self._db = reader.db

    def verify(self) -> AuditVerdict:
        """Recompute every row's hash in id order and compare the end with the head."""
        found = self._db.execute("SELECT last_id, count, hash FROM audit_head WHERE id = 1")
        top = found.fetchone()
        head = Head(int(top[0]), int(top[1]), str(top[2])) if top else None
        count, broken = first_break(self._rows(), head)
        if broken is None:
            return AuditVerdict(count)
        row = None if broken.row is None else entry(broken.row)
        return AuditVerdict(count, broken.problem, row, broken.explanation)

    def _rows(self) -> Iterator[dict[str, Any]]:
        cursor = self._db.execute(f"SELECT {', '.join(COLUMNS)} FROM audit_event ORDER BY id")
        cursor.row_factory = None  # tuples: the fastest to read
        while batch := cursor.fetchmany(2000):
            for values in batch:
                yield dict(zip(COLUMNS, values, strict=True))

    def trail(self, assessment_id: int, limit: int | None = None) -> list[AuditEntry]:
        """One assessment's entries, newest first; at most `limit` of them."""
        if not 0 < assessment_id <= MAX_ID:
            return []
        rows = self._db.execute(
            f"SELECT {_ENTRY} FROM audit_event WHERE assessment_id = ? ORDER BY id DESC LIMIT ?",
            (assessment_id, -1 if limit is None else limit),
        )
        return [entry(tuple(row)) for row in rows]

    def count(self, assessment_id: int) -> int:
        row = self._db.execute(
            "SELECT COUNT(*) FROM audit_event WHERE assessment_id = ?", (assessment_id,)
        ).fetchone()
        return int(row[0])
