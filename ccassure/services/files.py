"""Reading a file into an attachment (with progress) and writing one back out unchanged."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from pathlib import Path

from ccassure.domain.document import Attachment
from ccassure.services.errors import ServiceError

MAX_ATTACHMENT_BYTES = 200 * 1024 * 1024
CHUNK = 1024 * 1024


def read_file(
    path: Path,
    limit: int,
    what: str,
    progress: Callable[[int], None] = lambda _p: None,
    cancelled: Callable[[], bool] = lambda: False,
) -> bytes:
    """A file's bytes, read in chunks with progress (0–100); one readable message for a
    missing, unreadable, special or too large (for `what`) file."""
    try:
        if not path.is_file():
            raise ServiceError(
                f"{path}: no such file" if not path.exists() else f"{path}: not a regular file",
                "missing",
            )
        size = path.stat().st_size
        if size > limit:
            raise ServiceError(
                f"{path}: too large {what} ({size // 2**20} MiB; the limit is {limit // 2**20} MiB)"
            )
        chunks, done = [], 0
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                if cancelled():
                    raise ServiceError("reading was cancelled", "cancelled")
                chunks.append(chunk)
                done += len(chunk)
                progress(100 * done // max(size, 1))
    except PermissionError:
        raise ServiceError(f"{path}: you do not have permission to read it") from None
    except OSError as exc:
        raise ServiceError(f"{path}: cannot be read ({exc.strerror})") from None
    return b"".join(chunks)


def read_attachment(
    path: Path,
    progress: Callable[[int], None] = lambda _p: None,
    cancelled: Callable[[], bool] = lambda: False,
) -> Attachment:
    """A file as an attachment: its bytes, SHA-256 and media type."""
    data = read_file(path, MAX_ATTACHMENT_BYTES, "to attach", progress, cancelled)
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Attachment.of(path.name, media_type, data)


def write_attachment(attachment: Attachment, path: Path) -> None:
    """Save the stored bytes to a new file (never over an existing one)."""
    try:
        with path.open("xb") as handle:
            handle.write(attachment.data())
    except FileExistsError:
        raise ServiceError(f"{path}: already exists; choose a new file name", "exists") from None
    except OSError as exc:
        raise ServiceError(f"{path}: cannot be written ({exc.strerror})") from None


def opened_copy(attachment: Attachment, folder: Path) -> Path:
    """A private copy to open in the system's viewer: <folder>/<sha256 prefix>/<name>, readable
    only by the user, written once (the same bytes are the same file)."""
    safe_name = Path(attachment.name.replace("\\", "/")).name.lstrip(".") or "attachment"
    target = folder / attachment.sha256[:16] / safe_name
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.chmod(0o700)
        if not target.is_file() or target.read_bytes() != attachment.data():
            target.unlink(missing_ok=True)
            with target.open("xb") as handle:
                handle.write(attachment.data())
            target.chmod(0o600)
    except OSError as exc:
        raise ServiceError(f"{target}: cannot be written ({exc.strerror})") from None
    return target


def clear_opened(folder: Path) -> None:
    """Remove the copies opened in this or an earlier session."""
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
