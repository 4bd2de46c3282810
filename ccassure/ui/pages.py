"""The main area's other pages: an assessment with its workflow steps, and a list of items."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt, Signal, SignalInstance
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ccassure.domain.summary import ItemPage
from ccassure.domain.workflow import EDITABLE
from ccassure.ui.a11y import name
from ccassure.ui.audit_view import audit_button
from ccassure.ui.export_dialog import EXPORT_KEY
from ccassure.ui.layouts import FocusFrameDelegate
from ccassure.ui.models import ROW_ROLE, Fetch, ItemsModel

HEADINGS = {
    "issues": ["Ref", "Issue", "Severity", "Status", "Criterion", "Assistive tech", "Screen"],
    "risks": ["Ref", "Risk", "Residual", "Owner"],
    "actions": ["Ref", "Action", "Owner", "Due", "Status", "Assessment"],
    "all_actions": ["Ref", "Action", "Owner", "Due", "Status", "Component", "Assessment"],
    "evidence": ["Item", "Assessment", "Expires"],
    "reviews": ["Version", "Assessment", "Kind", "Status", "Review due"],
    "assessments": ["Version", "Assessment", "Kind", "Status", "Review due"],
    "find": ["Where", "Text", "Found in", "Assessment"],
}


def item_table(model: ItemsModel, label: str, description: str) -> QTableView:
    """A read-only, row-selecting list of items with a visible focus ring; Enter activates."""
    view = QTableView()
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setTabKeyNavigation(False)
    view.setItemDelegate(FocusFrameDelegate(view))
    view.setWordWrap(True)
    name(view, label, description)
    return view


SIGNOFF_KEY = "Ctrl+Shift+S"


def signoff_button(clicked: Callable[[], None], page: QWidget) -> QPushButton:
    """The assessment page's "Sign off…" button, and its shortcut while the page has focus."""
    button = QPushButton("Sign &off…")
    name(
        button,
        "Sign off",
        f"Sign off this version in one of its roles with your identity ({SIGNOFF_KEY})",
    )
    button.clicked.connect(clicked)
    button.hide()
    shortcut = QShortcut(QKeySequence(SIGNOFF_KEY), page)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shortcut.activated.connect(lambda: button.click() if button.isVisible() else None)
    return button


class _Page(QWidget):
    back = Signal()

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_ = QVBoxLayout(self)
        self.back_button = QPushButton("← &Back")
        name(self.back_button, "Back", "Return to the page you came from (Ctrl+1: the dashboard)")
        self.back_button.clicked.connect(self.back.emit)
        self.layout_.addWidget(self.back_button, alignment=Qt.AlignmentFlag.AlignLeft)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.layout_.addWidget(self.heading)
        name(self, label)


@dataclass(frozen=True)
class ShownAssessment:
    """What the assessment page shows: the document, and what its status allows."""

    assessment_id: int
    title: str
    html: str
    status: str = ""
    version: int = 1
    latest_version: int = 1


