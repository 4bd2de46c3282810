"""One issue in its own window: every field, status, screenshots and retests; autosaved."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ccassure.domain.document import Issue
from ccassure.ui.a11y import announce, name
from ccassure.ui.issue_dialogs import OUTCOMES, QUICK_CAPTIONS, note_label, status_combo
from ccassure.ui.issue_fields import IssueFields
from ccassure.ui.record_panel import record_table

# as in quick add, but Alt+U is the issue window's own
DETAIL_CAPTIONS = {**QUICK_CAPTIONS, "actual": "Actua&l result"}
RETEST_COLUMNS = ("Tested on", "Result", "Tester", "Assistive technology", "Notes")
OUTCOME_LABELS = dict(OUTCOMES)


class IssueDialog(QDialog):
    """Changes are saved as they are made (through the write worker); Esc closes."""

    changed = Signal(object)  # the Issue as edited (valid)
    paste_screenshot = Signal(str)  # ref
    open_screenshot = Signal(str)  # SHA-256
    retest = Signal(str)  # ref

    def __init__(
        self,
        issue: Issue,
        known: Mapping[str, str],
        names: Mapping[str, str],
        editable: bool,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.issue, self.names, self.editable = issue, dict(names), editable
        self.setWindowTitle(f"Issue {issue.ref}")
        name(self, f"Issue {issue.ref}", "Every change is saved as it is made; Esc closes")
        outer = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        outer.addWidget(self.heading)
        body = QWidget()
        layout = QVBoxLayout(body)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.fields = IssueFields(known, multiline=True, parent=body)
        self.fields.add_rows(form, DETAIL_CAPTIONS)
        self.status = status_combo()
        self.reason = QLineEdit()
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setMaximumHeight(self.description.fontMetrics().height() * 6)
        self.found_on = QLineEdit()
        self.found_on.setPlaceholderText("YYYY-MM-DD")
        for caption, widget, hint in (
            ("Stat&us", self.status, ""),
            ("Reason for the status", self.reason, "Needed for won't fix"),
            ("&Description", self.description, ""),
            ("&Found on", self.found_on, "A date as YYYY-MM-DD"),
        ):
            label = QLabel(caption + ":")
            label.setBuddy(widget)
            name(widget, caption.replace("&", ""), hint)
            form.addRow(label, widget)
        layout.addLayout(form)
        layout.addLayout(self._screenshots())
        layout.addLayout(self._retests())
        scroller = QScrollArea()
        scroller.setWidgetResizable(True)
        scroller.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroller.setWidget(body)
        outer.addWidget(scroller, 1)
        self.note = note_label(self, "Issue status")
        outer.addWidget(self.note)
        close = QPushButton("Close")
        name(close, "Close", "Esc; every change is already saved")
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        outer.addWidget(close, alignment=Qt.AlignmentFlag.AlignRight)
        self._commit_timer = QTimer(self, singleShot=True, interval=0)
        self._commit_timer.timeout.connect(self._commit)
        self.fields.edited.connect(self._commit_timer.start)
        self.status.activated.connect(lambda _i: self._commit_timer.start())
        for line in (self.reason, self.found_on):
            line.textEdited.connect(lambda _t: self._commit_timer.start())
        self.description.textChanged.connect(self._commit_timer.start)
        self.show_issue(issue)
        self.fields.widgets["title"].setFocus()

    def _screenshots(self) -> QVBoxLayout:
        box = QVBoxLayout()
        label = QLabel("Screens&hots:")
        self.shots = QListWidget()
        self.shots.setMaximumHeight(self.shots.fontMetrics().height() * 6)
        name(self.shots, "Screenshots", "Enter opens one; Ctrl+V pastes an image")
        label.setBuddy(self.shots)
        self.shots.itemActivated.connect(
            lambda item: self.open_screenshot.emit(item.data(Qt.ItemDataRole.UserRole))
        )
        paste = QAction(self.shots)
        paste.setShortcut(QKeySequence.StandardKey.Paste)
        paste.triggered.connect(lambda: self.paste_screenshot.emit(self.issue.ref))
        self.shots.addAction(paste)
        row = QHBoxLayout()
        self.paste_button = QPushButton("&Paste a screenshot")
        name(self.paste_button, "Paste a screenshot", "Keeps the clipboard's image with the issue")
        self.paste_button.clicked.connect(lambda: self.paste_screenshot.emit(self.issue.ref))
        self.view_button = QPushButton("Vie&w screenshot")
        name(self.view_button, "View screenshot", "Opens the chosen screenshot")
        self.view_button.clicked.connect(self._view)
        for button in (self.paste_button, self.view_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        row.addStretch(1)
        for part in (label, self.shots):
            box.addWidget(part)
        box.addLayout(row)
        return box

    def _retests(self) -> QVBoxLayout:
        box = QVBoxLayout()
        label = QLabel("Retest histor&y:")
        self.retests = record_table(RETEST_COLUMNS, "Retest history", "Each retest, oldest first")
        self.retests.setMinimumHeight(self.retests.fontMetrics().height() * 6)
        label.setBuddy(self.retests)
        self.retest_button = QPushButton("Add a re&test…")
        name(self.retest_button, "Add a retest", "Passed moves the issue to retest passed")
        self.retest_button.setAutoDefault(False)
        self.retest_button.clicked.connect(lambda: self.retest.emit(self.issue.ref))
        box.addWidget(label)
        box.addWidget(self.retests)
        box.addWidget(self.retest_button, alignment=Qt.AlignmentFlag.AlignLeft)
        return box

    def show_issue(self, issue: Issue) -> None:
        """Show the issue as saved (after a retest, a screenshot, or on opening)."""
        self.issue = issue
        found = f", found on {issue.found_on.isoformat()}" if issue.found_on else ""
        source = "automated check (axe-core)" if issue.source == "axe" else "manual test"
        self.heading.setText(f"{issue.ref} — {source}{found}")
        self.fields.fill(issue)
        for widget in (self.status, self.reason, self.description, self.found_on):
            widget.blockSignals(True)
        self.status.setCurrentIndex(max(0, self.status.findData(issue.status)))
        self.reason.setText(issue.status_reason)
        if self.description.toPlainText() != issue.description:
            self.description.setPlainText(issue.description)
        self.found_on.setText(issue.found_on.isoformat() if issue.found_on else "")
        for widget in (self.status, self.reason, self.description, self.found_on):
            widget.blockSignals(False)
        self.shots.clear()
        for sha in issue.screenshots:
            entry = QListWidgetItem(f"{self.names.get(sha, 'screenshot')} (SHA-256 {sha[:12]}…)")
            entry.setData(Qt.ItemDataRole.UserRole, sha)
            self.shots.addItem(entry)
        self.shots.setCurrentRow(0)
        self.retests.setRowCount(len(issue.retests))
        for row, retest in enumerate(issue.retests):
            values = (
                retest.tested_on.isoformat(),
                OUTCOME_LABELS.get(retest.outcome, retest.outcome),
                retest.tester,
                retest.assistive_tech,
                retest.notes,
            )
            for column, value in enumerate(values):
                self.retests.setItem(row, column, QTableWidgetItem(value))
        self.retests.resizeColumnsToContents()
        self.fields.set_read_only(not self.editable)
        for widget in (self.reason, self.found_on, self.description):
            widget.setReadOnly(not self.editable)
        for control in (self.status, self.paste_button, self.retest_button):
            control.setEnabled(self.editable)
        self.view_button.setEnabled(bool(issue.screenshots))

    def _view(self) -> None:
        entry = self.shots.currentItem()
        if entry is not None:
            self.open_screenshot.emit(entry.data(Qt.ItemDataRole.UserRole))

    def _problem(self) -> str:
        found = self.fields.problem()
        if found:
            return found
        if self.status.currentData() == "wont_fix" and not self.reason.text().strip():
            return "Won't fix needs a reason"
        text = self.found_on.text().strip()
        if text:
            try:
                date.fromisoformat(text)
            except ValueError:
                return "Found on must be a date such as 2026-11-26"
        return ""

    def _commit(self) -> None:
        if not self.editable:
            return
        problem = self._problem()
        if problem:
            self.say(f"{problem}; not saved until it is.")
            return
        found = self.found_on.text().strip()
        edited = self.issue.model_copy(
            update={
                **self.fields.values(),
                "status": self.status.currentData(),
                "status_reason": self.reason.text().strip(),
                "description": self.description.toPlainText(),
                "found_on": date.fromisoformat(found) if found else None,
            }
        )
        edited = Issue.model_validate(edited.model_dump())
        if self.note.text():
            self.say("")
        if edited != self.issue:
            self.issue = edited
            self.changed.emit(edited)

    def flush(self) -> None:
        """Save an edit still waiting (before the window closes)."""
        if self._commit_timer.isActive():
            self._commit_timer.stop()
            self._commit()

    def done(self, result: int) -> None:
        self.flush()
        super().done(result)

    def say(self, text: str) -> None:
        if text != self.note.text():
            self.note.setText(text)
            if text:
                announce(self.note, text)
