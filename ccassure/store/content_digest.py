"""Digests of every row of a store file, per assessment version and per table, read-only."""

from __future__ import annotations

import hashlib
import marshal
import sqlite3
from pathlib import Path
from types import TracebackType

from ccassure.store.cipher import StoreKey, connect, db_errors
from ccassure.store.errors import StoreError

ASSESSMENT = "assessment"
OWNER_COLUMN = "assessment_id"
BATCH = 2000


class StoreSnapshot:
    """A query-only connection: row digests as at one moment, and whether another connection
    has committed anything since they were read."""

    def __init__(self, path: Path, key: StoreKey | None = None) -> None:
        self.path = path
        self._version: int | None = None
        if not path.is_file():
            raise StoreError(f"{path}: no such store file", "missing")
        try:
            # Read-write but query-only, as the store's reader: closing the last connection
            # tidies the write-ahead log away instead of leaving it beside the store.
            self._db: sqlite3.Connection = connect(path, key, isolation_level=None)
            self._db.execute("PRAGMA query_only=ON")
        except db_errors() as exc:
            raise StoreError(f"{path}: cannot be read ({exc})", "damaged") from None

    def __enter__(self) -> StoreSnapshot:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType
    ) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def _data_version(self) -> int:
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def changed(self) -> bool:
        """Whether another connection committed since `digests` was last called."""
        try:
            return self._version is None or self._data_version() != self._version
        except db_errors() as exc:
            raise StoreError(f"{self.path}: cannot be read ({exc})", "damaged") from None

    def digests(self) -> dict[str, str]:
        """SHA-256 of the rows under each key, read in one transaction: 'assessment N' for
        version N's own row and its rows in every table with an assessment_id column;
        'table T' for each other table (and rows that belong to no assessment)."""
        found: dict[str, hashlib._Hash] = {}
        try:
            self._version = self._data_version()
            self._db.execute("BEGIN")
            try:
                for table, order in self._tables():
                    for key, query, params in self._queries(table, order):
                        digest = found.setdefault(key, hashlib.sha256())
                        cursor = self._db.execute(query, params)
                        while rows := cursor.fetchmany(BATCH):  # same batches in any copy
                            digest.update(table.encode() + b"\x00" + marshal.dumps(rows, 2))
            finally:
                self._db.execute("COMMIT")
        except db_errors() as exc:
            raise StoreError(f"{self.path}: cannot be read ({exc})", "damaged") from None
        return {key: digest.hexdigest() for key, digest in found.items()}

    def _tables(self) -> list[tuple[str, str]]:
        """Every real table (a virtual table's rows are in its shadow tables), with the
        order to read its rows in."""
        rows = self._db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        return [
            (str(name), "" if "WITHOUT ROWID" in str(sql).upper() else " ORDER BY rowid")
            for name, sql in rows
            if not str(sql).upper().startswith("CREATE VIRTUAL")
        ]

    def _queries(self, table: str, order: str) -> list[tuple[str, str, tuple[object, ...]]]:
        """(key, query, parameters) for each group of the table's rows."""
        columns = [str(r[1]) for r in self._db.execute(f'PRAGMA table_info("{table}")')]
        owner = "id" if table == ASSESSMENT else OWNER_COLUMN if OWNER_COLUMN in columns else ""
        if not owner:
            return [(f"table {table}", f'SELECT * FROM "{table}"{order}', ())]
        owners = [r[0] for r in self._db.execute(f'SELECT DISTINCT "{owner}" FROM "{table}"')]
        return [
            (
                f"table {table}" if ident is None else f"assessment {ident}",
                f'SELECT * FROM "{table}" WHERE "{owner}" IS ?{order}',
                (ident,),
            )
            for ident in sorted(owners, key=lambda value: (value is None, str(value)))
        ]


def row_digests(path: Path, key: StoreKey | None = None) -> dict[str, str]:
    """The digests of a store's rows as at one moment (see StoreSnapshot.digests)."""
    with StoreSnapshot(path, key) as snapshot:
        return snapshot.digests()
