"""Read-only inspection of an SQLite store file, its schema revision, and safe file copies."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ccassure.store.cipher import SQLITE_MAGIC, StoreKey, connect, db_errors, looks_encrypted
from ccassure.store.errors import StoreError

# Alembic revisions this version knows, oldest first. A test keeps it equal to the scripts.
REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005", "0006", "0007")
HEAD = REVISIONS[-1]
# Working files beside a store while it is converted or restored; never a store of their own.
CONVERTING, RESTORING, PARTIAL = ".converting", ".restoring", ".partial"


@dataclass(frozen=True)
class StoreInfo:
    path: Path
    revision: str
    encrypted: bool = False

    @property
    def needs_upgrade(self) -> bool:
        return self.revision != HEAD


def connect_read_only(path: Path, key: StoreKey | None = None) -> sqlite3.Connection:
    return connect(path, key, read_only=True)


def _translate(path: Path, exc: Exception, key: StoreKey | None = None) -> StoreError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return StoreError(f"{path}: the store is locked by another program; try again", "locked")
    if key is not None and "not a database" in text:
        return StoreError(
            f"{path}: the key or passphrase given does not open this encrypted store",
            "wrong_key",
        )
    return StoreError(f"{path}: the store is damaged ({text}); restore it from a backup", "damaged")


def is_encrypted(path: Path) -> bool:
    """True for a file shaped like an SQLCipher store (it needs a key to say more)."""
    return path.is_file() and looks_encrypted(path)


def inspect_store(path: Path, key: StoreKey | None = None) -> StoreInfo:
    """Identify a store file without writing to it; raise StoreError with a clear reason."""
    if not path.exists():
        raise StoreError(f"{path}: no store here; create one with 'ccassure init'", "missing")
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a store file", "not_a_store")
    with path.open("rb") as handle:
        header = handle.read(100)
    plain = len(header) == 100 and header.startswith(SQLITE_MAGIC)
    if key is None and not plain:
        if looks_encrypted(path):
            raise StoreError(
                f"{path}: the store is encrypted; unlock it with its key or passphrase",
                "encrypted",
            )
        raise StoreError(f"{path}: not a ccassure store (not an SQLite database)", "not_a_store")
    if key is not None and plain:
        key = None  # a plain store opens as it is, whatever key was offered
    try:
        connection = connect_read_only(path, key)
        try:
            names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
            if "alembic_version" not in names:
                raise StoreError(
                    f"{path}: not a ccassure store (no schema revision)", "not_a_store"
                )
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except db_errors() as exc:
        raise _translate(path, exc, key) from None
    revision = str(row[0]) if row else ""
    if revision not in REVISIONS:
        raise StoreError(
            f"{path}: written by a newer version of ccassure (schema {revision or 'unknown'}; "
            f"this version knows up to {HEAD}); update ccassure to open it",
            "newer",
        )
    return StoreInfo(path, revision, key is not None)


def integrity_problems(path: Path, key: StoreKey | None = None) -> list[str]:
    """Run SQLite's full integrity and foreign-key checks read-only; empty when all is well."""
    try:
        connection = connect_read_only(path, key)
        try:
            rows = [str(r[0]) for r in connection.execute("PRAGMA integrity_check")]
            problems = [] if rows == ["ok"] else rows
            problems += [
                f"row {r[1]} of {r[0]} points at a missing {r[2]}"
                for r in connection.execute("PRAGMA foreign_key_check")
            ]
        finally:
            connection.close()
    except db_errors() as exc:
        raise _translate(path, exc, key) from None
    return problems


def private_empty_file(path: Path) -> None:
    """A new, empty file only its owner can read: SQLite gives its journals the same mode."""
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _new_partial(destination: Path, key: StoreKey | None) -> tuple[Path, sqlite3.Connection]:
    if destination.exists():
        raise StoreError(f"{destination}: already exists; choose a new file name", "exists")
    partial = destination.with_name(destination.name + ".partial")
    try:
        partial.unlink(missing_ok=True)
        private_empty_file(partial)
        return partial, connect(partial, key)
    except db_errors(OSError) as exc:
        with contextlib.suppress(OSError):  # a read-only folder refuses this too
            partial.unlink(missing_ok=True)
        raise StoreError(f"{destination}: cannot write a copy there ({exc})", "invalid") from None


