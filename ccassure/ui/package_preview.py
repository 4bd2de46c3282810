"""A verified review package's preview: sender, what will change, and the conflicts to choose."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ccassure.domain.merge import COMMENT_FIELDS, Change, Choice, shown
from ccassure.ui.a11y import announce, name
from ccassure.ui.layouts import FocusFrameDelegate
from ccassure.ui.package_conflicts import ConflictList, field_label

if TYPE_CHECKING:
    from ccassure.services.package_results import PackagePreview

VALUE_CHARS = 100  # of a value in the table; the conflict list shows more
COLUMNS = ("Field", "As last exchanged", "Mine", "Theirs", "Action")
ACTIONS = {
    "take_remote": "Take theirs (only they changed it)",
    "keep_local": "Keep mine (only I changed it)",
    "conflict": "Conflict: choose below",
}


def sender_text(preview: PackagePreview) -> str:
    fingerprint = " ".join(
        preview.sender_fingerprint[i : i + 4] for i in range(0, len(preview.sender_fingerprint), 4)
    )
    sealed = "encrypted" if preview.encrypted else "not encrypted"
    text = (
        f"From {preview.sender}, trusted in this store (certificate fingerprint "
        f"{fingerprint}). Packed {preview.created_at.replace('T', ' ')}; {sealed}; "
        "its signature verifies."
    )
    return text + (f"\nNote from {preview.sender}: {preview.note}" if preview.note else "")


def remaining_text(count: int) -> str:
    if not count:
        return "Every conflict is chosen: Apply merges the package."
    return f"{count} conflict{'s' if count != 1 else ''} still to choose"


def additions(preview: PackagePreview, prompts: Mapping[str, str]) -> list[str]:
    """Sign-offs that arrive, then reviewers' comments that arrive with changed fields."""
    lines = [
        f"Sign-off: {s.role} — {s.decision.replace('_', ' ')} by {s.name}"
        + (f": {s.notes}" if s.notes else "")
        for s in preview.signoffs
    ]
    plan = preview.plan
    for change in plan.changes if plan else ():
        if change.field in COMMENT_FIELDS and change.outcome != "keep_local" and change.remote:
            lines.append(f"{field_label(change, prompts)}: {shown(change.remote)}")
    return lines


