"""Pieces the dialogs share: heading, signer list, status line, buttons, table, target file."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QWidget,
)

from ccassure.domain.errors import CcassureError
from ccassure.ui.a11y import name

if TYPE_CHECKING:
    from ccassure.services.identities import IdentityView
    from ccassure.ui.main_window import MainWindow


def heading_label(heading: str) -> QLabel:
    """The dialog's title in bold inside it: seen even where windows have no title bar."""
    title = QLabel(f"<b>{html.escape(heading)}</b>")
    title.setWordWrap(True)
    return title


def identity_combo(identities: Sequence[IdentityView]) -> tuple[QComboBox, set[str]]:
    """Each identity as "name — role (where its key is)"; and those whose key is a file."""
    from ccassure.services.identities import KEY_FILE

    combo = QComboBox()
    for view in identities:
        where = "key file" if view.key == KEY_FILE else "OS keyring"
        combo.addItem(f"{view.name} — {view.role} ({where})", view.fingerprint)
    return combo, {view.fingerprint for view in identities if view.key == KEY_FILE}


def status_label(accessible: str, description: str = "") -> QLabel:
    """Where the dialog says what it is doing, as plain text (never markup from a message)."""
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    name(label, accessible, description)
    return label


def read_only_table(headings: Sequence[str], accessible: str, description: str) -> QTableWidget:
    """A list to read and choose one row from: whole rows, no editing, Tab leaves it."""
    table = QTableWidget(0, len(headings))
    table.setHorizontalHeaderLabels(list(headings))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.horizontalHeader().setStretchLastSection(True)
    name(table, accessible, description)
    return table


def ok_cancel(
    ok_text: str, ok_accessible: str, ok_description: str, cancel_description: str
) -> tuple[QDialogButtonBox, QPushButton, QPushButton]:
    """The dialog's buttons, the OK one renamed for what it does."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    name(ok, ok_accessible, ok_description)
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    name(cancel, "Cancel", cancel_description)
    return buttons, ok, cancel


class WritesAFile(Protocol):
    """A dialog that names a file to write (the export and the pack dialogs)."""

    file: QLineEdit
    confirm_replace: Callable[[QWidget, Path], bool]

    def problem_found(self) -> str: ...
    def path(self) -> Path | None: ...
    def say(self, message: str, assertive: bool = False) -> None: ...


def checked_target(dialog: WritesAFile) -> Path | None:
    """The file to write once the dialog has nothing to put right and, if the file exists,
    replacing it was confirmed; else None, with the reason said and focus where it lies."""
    problem = dialog.problem_found()
    path = dialog.path()
    if problem or path is None:
        dialog.say(problem, assertive=True)
        return None
    if path.exists() and not dialog.confirm_replace(cast(QWidget, dialog), path):
        dialog.file.setFocus()
        dialog.say(f"{path.name} was kept; give another file name.", assertive=True)
        return None
    return path


class Says(Protocol):
    def say(self, message: str, assertive: bool = False) -> None: ...


def known_failure(
    window: MainWindow, dialog: Says | None, error: BaseException
) -> CcassureError | None:
    """A dialog's task failed (the dialog is already usable again): an unexpected error, or
    one with no dialog left to say it in, is reported by the window (None); a known one is
    returned for the dialog to explain."""
    if dialog is None or not isinstance(error, CcassureError):
        window.report(error)
        return None
    return error


def say_in_both(window: MainWindow, dialog: Says, message: str) -> None:
    """Said in the dialog (assertively: something went wrong) and in the window's status."""
    dialog.say(message, assertive=True)
    window.say(message)
