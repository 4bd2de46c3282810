"""Read-only inspection of an SQLite store file, its schema revision, and safe file copies."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ccassure.store.errors import StoreError

SQLITE_MAGIC = b"SQLite format 3\x00"
# Alembic revisions this version knows, oldest first. A test keeps it equal to the scripts.
REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005", "0006", "0007")
HEAD = REVISIONS[-1]


@dataclass(frozen=True)
class StoreInfo:
    path: Path
    revision: str

    @property
    def needs_upgrade(self) -> bool:
        return self.revision != HEAD


def connect_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)


def _translate(path: Path, exc: sqlite3.Error) -> StoreError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return StoreError(f"{path}: the store is locked by another program; try again", "locked")
    return StoreError(f"{path}: the store is damaged ({text}); restore it from a backup", "damaged")


def inspect_store(path: Path) -> StoreInfo:
    """Identify a store file without writing to it; raise StoreError with a clear reason."""
    if not path.exists():
        raise StoreError(f"{path}: no store here; create one with 'ccassure init'", "missing")
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a store file", "not_a_store")
    with path.open("rb") as handle:
        header = handle.read(100)
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise StoreError(f"{path}: not a ccassure store (not an SQLite database)", "not_a_store")
    try:
        connection = connect_read_only(path)
        try:
            names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
            if "alembic_version" not in names:
                raise StoreError(
                    f"{path}: not a ccassure store (no schema revision)", "not_a_store"
                )
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise _translate(path, exc) from None
    revision = str(row[0]) if row else ""
    if revision not in REVISIONS:
        raise StoreError(
            f"{path}: written by a newer version of ccassure (schema {revision or 'unknown'}; "
            f"this version knows up to {HEAD}); update ccassure to open it",
            "newer",
        )
    return StoreInfo(path, revision)


def integrity_problems(path: Path) -> list[str]:
    """Run SQLite's full integrity and foreign-key checks read-only; empty when all is well."""
    try:
        connection = connect_read_only(path)
        try:
            rows = [str(r[0]) for r in connection.execute("PRAGMA integrity_check")]
            problems = [] if rows == ["ok"] else rows
            problems += [
                f"row {r[1]} of {r[0]} points at a missing {r[2]}"
                for r in connection.execute("PRAGMA foreign_key_check")
            ]
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise _translate(path, exc) from None
    return problems


def private_empty_file(path: Path) -> None:
    """A new, empty file only its owner can read: SQLite gives its journals the same mode."""
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def copy_store(source: Path, destination: Path) -> None:
    """Copy a live store, consistently, with SQLite's online backup into a new file."""
    if destination.exists():
        raise StoreError(f"{destination}: already exists; choose a new file name", "exists")
    partial = destination.with_name(destination.name + ".partial")
    try:
        partial.unlink(missing_ok=True)
        private_empty_file(partial)
        dst = sqlite3.connect(partial)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"{destination}: cannot write a copy there ({exc})", "invalid") from None
    try:
        _copy_into(source, destination, dst)
    except BaseException:
        dst.close()
        partial.unlink(missing_ok=True)
        raise
    dst.close()
    try:
        partial.replace(destination)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"{destination}: cannot write the copy ({exc.strerror})") from None


def _copy_into(source: Path, destination: Path, dst: sqlite3.Connection) -> None:
    try:
        src = connect_read_only(source)
    except sqlite3.Error as exc:
        raise _translate(source, exc) from None
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as exc:
        raise StoreError(f"copying {source} to {destination} failed ({exc})") from None
    finally:
        src.close()


def replace_contents(source: Path, target: Path) -> None:
    """Overwrite the target store's contents with the source's in one SQLite transaction."""
    try:
        src = connect_read_only(source)
        try:
            dst = sqlite3.connect(target, timeout=5.0)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise _translate(target, exc) from None
        raise StoreError(
            f"restoring {target} from {source} failed ({exc}); the store is unchanged"
        ) from None


def ensure_idle(path: Path) -> None:
    """Refuse to go on while another program is writing the store (a restore would race it)."""
    try:
        connection = sqlite3.connect(path, timeout=0.5, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise StoreError(
            f"{path}: the store is in use by another program ({exc}); close it and try again",
            "locked",
        ) from None