def _finish(partial: Path, destination: Path) -> None:
    try:
        partial.replace(destination)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"{destination}: cannot write the copy ({exc.strerror})") from None


def copy_store(source: Path, destination: Path, key: StoreKey | None = None) -> None:
    """Copy a live store, consistently, with SQLite's online backup into a new file.

    An encrypted store's copy is encrypted with the same key and salt, so it opens as the
    store does (the keyring's key, or the same passphrase).
    """
    partial, dst = _new_partial(destination, key)
    try:
        try:
            src = connect_read_only(source, key)
        except db_errors() as exc:
            raise _translate(source, exc, key) from None
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        except db_errors() as exc:
            raise StoreError(f"copying {source} to {destination} failed ({exc})") from None
        finally:
            src.close()
    except BaseException:
        dst.close()
        partial.unlink(missing_ok=True)
        raise
    dst.close()
    _finish(partial, destination)


def convert_copy(
    source: Path, source_key: StoreKey | None, destination: Path, key: StoreKey | None
) -> None:
    """Copy a store into a new file under another key, or none: SQLCipher's export, which
    reads the source in one transaction and leaves it unchanged."""
    partial, dst = _new_partial(destination, None)
    dst.close()
    try:
        try:
            src = connect(
                source, source_key, read_only=True, isolation_level=None, through_sqlcipher=True
            )
            try:
                target = "" if key is None else key.pragma
                src.execute("ATTACH DATABASE ? AS converted KEY ?", (str(partial), target))
                src.execute("SELECT sqlcipher_export('converted')")
                src.execute("DETACH DATABASE converted")
            finally:
                src.close()
        except db_errors() as exc:
            raise _translate(source, exc, source_key) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _finish(partial, destination)


def replace_contents(source: Path, target: Path, key: StoreKey | None = None) -> None:
    """Overwrite the target store's contents with the source's in one SQLite transaction.

    Both must open with the same key (or none); the caller converts a copy first otherwise.
    """
    try:
        src = connect_read_only(source, key)
        try:
            dst = connect(target, key)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except db_errors() as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise _translate(target, exc) from None
        raise StoreError(
            f"restoring {target} from {source} failed ({exc}); the store is unchanged"
        ) from None


def ensure_idle(path: Path, key: StoreKey | None = None) -> None:
    """Refuse to go on while another program is writing the store (a restore would race it)."""
    try:
        connection = connect(path, key, timeout=0.5, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")
        finally:
            connection.close()
    except db_errors() as exc:
        raise StoreError(
            f"{path}: the store is in use by another program ({exc}); close it and try again",
            "locked",
        ) from None


def leave_wal_mode(path: Path, key: StoreKey | None = None) -> None:
    """Checkpoint and leave WAL mode, so no -wal file outlives the file it belongs to; refused
    while another program has the store open (SQLite will not change mode then)."""
    busy = StoreError(
        f"{path}: the store is open in another program (perhaps the app); close it and try again",
        "locked",
    )
    try:
        connection = connect(path, key, timeout=0.5, isolation_level=None)
        try:
            mode = str(connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0])
        finally:
            connection.close()
    except db_errors() as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise busy from None
        raise _translate(path, exc, key) from None
    if mode.lower() != "delete":
        raise busy


@contextlib.contextmanager
def writers_held_off(path: Path, key: StoreKey | None = None) -> Iterator[None]:
    """Hold SQLite's reserved lock (readers go on, writers wait and time out) for the block."""
    try:
        holder = connect(path, key, timeout=0.5, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
    except db_errors() as exc:
        raise StoreError(
            f"{path}: another program is writing the store ({exc}); close it and try again",
            "locked",
        ) from None
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def remove_leftovers(path: Path) -> list[Path]:
    """Delete working files a killed conversion or restore left beside the store (the store
    itself was never replaced by them); a plain copy of an encrypted store must not stay."""
    removed = []
    for suffix in (CONVERTING, CONVERTING + PARTIAL, RESTORING, RESTORING + PARTIAL):
        leftover = path.with_name(path.name + suffix)
        with contextlib.suppress(OSError):
            if leftover.is_file():
                leftover.unlink()
                removed.append(leftover)
    return removed
