"""Backups read back after writing: integrity, schema, and every version's content."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ccassure.domain.errors import CcassureError
from ccassure.services.errors import ServiceError
from ccassure.services.stores import backup_store
from ccassure.store.sqlite_file import inspect_store, integrity_problems
from ccassure.store.store import Store


@dataclass(frozen=True)
class StoreContents:
    """What a store holds, for comparing two: each version's digest, and rows per table."""

    versions: Mapping[int, str]
    rows: Mapping[str, int]


@dataclass(frozen=True)
class BackupCheck:
    """A backup read back: how many versions match the store, and how many were being
    written while the copy was made (an online copy holds them as they were at one moment)."""

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


def store_contents(path: Path) -> StoreContents:
    """Digest of each assessment version's whole document (status and sign-offs too)."""
    store = Store(path)
    ident = 0
    try:
        reader = store.reader()
        versions = {}
        for summary in reader.list_assessments(all_versions=True):
            ident = summary.id
            document = reader.document(ident)
            if document is None:  # removed between the listing and the read
                continue
            text = json.dumps(document.to_data(), sort_keys=True, ensure_ascii=False)
            versions[ident] = hashlib.sha256(text.encode()).hexdigest()
        return StoreContents(versions, reader.table_counts())
    except ValueError as exc:  # a row the document model refuses
        reason = " ".join(str(exc).split())[:200]
        raise ServiceError(
            f"{path}: assessment {ident} cannot be read ({reason})", "damaged"
        ) from None
    finally:
        store.close()


def compare_contents(
    before: StoreContents, copy: StoreContents, after: StoreContents
) -> tuple[list[str], int, int]:
    """Problems, matched and changed counts; only what did not change while copying is
    compared (the copy is a snapshot of a moment in between)."""
    problems: list[str] = []
    matched = changed = 0
    for ident in sorted(set(before.versions) | set(after.versions)):
        was, now = before.versions.get(ident), after.versions.get(ident)
        if was != now:
            changed += 1
        elif ident not in copy.versions:
            problems.append(f"assessment {ident} is missing from the backup")
        elif copy.versions[ident] != was:
            problems.append(f"assessment {ident} differs from the store's")
        else:
            matched += 1
    if before.rows == after.rows and copy.rows != before.rows:
        differing = sorted(
            t
            for t in before.rows.keys() | copy.rows.keys()
            if before.rows.get(t) != copy.rows.get(t)
        )
        problems.append(f"the backup's row counts differ from the store's ({differing[0]})")
    return problems, matched, changed


def verify_backup(source: Path, copy: Path, before: StoreContents | None = None) -> BackupCheck:
    """Read the copy back and compare it with the store; ServiceError names the first fault.

    `before` is the store as read just before the copy was made (read now if not given).
    """
    if before is None:
        before = store_contents(source)
    expected = inspect_store(source).revision
    try:
        revision = inspect_store(copy).revision
        found = integrity_problems(copy)
        if revision != expected:
            found.append(f"its schema is {revision}, the store's {expected}")
        copied = None if found else store_contents(copy)
    except CcassureError as exc:
        raise ServiceError(f"{copy}: the backup cannot be read back ({exc})") from None
    matched = changed = 0
    if copied is not None:
        found, matched, changed = compare_contents(before, copied, store_contents(source))
    if found:
        raise ServiceError(f"{copy}: the backup does not match the store: {found[0]}")
    return BackupCheck(copy, revision, matched, changed)


def verified_backup(source: Path, destination: Path) -> BackupCheck:
    """backup_store, then read back; a copy that does not verify is removed, never kept."""
    try:
        before: StoreContents | None = store_contents(source)
    except CcassureError:
        before = None  # backup_store says what is wrong with the store
    written = backup_store(source, destination)
    try:
        return verify_backup(source, written, before)
    except BaseException:
        written.unlink(missing_ok=True)
        raise
