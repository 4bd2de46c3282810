"""Automatic backups: when one is due, writing and verifying it, and keeping the newest few."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ccassure.domain.errors import CcassureError
from ccassure.services.errors import ServiceError
from ccassure.store.cipher import StoreKey

if TYPE_CHECKING:
    from ccassure.services.backup_check import BackupCheck

BACKUP_FOLDER = "backups"
EVERY_HOURS = 4.0
KEEP = 10
HOURS_RANGE = (0.25, 24.0 * 7)
KEEP_RANGE = (1, 100)
AUTO = "-auto-"
STAMP = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True)
class BackupPlan:
    """Where and how often automatic backups are written, and how many are kept."""

    folder: Path
    every_hours: float = EVERY_HOURS
    keep: int = KEEP
    enabled: bool = False

    def problem(self) -> str:
        """Why this plan cannot be used, or '' when it can."""
        if not str(self.folder).strip() or not self.folder.is_absolute():
            return "choose a folder for the backups (a full path)"
        if not HOURS_RANGE[0] <= self.every_hours <= HOURS_RANGE[1]:
            return f"back up every {HOURS_RANGE[0]} to {HOURS_RANGE[1]:g} hours"
        if not KEEP_RANGE[0] <= self.keep <= KEEP_RANGE[1]:
            return f"keep {KEEP_RANGE[0]} to {KEEP_RANGE[1]} automatic backups"
        return ""


@dataclass(frozen=True)
class AutoBackup:
    """An automatic backup found in the folder, by its file name's time (UTC)."""

    path: Path
    taken_at: datetime
    size: int


@dataclass(frozen=True)
class BackupOutcome:
    """A backup written and read back, and the older ones removed to keep the newest few."""

    path: Path
    taken_at: datetime
    size: int
    check: BackupCheck
    removed: tuple[Path, ...]
    not_removed: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        text = f"Backup written: {self.path} ({self.check.summary})"
        if self.removed:
            text += f"; {len(self.removed)} older automatic backup(s) removed"
        if self.not_removed:
            text += f"; could not remove {self.not_removed[0]}"
        return text


def default_plan(data_dir: Path) -> BackupPlan:
    return BackupPlan(data_dir / BACKUP_FOLDER)


def backup_name(store_path: Path, taken_at: datetime) -> str:
    return f"{store_path.stem}{AUTO}{taken_at.astimezone(UTC).strftime(STAMP)}.db"


def auto_backups(store_path: Path, folder: Path) -> list[AutoBackup]:
    """This store's automatic backups in the folder, newest first (other files are ignored)."""
    pattern = re.compile(re.escape(store_path.stem + AUTO) + r"(\d{8}T\d{6}Z)\.db")
    found = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None:
            continue
        try:
            size = entry.stat().st_size
        except OSError:  # removed meanwhile
            continue
        taken_at = datetime.strptime(match.group(1), STAMP).replace(tzinfo=UTC)
        found.append(AutoBackup(entry, taken_at, size))
    return sorted(found, key=lambda backup: backup.taken_at, reverse=True)


def last_backup(store_path: Path, folder: Path) -> datetime | None:
    found = auto_backups(store_path, folder)
    return found[0].taken_at if found else None


def due(plan: BackupPlan, last_backup_at: datetime | None, now: datetime) -> bool:
    """Enabled, and none yet, or the interval has passed (or the clock went back that far)."""
    if not plan.enabled or plan.problem():
        return False
    if last_backup_at is None:
        return True
    return abs(now - last_backup_at) >= timedelta(hours=plan.every_hours)


def changed_since(store_path: Path, when: datetime) -> bool:
    """Whether the store (or its write-ahead log) was written after `when`."""
    times = []
    for path in (store_path, store_path.with_name(store_path.name + "-wal")):
        try:
            times.append(path.stat().st_mtime)
        except OSError:
            continue
    return not times or max(times) >= when.timestamp()


def run_scheduled_backup(
    store_path: Path, plan: BackupPlan, now: datetime, key: StoreKey | None = None
) -> BackupOutcome:
    """Write `<stem>-auto-<UTC time>.db` in the plan's folder, read it back, then keep only
    this store's newest `keep` automatic backups. A failure raises one readable message,
    and no older backup is removed."""
    from ccassure.services.backup_check import verified_backup

    problem = plan.problem()
    if problem:
        raise ServiceError(f"no backup was written: {problem}")
    try:
        plan.folder.mkdir(exist_ok=True)  # not its parents: a removed drive is not re-created
    except OSError as exc:
        raise ServiceError(
            f"{plan.folder}: cannot use this folder for backups ({exc.strerror}); "
            "choose another in Tools → Backups",
        ) from None
    target = plan.folder / backup_name(store_path, now)
    try:
        check = verified_backup(store_path, target, key)
    except CcassureError as exc:
        raise _not_written(plan, exc) from None
    removed, not_removed = _prune(store_path, plan, keep_also=target)
    return BackupOutcome(
        target, now, target.stat().st_size, check, tuple(removed), tuple(not_removed)
    )


def _not_written(plan: BackupPlan, exc: CcassureError) -> ServiceError:
    text = str(exc)
    if "full" in text:  # SQLITE_FULL: "database or disk is full"
        text = f"{plan.folder}: the disk is out of space; free some, or choose another folder"
    if "no backup was written" not in text:
        text = f"no backup was written: {text}"
    return ServiceError(f"{text} (older backups are kept)", exc.kind)


def _prune(store_path: Path, plan: BackupPlan, keep_also: Path) -> tuple[list[Path], list[str]]:
    removed, not_removed = [], []
    older = [b for b in auto_backups(store_path, plan.folder) if b.path != keep_also]
    for stale in older[plan.keep - 1 :]:
        try:
            stale.path.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            not_removed.append(f"{stale.path.name} ({exc.strerror})")
            continue
        removed.append(stale.path)
    return removed, not_removed
