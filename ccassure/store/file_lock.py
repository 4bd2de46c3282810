"""An advisory lock on the store file: open stores hold it shared; conversions need it alone."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ccassure.store.errors import StoreError

try:
    import fcntl
except ImportError:  # Windows: SQLite's own locks are the only guard there
    fcntl = None  # type: ignore[assignment]


class SharedLock:
    """Held while a program has the store open (flock: separate from SQLite's own locks).

    Refused (StoreError "locked") while another program converts or restores the store:
    what it wrote meanwhile would go to a file about to be replaced."""

    def __init__(self, path: Path | None) -> None:
        self._fd: int | None = None
        if fcntl is None or path is None:
            return
        try:
            self._fd = os.open(path, os.O_RDONLY)
        except OSError:
            return  # no file (yet): nothing to claim
        try:
            fcntl.flock(self._fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            self.release()
            raise StoreError(
                f"{path}: another program is converting or restoring the store; "
                "try again when it has finished",
                "locked",
            ) from None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


@contextmanager
def alone_with(path: Path) -> Iterator[None]:
    """Refuse (StoreError "locked") while any other open store holds the file."""
    if fcntl is None:
        yield
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise StoreError(
                f"{path}: the store is open in another program (perhaps the app); "
                "close it and try again",
                "locked",
            ) from None
        yield
    finally:
        os.close(fd)
