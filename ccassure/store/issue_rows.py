"""Streaming read of one assessment's issue log: rows in ref order, retests fetched per batch."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from ccassure.domain.issue_records import IssueLog, IssueLogEntry, RetestEntry
from ccassure.store.cipher import db_errors
from ccassure.store.errors import StoreError
from ccassure.store.reader import StoreReader

BATCH_SIZE = 500  # issues per retest / occurrence lookup (well under SQLite's variable limit)
_ISSUE_COLUMNS = (
    "id, ref, title, description, criteria, severity, status, status_reason, assistive_tech, "
    "at_version, os, browser, screen, steps, expected, actual, source, rule_id, url, "
    "needs_review, found_on, screenshots"
)
# By ref with its trailing number compared as a number (AT-2 before AT-10), then entry order.
_PREFIX = "rtrim(ref, '0123456789')"
REF_ORDER = f"{_PREFIX}, CAST(substr(ref, length({_PREFIX}) + 1) AS INTEGER), ref, id"


def _store_error(exc: Exception) -> StoreError:
    text = str(exc)
    kind = "locked" if "locked" in text or "busy" in text else "damaged"
    return StoreError(f"the store cannot be read ({text})", kind)


def _marks(count: int) -> str:
    return ", ".join("?" * count)


class IssueLogReader:
    """Reads an issue log without holding more than one batch of issues in memory."""

    def __init__(self, reader: StoreReader) -> None:
        self._db = reader.db

    @contextmanager
    def snapshot(self, assessment_id: int, batch_size: int = BATCH_SIZE) -> Iterator[IssueLog]:
        """The log in one read transaction: its total and its entries agree, whatever is
        written meanwhile. Iterate the entries inside the with block."""
        owns_transaction = not self._db.in_transaction
        entries: Generator[IssueLogEntry, None, None] | None = None
        try:
            if owns_transaction:
                self._db.execute("BEGIN")
            total = int(
                self._db.execute(
                    "SELECT COUNT(*) FROM issue WHERE assessment_id = ?", (assessment_id,)
                ).fetchone()[0]
            )
            names = self._attachment_names(assessment_id)
            entries = self._entries(assessment_id, names, batch_size)
            yield IssueLog(assessment_id, total, entries)
        except db_errors() as exc:
            raise _store_error(exc) from None
        finally:
            if entries is not None:
                entries.close()
            if owns_transaction and self._db.in_transaction:
                self._db.rollback()  # a read transaction: nothing to keep

    def _attachment_names(self, assessment_id: int) -> dict[str, str]:
        names: dict[str, str] = {}
        for sha256, name in self._db.execute(
            "SELECT sha256, name FROM attachment WHERE assessment_id = ? ORDER BY id",
            (assessment_id,),
        ):
            names.setdefault(str(sha256), str(name))
        return names

    def _entries(
        self, assessment_id: int, names: dict[str, str], batch_size: int
    ) -> Generator[IssueLogEntry, None, None]:
        cursor = self._db.cursor()
        cursor.row_factory = None  # plain tuples: the fastest rows sqlite3 gives
        try:
            cursor.execute(
                f"SELECT {_ISSUE_COLUMNS} FROM issue WHERE assessment_id = ? ORDER BY {REF_ORDER}",
                (assessment_id,),
            )
            while batch := cursor.fetchmany(batch_size):
                ids = [row[0] for row in batch]
                retests = self._retests(ids)
                counts = self._occurrence_counts(ids)
                for row in batch:
                    yield _entry(row, names, retests.get(row[0], ()), counts.get(row[0], (0, 0)))
        finally:
            cursor.close()

    def _retests(self, ids: Sequence[int]) -> dict[int, tuple[RetestEntry, ...]]:
        found: dict[int, list[RetestEntry]] = defaultdict(list)
        rows = self._db.execute(
            "SELECT issue_id, tested_on, outcome, tester, assistive_tech, notes FROM retest "
            f"WHERE issue_id IN ({_marks(len(ids))}) ORDER BY issue_id, tested_on, id",
            ids,
        )
        for issue_id, tested_on, outcome, tester, assistive_tech, notes in rows:
            found[issue_id].append(
                RetestEntry(date.fromisoformat(tested_on), outcome, tester, assistive_tech, notes)
            )
        return {issue_id: tuple(entries) for issue_id, entries in found.items()}

    def _occurrence_counts(self, ids: Sequence[int]) -> dict[int, tuple[int, int]]:
        rows = self._db.execute(
            "SELECT issue_id, COUNT(*), COALESCE(SUM(resolved), 0) FROM occurrence "
            f"WHERE issue_id IN ({_marks(len(ids))}) GROUP BY issue_id",
            ids,
        )
        return {int(r[0]): (int(r[1]), int(r[2])) for r in rows}


def _entry(
    row: tuple[Any, ...],
    names: dict[str, str],
    retests: tuple[RetestEntry, ...],
    counts: tuple[int, int],
) -> IssueLogEntry:
    """Text columns are NOT NULL; criteria and screenshots are kept as space-separated text."""
    (_, ref, title, description, criteria, severity, status, status_reason, assistive_tech,
     at_version, os, browser, screen, steps, expected, actual, source, rule_id, url,
     needs_review, found_on, screenshots) = row  # fmt: skip
    return IssueLogEntry(  # positional: the fastest way to build 100,000 of them
        ref, title, description, tuple(criteria.split()), severity, status, status_reason,
        assistive_tech, at_version, os, browser, screen, steps, expected, actual, source,
        rule_id, url, bool(needs_review), date.fromisoformat(found_on) if found_on else None,
        tuple(names.get(sha, sha) for sha in screenshots.split()) if screenshots else (),
        counts[0], counts[1], retests,
    )  # fmt: skip
