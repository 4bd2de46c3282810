"""Automatic backups on real store files: when due, retention, and failures that keep the rest."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ccassure.services.backup_schedule import (
    BackupPlan,
    auto_backups,
    changed_since,
    default_plan,
    due,
    last_backup,
    run_scheduled_backup,
)
from ccassure.services.errors import ServiceError
from ccassure.store.content_digest import row_digests
from ccassure.store.errors import StoreError
from ccassure.store.sqlite_file import inspect_store
from tests.conftest import ROOT

START = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(demo_store: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "ccassure.db"
    shutil.copy(demo_store, copy)
    return copy


@pytest.fixture
def plan(tmp_path: Path) -> BackupPlan:
    return BackupPlan(tmp_path / "backups", every_hours=4.0, keep=10, enabled=True)


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_default_plan_is_off_every_four_hours_keeping_ten(tmp_path: Path) -> None:
    plan = default_plan(tmp_path)
    assert plan == BackupPlan(tmp_path / "backups", 4.0, 10, False)
    assert plan.problem() == ""
    assert "folder" in BackupPlan(Path("relative"), 4.0, 10, True).problem()
    assert "hours" in BackupPlan(tmp_path, 0.0, 10, True).problem()
    assert "keep" in BackupPlan(tmp_path, 4.0, 0, True).problem()


@pytest.mark.parametrize(
    ("enabled", "last", "hours_later", "expected"),
    [
        (True, None, 0, True),  # never backed up
        (True, START, 3.99, False),
        (True, START, 4, True),
        (True, START, 30, True),
        (True, START, -5, True),  # the clock went back further than the interval
        (True, START, -1, False),
        (False, None, 0, False),
        (False, START, 30, False),
    ],
)
def test_due(
    plan: BackupPlan, enabled: bool, last: datetime | None, hours_later: float, expected: bool
) -> None:
    chosen = BackupPlan(plan.folder, plan.every_hours, plan.keep, enabled)
    assert due(chosen, last, START + timedelta(hours=hours_later)) is expected


def test_twelve_runs_keep_the_newest_ten_and_touch_nothing_else(
    store: Path, plan: BackupPlan, demo_store: Path
) -> None:
    plan.folder.mkdir()
    others = {
        "ccassure-backup.db": demo_store.read_bytes(),  # a manual backup (ccassure backup DIR)
        "other-auto-20260101T000000Z.db": b"another store's automatic backup",
        "ccassure-auto-20200101T000000Z.db.partial": b"not a backup",
        "ccassure-auto-notatime.db": b"not ours either",
        "notes.txt": b"the folder is shared",
    }
    for name, data in others.items():
        (plan.folder / name).write_bytes(data)
    assert last_backup(store, plan.folder) is None
    outcomes = [
        run_scheduled_backup(store, plan, START + timedelta(hours=4 * n)) for n in range(12)
    ]
    kept = auto_backups(store, plan.folder)
    assert [b.taken_at for b in kept] == [START + timedelta(hours=4 * n) for n in range(11, 1, -1)]
    assert [b.path for b in kept] == [o.path for o in reversed(outcomes[2:])]
    assert all(not o.path.exists() for o in outcomes[:2])
    assert outcomes[10].removed == (outcomes[0].path,)
    assert outcomes[11].removed == (outcomes[1].path,)
    assert outcomes[9].removed == ()
    for name, data in others.items():
        assert (plan.folder / name).read_bytes() == data
    assert last_backup(store, plan.folder) == START + timedelta(hours=44)
    assert kept[0].path.name == "ccassure-auto-20261128T050000Z.db"
    assert kept[0].size == kept[0].path.stat().st_size
    assert inspect_store(kept[0].path).revision == inspect_store(store).revision
    assert row_digests(kept[0].path) == row_digests(store)
    assert outcomes[11].message.startswith(f"Backup written: {kept[0].path} (verified: ")
    assert "1 older automatic backup(s) removed" in outcomes[11].message


def test_a_smaller_keep_prunes_at_the_next_backup(store: Path, plan: BackupPlan) -> None:
    for n in range(5):
        run_scheduled_backup(store, plan, START + timedelta(hours=n))
    fewer = BackupPlan(plan.folder, plan.every_hours, 2, True)
    outcome = run_scheduled_backup(store, fewer, START + timedelta(hours=9))
    assert len(outcome.removed) == 4
    assert [b.taken_at.hour for b in auto_backups(store, plan.folder)] == [18, 13]


def test_the_clock_going_back_never_removes_the_backup_just_written(
    store: Path, plan: BackupPlan
) -> None:
    small = BackupPlan(plan.folder, plan.every_hours, 2, True)
    for n in range(2):
        run_scheduled_backup(store, small, START + timedelta(days=n))
    earlier = run_scheduled_backup(store, small, START - timedelta(days=30))
    assert earlier.path.exists()
    names = [b.path.name for b in auto_backups(store, plan.folder)]
    assert names == ["ccassure-auto-20261127T090000Z.db", earlier.path.name]


def test_changed_since_follows_writes_to_the_store(store: Path) -> None:
    written = datetime.fromtimestamp(store.stat().st_mtime, UTC)
    assert changed_since(store, written - timedelta(seconds=2))
    assert not changed_since(store, written + timedelta(seconds=2))
    db = sqlite3.connect(store)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("UPDATE assessment SET summary = 'changed' WHERE id = 4")
    db.commit()
    wal = store.with_name(store.name + "-wal")
    assert wal.exists()
    os.utime(store, (0, written.timestamp() - 3600))  # only the log has the change
    assert changed_since(store, written - timedelta(seconds=1))
    db.close()


def test_a_folder_whose_parent_is_gone_is_a_message_not_a_new_folder(
    store: Path, tmp_path: Path
) -> None:
    gone = tmp_path / "usb-stick" / "backups"
    with pytest.raises(ServiceError) as raised:
        run_scheduled_backup(store, BackupPlan(gone, 4.0, 10, True), START)
    assert str(raised.value).startswith(f"{gone}: cannot use this folder for backups")
    assert "Tools → Backups" in str(raised.value)
    assert not (tmp_path / "usb-stick").exists()


def test_a_damaged_store_writes_nothing_and_keeps_the_older_backups(
    store: Path, plan: BackupPlan
) -> None:
    for n in range(3):
        run_scheduled_backup(store, plan, START + timedelta(hours=4 * n))
    before = digests(plan.folder)
    data = bytearray(store.read_bytes())
    data[4096 * 3 : 4096 * 3 + 600] = b"\xff" * 600
    store.write_bytes(bytes(data))
    with pytest.raises((ServiceError, StoreError), match="damaged"):
        run_scheduled_backup(store, plan, START + timedelta(hours=12))
    assert digests(plan.folder) == before


def test_a_plan_that_cannot_work_writes_nothing(store: Path, tmp_path: Path) -> None:
    with pytest.raises(ServiceError, match="no backup was written: keep 1 to 100"):
        run_scheduled_backup(store, BackupPlan(tmp_path / "b", 4.0, 0, True), START)
    assert not (tmp_path / "b").exists()


def run_child(
    store: Path, folder: Path, when: datetime, max_bytes: int = 0, root_setup: str = ""
) -> list[str]:
    """A backup in a child process: its outcome, then each file in the folder as it sees it.
    As root (whom permissions do not stop) it runs in its own mount namespace after
    `root_setup`."""
    command = [sys.executable, "-m", "tests.backup_child"]
    command += [str(store), str(folder), when.isoformat(), str(max_bytes)]
    if root_setup and os.geteuid() == 0:
        if shutil.which("unshare") is None:
            pytest.skip("running as root without unshare: cannot limit the folder")
        command = ["unshare", "-m", "sh", "-c", f'{root_setup} && exec "$@"', "sh", *command]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return result.stdout.splitlines()


def listed(lines: list[str]) -> dict[str, str]:
    return {name: digest for name, digest in (line.split(" ", 1) for line in lines[1:])}


def test_a_read_only_folder_is_a_message_and_older_backups_stay(
    store: Path, plan: BackupPlan
) -> None:
    for n in range(3):
        run_scheduled_backup(store, plan, START + timedelta(hours=4 * n))
    before = digests(plan.folder)
    plan.folder.chmod(0o500)
    try:
        read_only = f"mount --bind -o ro '{plan.folder}' '{plan.folder}'"
        lines = run_child(store, plan.folder, START + timedelta(hours=12), root_setup=read_only)
    finally:
        plan.folder.chmod(0o700)
    said = lines[0]
    assert said.startswith(f"error no backup was written: {plan.folder}/ccassure-auto-2026")
    assert "cannot write a copy there" in said, said
    assert "Read-only file system" in said or "Permission denied" in said, said
    assert listed(lines) == before == digests(plan.folder)


def test_a_full_disk_is_a_message_and_older_backups_stay(
    store: Path, plan: BackupPlan, tmp_path: Path
) -> None:
    older = run_scheduled_backup(store, plan, START)
    before = digests(plan.folder)
    saved = tmp_path / "saved"
    shutil.copytree(plan.folder, saved)
    room = older.size + store.stat().st_size // 3  # the older backup, and a third of a copy
    # As root: a small file system of its own over the folder, holding the older backup.
    small_disk = (
        f"mount -t tmpfs -o size={room} tmpfs '{plan.folder}' && cp -p '{saved}'/* '{plan.folder}'/"
    )
    limit = 0 if os.geteuid() == 0 else store.stat().st_size // 3  # else writes past it fail
    lines = run_child(store, plan.folder, START + timedelta(hours=4), limit, small_disk)
    said = lines[0]
    assert said.startswith("error ") and "no backup was written" in said, said
    # ENOSPC from a full file system; EFBIG (which SQLite calls an I/O error) from the limit
    assert "the disk is out of space" in said or "(disk I/O error)" in said, said
    assert listed(lines) == before == digests(plan.folder)
