"""Backup and restore of real store files: online copies, reading back, and refusals."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ccassure.domain.templates import TemplateSet
from ccassure.services import backup_check
from ccassure.services.backup_check import verified_backup, verify_backup
from ccassure.services.errors import ServiceError
from ccassure.services.stores import check_store, restore_store
from ccassure.store.content_digest import StoreSnapshot
from ccassure.store.errors import StoreError
from ccassure.store.sqlite_file import HEAD
from ccassure.store.store import Store
from tests.conftest import ROOT, run_cli
from tests.spoiled_stores import newer, not_a_store, scribble, truncate

DRAFTS = (4, 5)  # draft versions in the demo store: changing them breaks no seal


@pytest.fixture
def store(demo_store: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "store.db"
    shutil.copy(demo_store, copy)
    return copy


def documents(path: Path) -> dict[int, object]:
    """Every assessment version as the app reads it (a check independent of the digests)."""
    store = Store(path)
    try:
        reader = store.reader()
        found = {s.id: reader.document(s.id) for s in reader.list_assessments(all_versions=True)}
        return {ident: doc.to_data() for ident, doc in found.items() if doc is not None}
    finally:
        store.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def summary(path: Path, ident: int) -> str:
    db = sqlite3.connect(path)
    try:
        return str(
            db.execute("SELECT summary FROM assessment WHERE id = ?", (ident,)).fetchone()[0]
        )
    finally:
        db.close()


def child(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.writer_child", *args],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_backup_while_another_process_holds_a_write_transaction(
    store: Path, tmp_path: Path, templates: TemplateSet
) -> None:
    before = summary(store, 1)
    writer = child("hold", str(store))
    assert writer.stdout is not None and writer.stdin is not None
    try:
        assert writer.stdout.readline().strip() == "holding"
        check = verified_backup(store, tmp_path / "during.db")
    finally:
        writer.stdin.write("COMMIT\n")
        writer.stdin.close()
        writer.wait(timeout=20)
    assert check.matched == len(documents(tmp_path / "during.db")) == 8
    assert summary(tmp_path / "during.db", 1) == before  # the uncommitted change is not in it
    assert summary(store, 1) == "IN-FLIGHT"
    assert check_store(tmp_path / "during.db", templates).problems == ()


def test_backups_taken_while_another_process_commits_are_each_one_moment(
    store: Path, tmp_path: Path
) -> None:
    writer = child("churn", str(store), *map(str, DRAFTS))
    assert writer.stdout is not None
    try:
        assert writer.stdout.readline().strip() == "0"
        checks = [verified_backup(store, tmp_path / f"b{n}.db") for n in range(6)]
        assert writer.poll() is None  # still committing after the last backup
    finally:
        writer.kill()
        writer.wait(timeout=20)
    tokens = set()
    for check in checks:
        first, second = (summary(check.path, ident) for ident in DRAFTS)
        assert first == second and first.startswith("token ")  # both from one transaction
        tokens.add(first)
        assert check.matched + check.changed_meanwhile == 8
        assert check.matched >= 6  # the versions nobody wrote were compared
    assert len(tokens) > 1  # the copies are of different moments, so the writer was running
    assert any(check.changed_meanwhile == 2 for check in checks)


def test_a_snapshot_knows_when_another_connection_committed(store: Path) -> None:
    with StoreSnapshot(store) as snapshot:
        before = snapshot.digests()
        assert not snapshot.changed()
        assert snapshot.digests() == before and not snapshot.changed()
        db = sqlite3.connect(store)
        db.execute(f"UPDATE assessment SET summary = 'elsewhere' WHERE id = {DRAFTS[0]}")
        db.commit()
        db.close()
        assert snapshot.changed()
        after = snapshot.digests()
    assert {k for k in before if before[k] != after[k]} == {f"assessment {DRAFTS[0]}"}
    assert before.keys() == after.keys()
    assert {k.split()[0] for k in before} == {"assessment", "table"}
    assert len([k for k in before if k.startswith("assessment ")]) == 8


def _edit_response(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute(
        "UPDATE response SET comment = comment || '!' WHERE id = (SELECT MIN(id) FROM response)"
    )
    db.commit()
    db.close()


def _edit_schema_revision(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("UPDATE alembic_version SET version_num = '0005'")
    db.commit()
    db.close()


def _remove_a_version(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys=ON")
    db.execute(f"DELETE FROM assessment WHERE id = {DRAFTS[1]}")
    db.commit()
    db.close()


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (_edit_response, "differs from the store's"),
        (_edit_schema_revision, f"its schema is 0005, the store's {HEAD}"),
        (_remove_a_version, f"match the store: assessment {DRAFTS[1]} "),
        (truncate, "cannot be read back"),
    ],
)
def test_reading_back_finds_a_copy_that_is_not_the_store(
    store: Path, tmp_path: Path, spoil: Callable[[Path], None], message: str
) -> None:
    copy = tmp_path / "copy.db"
    assert verify_backup(store, verified_backup(store, copy).path).matched == 8
    spoil(copy)
    with pytest.raises(ServiceError) as raised:
        verify_backup(store, copy)
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_a_copy_that_does_not_read_back_is_not_kept(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = backup_check.backup_store

    def faulty_copy(source: Path, destination: Path, key: object = None) -> Path:
        written = real(source, destination, key)  # type: ignore[arg-type]
        _edit_response(written)  # as if a sector of the copy went bad after writing
        return written

    monkeypatch.setattr(backup_check, "backup_store", faulty_copy)
    with pytest.raises(ServiceError, match="does not match the store"):
        verified_backup(store, tmp_path / "bad.db")
    assert not (tmp_path / "bad.db").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.db"]


def test_backup_command_reports_the_reading_back(store: Path, tmp_path: Path) -> None:
    result = run_cli("--store", str(store), "backup", str(tmp_path / "b.db"))
    assert result.returncode == 0, result.stderr
    assert f"to {tmp_path / 'b.db'} (verified: schema {HEAD}, 8 assessment versions match)" in (
        result.stdout
    )


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (scribble, "cannot restore"),
        (truncate, "cannot restore"),
        (not_a_store, "not a ccassure store"),
        (newer, "newer version"),
    ],
)
def test_restore_from_a_bad_backup_is_refused_and_changes_nothing(
    store: Path,
    tmp_path: Path,
    templates: TemplateSet,
    spoil: Callable[[Path], None],
    message: str,
) -> None:
    backup = tmp_path / "backup.db"
    verified_backup(store, backup)
    spoil(backup)
    before = digest(store)
    with pytest.raises((ServiceError, StoreError)) as raised:
        restore_store(backup, store, templates)
    assert message in str(raised.value) and "\n" not in str(raised.value)
    assert digest(store) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.db", "store.db"]
    result = run_cli("--store", str(store), "restore", str(backup))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert digest(store) == before


def test_restore_keeps_the_previous_store_and_says_where(store: Path, tmp_path: Path) -> None:
    backup = tmp_path / "backup.db"
    verified_backup(store, backup)
    db = sqlite3.connect(store)
    db.execute(f"UPDATE assessment SET summary = 'after the backup' WHERE id = {DRAFTS[0]}")
    db.commit()
    db.close()
    result = run_cli("--store", str(store), "restore", str(backup))
    assert result.returncode == 0, result.stderr
    kept = Path(result.stdout.strip().split("the previous store is kept at ")[1])
    assert kept.parent == tmp_path and kept.name.startswith("store.db.before-restore-")
    assert summary(kept, DRAFTS[0]) == "after the backup"
    assert summary(store, DRAFTS[0]) == summary(backup, DRAFTS[0]) != "after the backup"
    assert documents(store) == documents(backup)
