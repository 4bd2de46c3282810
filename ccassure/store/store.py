"""The Store: one SQLite file, read through sqlite3 and written through SQLModel sessions."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ccassure.store.cipher import StoreKey, db_errors
from ccassure.store.errors import StoreError
from ccassure.store.file_lock import SharedLock
from ccassure.store.reader import StoreReader
from ccassure.store.sqlite_file import inspect_store

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from ccassure.store.writer import StoreWriter


def _translate_write_error(path: Path, exc: Exception) -> StoreError:
    text = str(getattr(exc, "orig", exc))
    if "locked" in text or "busy" in text:
        return StoreError(f"{path}: the store is locked by another program; try again", "locked")
    if "full" in text:
        return StoreError(f"{path}: the disk is full; free some space and try again", "invalid")
    if "readonly" in text or "read-only" in text:
        return StoreError(f"{path}: the store is read-only; check the file's permissions")
    return StoreError(f"{path}: the change could not be saved ({text})", "damaged")


class Store:
    """A store file. Reads need only sqlite3; the writing engine is built on first write.

    An encrypted store carries its key: every connection, copy and backup is keyed with it.
    """

    def __init__(
        self,
        path: Path,
        engine: Engine | None = None,
        key: StoreKey | None = None,
        claim: bool = True,
    ) -> None:
        self.path = path
        self.key = key
        self._engine = engine
        # claim=False only for the program that holds the file alone (converting it)
        self._claim = SharedLock(path if claim else None)
        self._local = threading.local()
        self._readers: list[StoreReader] = []
        self._lock = threading.Lock()

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    @classmethod
    def create(cls, path: Path, key: StoreKey | None = None) -> Store:
        from ccassure.store.engine import create_store

        return cls(path, create_store(path, key=key), key)

    @classmethod
    def open(cls, path: Path, key: StoreKey | None = None) -> Store:
        """Open an existing store; an older schema is backed up and upgraded first."""
        info = inspect_store(path, key)
        key = key if info.encrypted else None
        if not info.needs_upgrade:
            return cls(path, key=key)
        from ccassure.store.engine import open_for_writing

        return cls(path, open_for_writing(path, key), key)

    def reader(self) -> StoreReader:
        """This thread's reader: SQLite connections must stay on the thread that opened them."""
        found: StoreReader | None = getattr(self._local, "reader", None)
        if found is None:
            found = StoreReader(self.path, self.key)
            self._local.reader = found
            with self._lock:
                self._readers.append(found)
        return found

    def _writing_engine(self) -> Engine:
        if self._engine is None:
            from ccassure.store.engine import make_engine

            self._engine = make_engine(self.path, self.key)
        return self._engine

    @contextmanager
    def transaction(self, actor: str = "") -> Iterator[StoreWriter]:
        """All-or-nothing: committed (durably, synchronous=FULL) only if the block succeeds."""
        from sqlalchemy.exc import DBAPIError
        from sqlmodel import Session

        from ccassure.store.writer import StoreWriter

        now = datetime.now(UTC).isoformat(timespec="microseconds")
        try:
            with Session(self._writing_engine()) as session, session.begin():
                yield StoreWriter(session, now, actor)
        except db_errors(DBAPIError) as exc:
            raise _translate_write_error(self.path, exc) from None

    @contextmanager
    def claim_released(self) -> Iterator[None]:
        """While this program restores its own store: its claim is not another program's."""
        self._claim.release()
        try:
            yield
        finally:
            self._claim = SharedLock(self.path)

    def close(self) -> None:
        with self._lock:
            readers, self._readers = self._readers, []
        for reader in readers:
            reader.close()
        self._local = threading.local()
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
        self._claim.release()
