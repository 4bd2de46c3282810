"""Backups read back after writing: integrity, schema, and every row compared with the store."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ccassure.domain.errors import CcassureError
from ccassure.services.errors import ServiceError
from ccassure.services.stores import backup_store
from ccassure.store.cipher import StoreKey
from ccassure.store.content_digest import StoreSnapshot, row_digests
from ccassure.store.sqlite_file import inspect_store, integrity_problems


@dataclass(frozen=True)
class BackupCheck:
    """A backup read back: how many assessment versions match the store, and how many were
    being written while the copy was made (an online copy holds them as at one moment)."""

    path: Path
    revision: str
    matched: int
    changed_meanwhile: int

    @property
    def summary(self) -> str:
        text = f"verified: schema {self.revision}, {self.matched} assessment versions match"
        if self.changed_meanwhile:
            text += f" ({self.changed_meanwhile} changed while it was written)"
        return text


def compare_digests(
    before: Mapping[str, str], copy: Mapping[str, str], after: Mapping[str, str]
) -> tuple[list[str], int, int]:
    """Problems, and how many versions matched or changed; only what did not change while
    copying is compared (the copy is of a moment in between)."""
    problems: list[str] = []
    matched = changed = 0
    for key in sorted(before.keys() | after.keys() | copy.keys()):
        was, now = before.get(key), after.get(key)
        if was != now:
            changed += key.startswith("assessment ")
        elif key not in copy:
            problems.append(f"{key} is missing from the backup")
        elif copy[key] != was:
            problems.append(f"{key} differs from the store's")
        else:
            matched += key.startswith("assessment ")
    return problems, matched, changed


def verify_backup(source: Path, copy: Path, key: StoreKey | None = None) -> BackupCheck:
    """Read back a backup made earlier and compare it with the store as it is now."""
    with StoreSnapshot(source, key) as store:
        return _compare(source, copy, store, store.digests(), integrity=True, key=key)


def verified_backup(source: Path, destination: Path, key: StoreKey | None = None) -> BackupCheck:
    """backup_store, then read back; a copy that does not verify is removed, never kept.

    An encrypted store's backup is encrypted with the same key and read back with it."""
    try:
        store = StoreSnapshot(source, key)
        before = store.digests()
    except CcassureError:  # backup_store says what is wrong with the store
        written = backup_store(source, destination, key)
        return verify_backup(source, written, key)
    with store:
        written = backup_store(source, destination, key)  # checks the copy's integrity
        try:
            return _compare(source, written, store, before, integrity=False, key=key)
        except BaseException:
            written.unlink(missing_ok=True)
            raise


def _compare(
    source: Path,
    copy: Path,
    store: StoreSnapshot,
    before: Mapping[str, str],
    integrity: bool,
    key: StoreKey | None = None,
) -> BackupCheck:
    """The copy's schema, integrity and rows against the store's rows from `before` the copy
    (and after it, when something was committed meanwhile)."""
    expected = inspect_store(source, key).revision
    try:
        revision = inspect_store(copy, key).revision
        found = integrity_problems(copy, key) if integrity else []
        if revision != expected:
            found.append(f"its schema is {revision}, the store's {expected}")
        copied = None if found else row_digests(copy, key)
    except CcassureError as exc:
        raise ServiceError(f"{copy}: the backup cannot be read back ({exc})") from None
    matched = changed = 0
    if copied is not None:
        after = store.digests() if store.changed() else before
        found, matched, changed = compare_digests(before, copied, after)
    if found:
        raise ServiceError(f"{copy}: the backup does not match the store: {found[0]}")
    return BackupCheck(copy, revision, matched, changed)
