"""Error dialogs: known problems say what to do; anything else shows where the log is."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from ccassure.domain.errors import CcassureError

LOG_FILE = "ccassure.log"
ADVICE = {
    "locked": (
        "The store is in use",
        "Another program (or another ccassure window) is writing to this store. Close "
        "it and try again. Nothing you typed has been lost.",
    ),
    "newer": (
        "This store needs a newer ccassure",
        "The store was written by a newer version of ccassure. Update ccassure to open "
        "it; the file has not been changed.",
    ),
    "damaged": (
        "The store is damaged",
        "The store file cannot be read. Restore it from a backup with "
        "'ccassure restore BACKUP' (the damaged file is kept), or open another store.",
    ),
    "not_a_store": (
        "That file is not a ccassure store",
        "Choose a store file created by ccassure, or create a new store.",
    ),
    "missing": ("Not found", "It may have been moved or deleted."),
    "disk_full": (
        "The disk is full",
        "Free some disk space, then try again. Your last change was not saved; "
        "everything before it is safe.",
    ),
    "tampered": (
        "The audit trail was changed outside ccassure",
        "Nothing was saved. Check the trail (Audit trail… → Verify trail) to see where it "
        "was changed, then restore the store from a backup (Tools → Backups).",
    ),
    "keyring": (
        "The keyring is not available",
        "Your signing keys live in the system keyring, which is locked or not running. "
        "Unlock it (or log in again) and try again.",
    ),
}


def setup_log(log_dir: Path) -> Path:
    """A rotating log under the data directory; returns its path."""
    import logging.handlers

    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILE
    logger = logging.getLogger("ccassure")
    if not any(isinstance(h, logging.handlers.RotatingFileHandler) for h in logger.handlers):
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    return path


def advice_for(error: BaseException) -> tuple[str, str] | None:
    if isinstance(error, CcassureError):
        kind = "disk_full" if "disk is full" in str(error) else error.kind
        title, text = ADVICE.get(kind, ("That could not be done", ""))
        return title, f"{error}\n\n{text}".strip()
    if isinstance(error, OSError) and error.errno == 28:  # ENOSPC
        return ADVICE["disk_full"]
    return None


def show_error(parent: QWidget | None, error: BaseException, log_path: Path) -> QMessageBox:
    """Open a window-modal dialog without blocking the event loop; return it for tests."""
    setup_log(log_path.parent)
    known = advice_for(error)
    box = QMessageBox(parent)
    if known:
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(known[0])
        box.setText(known[0])
        box.setInformativeText(known[1])
    else:
        logging.getLogger("ccassure").error(
            "unexpected error\n%s", "".join(traceback.format_exception(error))
        )
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("Something went wrong")
        box.setText(
            "Something unexpected went wrong. ccassure is still running and nothing "
            "you have typed has been lost."
        )
        box.setInformativeText(
            f"{error.__class__.__name__}: {error}\n\nThe details are in the log file:\n{log_path}"
        )
    box.setAccessibleName(box.windowTitle())
    box.setAccessibleDescription(box.informativeText())
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.open()
    return box
