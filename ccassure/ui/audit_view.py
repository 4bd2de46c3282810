"""An assessment's audit trail in a window: who changed what, when, old -> new; and a check."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ccassure.domain.audit_trail import AuditEntry, AuditVerdict, value_text
from ccassure.ui.a11y import announce, name

if TYPE_CHECKING:
    from ccassure.services.context import Context
    from ccassure.ui.main_window import MainWindow

AUDIT_KEY = "Ctrl+Shift+A"
COLUMNS = ("When (UTC)", "Who", "What", "Field", "Old value", "New value")
SHOWN = 5_000  # the newest changes shown; the CLI's `audit show` lists any number


def audit_button(clicked: Callable[[], None], page: QWidget) -> QPushButton:
    """The assessment page's "Audit trail…" button, and its shortcut while the page has focus."""
    button = QPushButton("Audit t&rail…")
    name(
        button, "Audit trail", f"Every change to this version: who, when, old and new ({AUDIT_KEY})"
    )
    button.clicked.connect(clicked)
    shortcut = QShortcut(QKeySequence(AUDIT_KEY), page)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shortcut.activated.connect(button.click)
    return button


def entry_cells(entry: AuditEntry) -> list[str]:
    """One row of the table, as read aloud: a thing added or removed says so in Field."""
    when = entry.at[:19].replace("T", " ")
    if entry.entity is None:
        return [when, entry.actor or "unknown", entry.action, "", "", ""]
    field = entry.field or ("added" if entry.old is None else "removed")
    what = f"{entry.what()} ({entry.action})"
    return [
        when,
        entry.actor or "unknown",
        what,
        field,
        value_text(entry.old),
        value_text(entry.new),
    ]


class AuditTrailWindow(QDialog):
    """The trail of one assessment version, newest first, read in the background."""

    def __init__(self, window: MainWindow, context: Context, assessment_id: int) -> None:
        super().__init__(window)
        self.window_, self.context, self.assessment_id = window, context, assessment_id
        self.setWindowTitle(f"Audit trail of assessment {assessment_id}")
        name(self, "Audit trail", "Every recorded change to this assessment version")
        layout = QVBoxLayout(self)
        self.heading = QLabel(f"<b>Audit trail of assessment {assessment_id}</b>")
        layout.addWidget(self.heading)
        self.status = QLabel("Reading the trail…")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        name(self.status, "Reading the trail…", "What the window is doing, or the verdict")
        layout.addWidget(self.status)
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(COLUMNS))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        name(self.table, "Changes, newest first", "When, who, what, field, old value, new value")
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox()
        self.verify_button = buttons.addButton(
            "&Verify trail", QDialogButtonBox.ButtonRole.ActionRole
        )
        name(self.verify_button, "Verify trail", "Recompute the hash chain of the whole trail")
        self.verify_button.clicked.connect(self.verify)
        self.close_button = buttons.addButton("&Close", QDialogButtonBox.ButtonRole.RejectRole)
        name(self.close_button, "Close", "Close the audit trail (Esc)")
        self.close_button.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(1000, 600)
        self.load()

    def load(self) -> None:
        audit, ident = self.context.audit, self.assessment_id

        def work(_control: object) -> tuple[list[AuditEntry], int]:
            return audit.trail(ident, SHOWN), audit.count(ident)

        self.window_.runner.run("read the audit trail", work, self._loaded, self._failed)

    def _loaded(self, found: tuple[list[AuditEntry], int]) -> None:
        entries, total = found
        self.model.removeRows(0, self.model.rowCount())
        for entry in entries:
            cells = [QStandardItem(text) for text in entry_cells(entry)]
            for cell in cells:
                cell.setEditable(False)
            self.model.appendRow(cells)
        self.table.resizeColumnsToContents()
        for column in range(3, len(COLUMNS)):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 280))
        shown = f"the newest {len(entries):,} of " if total > len(entries) else ""
        self._say(f"{shown}{total:,} changes, newest first." if total else "No changes recorded.")
        if entries:
            self.table.setCurrentIndex(self.model.index(0, 0))
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def verify(self) -> None:
        self.verify_button.setEnabled(False)
        self._say("Verifying the whole trail…")
        audit = self.context.audit
        self.window_.runner.run(
            "verify the audit trail", lambda _c: audit.verify(), self._verified, self._failed
        )

    def _verified(self, verdict: AuditVerdict) -> None:
        self.verify_button.setEnabled(True)
        self._say(verdict.message(), assertive=not verdict.intact)

    def _failed(self, error: BaseException) -> None:
        self.verify_button.setEnabled(True)
        self._say(f"The audit trail could not be read: {error}")
        self.window_.report(error)

    def _say(self, message: str, assertive: bool = False) -> None:
        self.status.setText(message[:1].upper() + message[1:])
        self.status.setAccessibleName(self.status.text())
        announce(self.status, self.status.text(), assertive)


def open_audit_trail(window: MainWindow, assessment_id: int) -> AuditTrailWindow | None:
    if window.context is None:
        window.say("Open a store first.")
        return None
    found = AuditTrailWindow(window, window.context, assessment_id)
    found.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    found.show()
    found.raise_()
    found.activateWindow()
    return found