class PackagePreviewDialog(QDialog):
    """What unpacking would do; Apply stays off until every conflict has a choice."""

    def __init__(
        self,
        preview: PackagePreview,
        prompts: Mapping[str, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.preview, self.prompts = preview, prompts or {}
        header = preview.remote.assessment
        heading = f"Review package: {header.title}, version {header.version}"
        self.setWindowTitle(heading)
        name(self, "Review package", f"{preview.message()} {sender_text(preview)}")
        outer = QVBoxLayout(self)
        title = QLabel(f"<b>{html.escape(heading)}</b>")  # seen even with no title bar
        title.setWordWrap(True)
        outer.addWidget(title)
        # Everything between the heading and the buttons scrolls as one page, so that large
        # text makes it longer rather than squeezing the table and the conflicts.
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        for text in (preview.message(), sender_text(preview)):
            label = QLabel(text)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
            layout.addWidget(label)
        changes = preview.plan.changes if preview.plan else ()
        self.table = self._changes_table(changes)
        table_label = QLabel("What will change:")
        table_label.setVisible(bool(changes))
        layout.addWidget(table_label)
        layout.addWidget(self.table, 1)
        self.added = QListWidget()
        self.added.addItems(additions(preview, self.prompts))
        self.added.setWordWrap(True)
        lines = self.fontMetrics().lineSpacing()
        self.added.setFixedHeight(min(self.added.count(), 5) * (lines + 8) + 2 * lines)
        name(self.added, "Sign-offs and comments to add", "What the reviewer adds to this store")
        self.added_label = QLabel("Sign-offs and comments to add:")
        layout.addWidget(self.added_label)
        layout.addWidget(self.added)
        self.added_label.setVisible(self.added.count() > 0)
        self.added.setVisible(self.added.count() > 0)
        self.conflicts = ConflictList(preview.conflicts, self.prompts)
        layout.addWidget(self._conflict_box())
        self.page = QScrollArea()
        self.page.setWidget(body)
        self.page.setWidgetResizable(True)
        self.page.setFrameShape(QScrollArea.Shape.NoFrame)
        self.page.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the controls inside
        name(self.page, "Package preview")
        outer.addWidget(self.page, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        name(self.status, "Package status", "What applying the package is doing, or why not")
        outer.addWidget(self.status)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.apply_button.setText("&Apply")
        name(self.apply_button, "Apply", "Take a backup of the store, then merge the package")
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        name(self.cancel_button, "Cancel", "Close; nothing in the store changes")
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        self.running = False
        self.conflicts.changed.connect(self._choices_changed)
        self._choices_changed(announcing=False)
        self._fit_to_screen()
        first = self.conflicts.combos[0] if self.conflicts.combos else None
        self.first_focus = first or (self.table if changes else self.apply_button)
        self.first_focus.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.page.isAncestorOf(self.first_focus):  # in sight once laid out
            QTimer.singleShot(0, lambda: self.page.ensureWidgetVisible(self.first_focus))

    def _changes_table(self, changes: tuple[Change, ...]) -> QTableWidget:
        table = QTableWidget(len(changes), len(COLUMNS))
        table.setHorizontalHeaderLabels(COLUMNS)
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setTabKeyNavigation(False)
        table.setWordWrap(True)
        table.setItemDelegate(FocusFrameDelegate(table))
        for row, change in enumerate(changes):
            values = (shown(v, VALUE_CHARS) for v in (change.base, change.local, change.remote))
            cells = (field_label(change, self.prompts), *values)
            for column, text in enumerate((*cells, ACTIONS[change.outcome])):
                table.setItem(row, column, QTableWidgetItem(text))
        heading = f"What will change: {len(changes)} field{'s' if len(changes) != 1 else ''}"
        name(table, heading, "Each field that differs: as last exchanged, mine, theirs, action")
        columns = table.horizontalHeader()
        for column in range(len(COLUMNS) - 1):
            columns.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        columns.resizeSection(len(COLUMNS) - 1, self.fontMetrics().averageCharWidth() * 24)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.setMinimumHeight(self.fontMetrics().lineSpacing() * 16)
        table.setVisible(bool(changes))
        if changes:
            table.setCurrentCell(0, 0)
        return table

    def _conflict_box(self) -> QGroupBox:
        box = QGroupBox("Conflicts: both sides changed these; choose for each")
        name(box, "Conflicts")
        column = QVBoxLayout(box)
        self.remaining = QLabel()
        self.remaining.setTextFormat(Qt.TextFormat.PlainText)
        name(self.remaining, "Conflicts still to choose")
        self.keep_all = QPushButton("Keep &mine for all")
        name(self.keep_all, "Keep mine for all", "Keep this store's value in every conflict")
        self.take_all = QPushButton("Take &theirs for all")
        name(self.take_all, "Take theirs for all", "Take the package's value in every conflict")
        self.keep_all.clicked.connect(lambda: self.conflicts.choose_all("mine"))
        self.take_all.clicked.connect(lambda: self.conflicts.choose_all("theirs"))
        row = QHBoxLayout()
        row.addWidget(self.remaining, 1)
        row.addWidget(self.keep_all)
        row.addWidget(self.take_all)
        column.addLayout(row)
        column.addWidget(self.conflicts)
        box.setVisible(bool(self.conflicts.conflicts))
        return box

    def _fit_to_screen(self) -> None:
        chars, lines = self.fontMetrics().averageCharWidth(), self.fontMetrics().lineSpacing()
        width, height = chars * 150, lines * 44
        screen = self.screen() or QApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            width, height = min(width, area.width() * 9 // 10), min(height, area.height() * 9 // 10)
        self.resize(width, height)

    def choices(self) -> dict[str, Choice]:
        return self.conflicts.choices()

    def _choices_changed(self, announcing: bool = True) -> None:
        left = self.conflicts.remaining()
        self.remaining.setText(remaining_text(left))
        plan = self.preview.plan
        ready = plan is None or (plan.changes_anything and not left)
        self.apply_button.setEnabled(ready and not self.running)
        if plan is not None and not plan.changes_anything:
            self.say("Nothing new: this store already has everything in the package.")
        self._actions_shown()
        if announcing:
            announce(self.remaining, remaining_text(left))

    def _actions_shown(self) -> None:
        """The table's Action column says what was chosen for each conflict."""
        plan = self.preview.plan
        for row, change in enumerate(plan.changes if plan else ()):
            if change.outcome == "conflict":
                chosen = self.conflicts.choice_text(change.key)
                text = f"Conflict: {chosen.lower()}" if chosen else ACTIONS["conflict"]
                item = self.table.item(row, len(COLUMNS) - 1)
                if item is not None:
                    item.setText(text)

    def say(self, message: str, assertive: bool = False) -> None:
        self.status.setText(message)
        announce(self.status, message, assertive=assertive)

    def busy(self, running: bool) -> None:
        """While merging nothing can be changed; the merge is whole and ends in a moment."""
        self.running = running
        for widget in (self.cancel_button, self.keep_all, self.take_all, *self.conflicts.combos):
            widget.setEnabled(not running)
        self._choices_changed(announcing=False)

    def reject(self) -> None:
        if self.running:
            self.say("The package is being applied; it finishes in a moment.")
            return
        super().reject()
