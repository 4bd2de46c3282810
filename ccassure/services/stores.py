"""Store use cases: create, open, check, back up and restore a store file."""

from __future__ import annotations

import glob
from dataclasses import dataclass, field
from pathlib import Path

from ccassure.domain.conformity import problems
from ccassure.domain.document import content_hash
from ccassure.domain.templates import TemplateSet
from ccassure.services.errors import ServiceError
from ccassure.store.audit_queries import AuditQueries
from ccassure.store.cipher import StoreKey
from ccassure.store.errors import StoreError
from ccassure.store.file_lock import alone_with
from ccassure.store.sqlite_file import (
    HEAD,
    RESTORING,
    convert_copy,
    copy_store,
    ensure_idle,
    inspect_store,
    integrity_problems,
    remove_leftovers,
    replace_contents,
)
from ccassure.store.store import Store

KEEP_BACKUPS = 5


@dataclass(frozen=True)
class CheckReport:
    path: Path
    revision: str
    counts: dict[str, int]
    problems: tuple[str, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems


def create_store(path: Path, key: StoreKey | None = None) -> Store:
    return Store.create(path, key)


def open_store(path: Path, key: StoreKey | None = None) -> Store:
    store = Store.open(path, key)
    remove_leftovers(path)  # only once the store has opened: no conversion is under way
    return store


def open_or_create(path: Path, key: StoreKey | None = None) -> Store:
    return Store.open(path, key) if path.exists() else Store.create(path, key)


def check_store(path: Path, templates: TemplateSet, key: StoreKey | None = None) -> CheckReport:
    """Read-only: file identity, schema, SQLite integrity, seals, template fit, audit trail."""
    info = inspect_store(path, key)
    key = key if info.encrypted else None
    found = list(integrity_problems(path, key))
    notes = []
    if info.needs_upgrade:
        notes.append(
            f"schema {info.revision} is older than {HEAD}; it is upgraded, after a "
            "backup, the next time the store is opened for work"
        )
        return CheckReport(path, info.revision, {}, tuple(found), tuple(notes))
    store = Store(path, key=key)
    try:
        reader = store.reader()
        for assessment_id, sealed in reader.sealed_versions():
            document = reader.document(assessment_id)
            assert document is not None
            if content_hash(document) != sealed:
                found.append(
                    f"assessment {assessment_id}: sealed content has changed since "
                    "approval (hash mismatch)"
                )
            found.extend(
                f"assessment {assessment_id}: sign-off {s.role} is for other content"
                for s in document.signoffs
                if s.content_hash != sealed
            )
        for summary in reader.list_assessments(all_versions=True):
            header = reader.header(summary.id)
            assert header is not None
            template = templates.get(header.template_id, header.template_version)
            if template is None:
                notes.append(
                    f"assessment {summary.id}: template {header.template_id} "
                    f"v{header.template_version} is not installed"
                )
            else:
                document = reader.document(summary.id)
                assert document is not None
                found.extend(f"assessment {summary.id}: {p}" for p in problems(template, document))
        counts = reader.table_counts()
        trail = AuditQueries(reader).verify()
        if not trail.intact:
            found.append(trail.message())
    finally:
        store.close()
    return CheckReport(path, info.revision, counts, tuple(found), tuple(notes))


def _prune(path: Path, reason: str) -> None:
    old = sorted(path.parent.glob(f"{glob.escape(path.name)}.{reason}-*.bak"))
    for stale in old[:-KEEP_BACKUPS]:
        stale.unlink(missing_ok=True)


def safety_backup(path: Path, reason: str, key: StoreKey | None = None) -> Path:
    """Copy the store beside itself before a risky change; keeps the last few per reason.

    An encrypted store's backup is encrypted with the same key."""
    from ccassure.store.engine import backup_path

    target = backup_path(path, reason)
    copy_store(path, target, key)
    _prune(path, reason)
    return target


def backup_store(path: Path, destination: Path, key: StoreKey | None = None) -> Path:
    """A consistent copy, checked: a backup of a damaged store is refused, not kept.

    An encrypted store's backup stays encrypted, with the same key."""
    key = key if inspect_store(path, key).encrypted else None
    if destination.is_dir():
        destination = destination / f"{path.stem}-backup.db"
    copy_store(path, destination, key)
    try:
        found = integrity_problems(destination, key)
    except StoreError as exc:
        found = [f"its pages cannot be read: {exc.args[0].split(': ', 1)[-1]}"]
    if found:
        destination.unlink(missing_ok=True)
        raise ServiceError(
            f"{path}: the store is damaged ({found[0]}), so no backup was "
            "written; restore it from an earlier backup",
            "damaged",
        )
    return destination


def restore_store(
    source: Path,
    target: Path,
    templates: TemplateSet,
    key: StoreKey | None = None,
    source_key: StoreKey | None = None,
) -> Path | None:
    """Replace the store with a good backup, all or nothing; the current store is kept first.

    The store keeps its own encryption: a backup under another key (or none) is re-keyed on
    the way in. Returns where the previous store was kept (None when there was none).
    """
    try:
        report = check_store(source, templates, source_key)
    except StoreError as exc:
        raise ServiceError(f"cannot restore: {exc}", exc.kind) from None
    if not report.ok:
        raise ServiceError(f"cannot restore from {source}: {report.problems[0]}", "damaged")
    if not target.exists():
        _copy_as(source, source_key, target, source_key)
        _record_restore(target, source_key, source, None)
        return None
    try:
        key = key if inspect_store(target, key).encrypted else None
        integrity_ok = not integrity_problems(target, key)
    except StoreError as exc:
        if exc.kind != "damaged":  # a folder, another file, a newer store: never moved
            raise ServiceError(f"will not restore over it: {exc}", exc.kind) from None
        integrity_ok = False
    if integrity_ok:
        with alone_with(target):
            ensure_idle(target, key)
            before = safety_backup(target, "before-restore", key)
            _replace_contents(source, source_key, target, key)
    else:
        before = _set_aside(target)
        _copy_as(source, source_key, target, key)
    _record_restore(target, key, source, before)
    return before


def _record_restore(target: Path, key: StoreKey | None, source: Path, kept: Path | None) -> None:
    """The restored store's own audit trail says that it was restored, from what."""
    store = Store.open(target, key)
    try:
        with store.transaction() as writer:
            writer.audit("store.restored", None, source=str(source), kept=str(kept or ""))
    finally:
        store.close()


def _replace_contents(
    source: Path, source_key: StoreKey | None, target: Path, key: StoreKey | None
) -> None:
    if _same(key, source_key):
        replace_contents(source, target, key)
        return
    rekeyed = target.with_name(target.name + RESTORING)
    rekeyed.unlink(missing_ok=True)
    convert_copy(source, source_key, rekeyed, key)
    try:
        replace_contents(rekeyed, target, key)
    finally:
        rekeyed.unlink(missing_ok=True)


def _same(one: StoreKey | None, other: StoreKey | None) -> bool:
    if one is None or other is None:
        return one is other
    return one.key == other.key and one.salt == other.salt


def _copy_as(source: Path, source_key: StoreKey | None, target: Path, key: StoreKey | None) -> None:
    if _same(source_key, key):
        copy_store(source, target, key)
    else:
        convert_copy(source, source_key, target, key)


def _set_aside(target: Path) -> Path:
    """Move a damaged store (and its WAL files) aside untouched, so nothing is destroyed."""
    from ccassure.store.engine import backup_path

    aside = backup_path(target, "damaged")
    for suffix in ("-wal", "-shm"):
        extra = target.with_name(target.name + suffix)
        if extra.exists():
            extra.replace(aside.with_name(aside.name + suffix))
    target.replace(aside)
    return aside