class AssessmentPage(_Page):
    """The whole document, escaped, in a read-only browser, with the steps its status allows."""

    edit = Signal(int)
    sign_off = Signal(int)
    withdraw = Signal(int)
    new_version = Signal(int)
    export = Signal(int)
    audit = Signal(int)
    pack = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Assessment", parent)
        self.heading.hide()
        self.assessment_id = 0
        self.edit_button = QPushButton("Edit &answers")
        self.edit_button.clicked.connect(lambda: self.edit.emit(self.assessment_id))
        self.signoff_button = signoff_button(lambda: self.sign_off.emit(self.assessment_id), self)
        self.withdraw_button = self._button(
            "With&draw from review",
            "Withdraw from review",
            "Take this version back to a draft so that it can be edited again",
            self.withdraw,
        )
        self.new_version_button = self._button(
            "Start &new version",
            "Start new version",
            "Copy this approved version into a new draft; this version stays sealed",
            self.new_version,
        )
        self.export_button = self._button(
            "E&xport report…",
            "Export report",
            f"Write this version's report as PDF (signed or not), HTML or JSON ({EXPORT_KEY})",
            self.export,
        )
        self.audit_button = audit_button(lambda: self.audit.emit(self.assessment_id), self)
        self.pack_button = self._button(
            "Send for rev&iew…",
            "Send for review",
            "Write this version to a signed review package for a reviewer (Ctrl+Shift+R)",
            self.pack,
        )
        row = QHBoxLayout()
        for button in (
            self.edit_button,
            self.signoff_button,
            self.withdraw_button,
            self.new_version_button,
            self.export_button,
            self.audit_button,
            self.pack_button,
        ):
            row.addWidget(button)
        row.addStretch(1)
        self.layout_.addLayout(row)
        self.view = QTextBrowser()
        self.view.setOpenLinks(False)
        self.view.setTabChangesFocus(True)
        name(self.view, "Assessment document", "The assessment, read-only")
        self.layout_.addWidget(self.view, 1)
        self.focus_target = self.view
        self._edit_offered(True)

    def _button(
        self, text: str, label: str, description: str, signal: SignalInstance
    ) -> QPushButton:
        button = QPushButton(text)
        name(button, label, description)
        button.clicked.connect(lambda: signal.emit(self.assessment_id))
        return button

    def _edit_offered(self, editable: bool) -> None:
        """Edit for a draft; for a version in review or sealed, only a read-only look."""
        if editable:
            text, description = "Edit &answers", "Answer the checklist; every change is saved"
        else:
            text, description = "View &answers", "The checklist in the editor, read-only"
        self.edit_button.setText(text)
        self.edit_button.setAccessibleName(text.replace("&", ""))
        self.edit_button.setAccessibleDescription(description)
        self.edit_button.setToolTip(description)

    def show_assessment(self, shown: ShownAssessment) -> None:
        self.assessment_id = shown.assessment_id
        status = shown.status
        self._edit_offered(status in EDITABLE or not status)
        self.signoff_button.setVisible(status == "in_review")  # only a version in review
        self.withdraw_button.setVisible(status == "in_review")
        revisable = status == "approved" and shown.version == shown.latest_version
        self.new_version_button.setVisible(revisable)
        if revisable:
            following = shown.version + 1
            self.new_version_button.setText(f"Start &new version {following}")
            self.new_version_button.setAccessibleName(f"Start new version {following}")
            self.new_version_button.setAccessibleDescription(
                f"Copy this approved version into version {following}, a draft to edit; "
                f"version {shown.version} stays sealed"
            )
        self.view.setHtml(shown.html)
        name(self.view, f"Assessment document: {shown.title}", "The assessment, read-only")


class ItemsPage(_Page):
    """A list behind a dashboard figure or a search; Enter opens the item's assessment."""

    open_assessment = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Items", parent)
        self.model = ItemsModel(HEADINGS["issues"])
        self.view = item_table(
            self.model, "Items", "Enter opens the assessment that holds the selected item"
        )
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.activated.connect(self._activated)
        # Rows grow to their wrapped text, a page at a time (never all 100,000 at once).
        self.model.rowsInserted.connect(lambda _parent, first, last: self._fit_rows(first, last))
        self.layout_.addWidget(self.view, 1)
        self.focus_target = self.view

    def show_items(self, what: str, title: str, first: ItemPage, fetch: Fetch) -> None:
        self.model.reset(HEADINGS.get(what, HEADINGS["issues"]), fetch, first)
        shown = f"{first.total:,} item{'s' if first.total != 1 else ''}"
        self.heading.setText(f"{title} — {shown}")
        name(self.view, f"{title}: {shown}", "Enter opens the assessment that holds the item")
        self.fit_columns()
        self._fit_rows(0, self.model.rowCount() - 1)
        if first.total:
            self.view.setCurrentIndex(self.model.index(0, 0))

    def fit_columns(self) -> None:
        self.view.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            self.view.setColumnWidth(column, min(self.view.columnWidth(column), 420))

    def _fit_rows(self, first: int, last: int) -> None:
        for row in range(first, last + 1):
            self.view.resizeRowToContents(row)

    def _activated(self, index: QModelIndex) -> None:
        ident = self.model.data(index, ROW_ROLE)
        if ident is not None:
            self.open_assessment.emit(int(ident))
