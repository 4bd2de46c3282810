"""Exporting an accessibility assessment's issue log to CSV or XLSX, whole or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ccassure.domain.issue_records import IssueLog, IssueLogEntry
from ccassure.services.errors import ServiceError
from ccassure.store.issue_rows import IssueLogReader
from ccassure.store.store import Store

Progress = Callable[[int, int], None]  # (issues written, issues in all); raise to cancel
Writer = Callable[[Iterable[IssueLogEntry], Path], int]
FORMATS = ("csv", "xlsx")
PROGRESS_EVERY = 1000
_KIND_NAMES = {"dpia": "a DPIA", "eia": "an EIA", "environmental": "an environmental assessment"}


class IssueExportService:
    """The issue log for suppliers; used by the command line and the desktop app."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def export_issues(
        self,
        assessment_id: int,
        fmt: str,
        path: Path,
        force: bool = False,
        progress: Progress | None = None,
    ) -> int:
        """Write the issues of one accessibility assessment to `path`; returns how many.

        The file appears whole or not at all (a temporary file beside it, then a rename);
        an existing file is replaced only with force. `progress` is called every
        PROGRESS_EVERY issues; an exception it raises cancels the export."""
        if fmt not in FORMATS:
            raise ServiceError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
        summary = self.store.reader().summary(assessment_id)
        if summary is None:
            raise ServiceError(f"no assessment with id {assessment_id}", "missing")
        if summary.kind != "accessibility":
            kind = _KIND_NAMES.get(summary.kind, f"a {summary.kind} assessment")
            raise ServiceError(
                f"assessment {assessment_id} is {kind}, not an accessibility assessment; "
                "only accessibility assessments have an issue log"
            )
        path = Path(path)
        check_target(self.store.path, path, force)
        writer = _writer(fmt)
        with IssueLogReader(self.store.reader()).snapshot(assessment_id) as log:
            entries = _reporting(log, progress)
            return write_whole(path, lambda temporary: writer(entries, temporary))


def check_target(store: Path, path: Path, force: bool) -> None:
    """Refuse a missing folder, a folder, the store itself, or an existing file without force."""
    folder = path.parent
    if not folder.exists():
        raise ServiceError(f"{folder}: no such folder", "missing")
    if not folder.is_dir():
        raise ServiceError(f"{folder}: is not a folder")
    if path.is_dir():
        raise ServiceError(f"{path}: is a folder; give a file name")
    store = store.resolve()
    if path.resolve() in (store, Path(f"{store}-wal"), Path(f"{store}-shm")):
        raise ServiceError(f"{path}: is the store itself; choose another file")
    if (path.exists() or path.is_symlink()) and not force:
        raise ServiceError(f"{path}: already exists; use --force to replace it", "exists")


def _writer(fmt: str) -> Writer:
    """Imported on first use: openpyxl must not slow the start of every command."""
    from ccassure.interop import issue_export

    return issue_export.write_xlsx if fmt == "xlsx" else issue_export.write_csv


def _reporting(log: IssueLog, progress: Progress | None) -> Iterator[IssueLogEntry]:
    if progress is None:
        yield from log.entries
        return
    progress(0, log.total)
    done = 0
    for entry in log.entries:
        yield entry
        done += 1
        if done % PROGRESS_EVERY == 0:
            progress(done, log.total)
    progress(done, log.total)


def write_whole(path: Path, write: Callable[[Path], int]) -> int:
    """Write a temporary file in the target's folder, flush it to disk, then rename it over
    the target: a reader sees the old file or the new one, never half of one."""
    folder = path.parent
    try:
        handle, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
    except PermissionError:
        raise ServiceError(f"{folder}: you do not have permission to write there") from None
    except OSError as exc:
        raise ServiceError(f"{folder}: cannot write there ({exc.strerror})") from None
    os.close(handle)
    temporary = Path(name)
    try:
        count = write(temporary)
        _flush_to_disk(temporary)
        temporary.replace(path)  # atomic (os.replace)
    except PermissionError:
        temporary.unlink(missing_ok=True)
        raise ServiceError(f"{path}: you do not have permission to write it") from None
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ServiceError(f"{path}: cannot be written ({exc.strerror or exc})") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _flush_folder(folder)
    return count


def _flush_to_disk(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _flush_folder(folder: Path) -> None:
    """Make the rename durable too (POSIX; a no-op where folders cannot be opened)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(handle)
    finally:
        os.close(handle)
