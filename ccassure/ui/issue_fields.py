"""The inputs of an issue, shared by the quick-add form and the issue's own window."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QObject, QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from ccassure.domain.document import Issue
from ccassure.domain.issue_log import SEVERITY_ORDER, parse_criteria
from ccassure.domain.templates import Template
from ccassure.ui.a11y import announce, name
from ccassure.ui.issue_log_model import SEVERITY_LABELS

DEFAULT_SEVERITY = "serious"
KEPT = ("screen", "assistive_tech", "at_version", "browser", "os")  # from one issue to the next
LINES = ("title", "screen", "criteria", "assistive_tech", "at_version", "browser", "os")
TEXTS = ("steps", "expected", "actual")
CAPTIONS = {
    "title": "Title",
    "screen": "Screen",
    "criteria": "WCAG criteria",
    "assistive_tech": "Assistive technology",
    "at_version": "Assistive technology version",
    "browser": "Browser or client",
    "os": "Operating system",
    "severity": "Severity",
    "steps": "Steps to reproduce",
    "expected": "Expected result",
    "actual": "Actual result",
}
HINTS = {
    "criteria": "Criterion numbers separated by spaces, such as 1.4.3 2.4.7",
    "assistive_tech": "For example JAWS, NVDA, ZoomText, Dragon Professional or Keyboard only",
    "at_version": "For example 2025.2412.50",
}


def wcag_criteria(template: Template) -> dict[str, str]:
    """Criterion number -> its name, for the criteria the template rates."""
    return {item.wcag.number: item.prompt for _, item in template.items() if item.wcag}


def criteria_problem(text: str, known: Mapping[str, str]) -> str:
    unknown = [c for c in parse_criteria(text) if c not in known]
    if not unknown:
        return ""
    return f"{', '.join(unknown)} {'is not a' if len(unknown) == 1 else 'are not'} WCAG 2.2 " + (
        "criterion" if len(unknown) == 1 else "criteria"
    )


class IssueFields(QObject):
    """One input per field; `edited` when the user changes any of them."""

    edited = Signal()

    def __init__(self, known: Mapping[str, str], multiline: bool, parent: QWidget) -> None:
        super().__init__(parent)
        self.known = dict(known)
        self.widgets: dict[str, QWidget] = {}
        for field in LINES:
            line = QLineEdit(parent)
            line.textEdited.connect(lambda _text: self.edited.emit())
            self.widgets[field] = line
        self.severity = QComboBox(parent)
        for key in SEVERITY_ORDER:
            self.severity.addItem(SEVERITY_LABELS[key], key)
        self.severity.activated.connect(lambda _index: self.edited.emit())
        self.widgets["severity"] = self.severity
        for field in TEXTS:
            widget: QWidget
            if multiline or field == "steps":
                text = QPlainTextEdit(parent)
                text.setTabChangesFocus(True)
                text.setMinimumHeight(text.fontMetrics().height() * 3)
                text.setMaximumHeight(text.fontMetrics().height() * 6)
                text.textChanged.connect(self.edited.emit)
                widget = text
            else:
                line = QLineEdit(parent)
                line.textEdited.connect(lambda _text: self.edited.emit())
                widget = line
            self.widgets[field] = widget
        for field, widget in self.widgets.items():
            name(widget, CAPTIONS[field], HINTS.get(field, ""))
        self.line("criteria").setPlaceholderText("1.4.3 2.4.7")
        self.criteria_note = QLabel(parent)
        self.criteria_note.setWordWrap(True)
        self.criteria_note.setTextFormat(Qt.TextFormat.PlainText)
        name(self.criteria_note, "Criteria named")
        self.line("criteria").textChanged.connect(self._name_criteria)
        self.severity.setCurrentIndex(SEVERITY_ORDER.index(DEFAULT_SEVERITY))

    def line(self, field: str) -> QLineEdit:
        widget = self.widgets[field]
        assert isinstance(widget, QLineEdit)
        return widget

    def add_rows(self, form: QFormLayout, captions: Mapping[str, str]) -> None:
        """Each field with its label (captions may carry a mnemonic); criteria with its note."""
        for field, widget in self.widgets.items():
            label = QLabel(captions.get(field, CAPTIONS[field]) + ":")
            label.setBuddy(widget)
            form.addRow(label, widget)
            if field == "criteria":
                form.addRow("", self.criteria_note)

    def suggest(self, field: str, values: Sequence[str]) -> None:
        """Offer values already used (assistive technologies, screens) as the user types."""
        completer = QCompleter(QStringListModel(list(values), self), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        # Completed in place (no popup to take Enter away): Enter keeps it and moves on.
        completer.setCompletionMode(QCompleter.CompletionMode.InlineCompletion)
        self.line(field).setCompleter(completer)

    def _name_criteria(self, text: str) -> None:
        problem = criteria_problem(text, self.known)
        named = "; ".join(self.known[c] for c in parse_criteria(text) if c in self.known)
        shown = problem or named
        if shown != self.criteria_note.text():
            self.criteria_note.setText(shown)
            if problem:
                announce(self.criteria_note, problem)

    def problem(self) -> str:
        if not self.text("title").strip():
            return "An issue needs a title"
        return criteria_problem(self.text("criteria"), self.known)

    def text(self, field: str) -> str:
        widget = self.widgets[field]
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        if isinstance(widget, QComboBox):
            return str(widget.currentData())
        assert isinstance(widget, QLineEdit)
        return widget.text()

    def values(self) -> dict[str, Any]:
        """The fields as Issue data (check problem() first)."""
        found: dict[str, Any] = {f: self.text(f) for f in self.widgets}
        found["title"] = found["title"].strip()
        found["criteria"] = parse_criteria(found["criteria"])
        return found

    def fill(self, issue: Issue) -> None:
        """Show an issue without counting it as an edit."""
        for field, widget in self.widgets.items():
            widget.blockSignals(True)
            value = getattr(issue, field)
            if field == "criteria":
                value = " ".join(issue.criteria)
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(0, widget.findData(value)))
            elif isinstance(widget, QPlainTextEdit):
                if widget.toPlainText() != value:
                    widget.setPlainText(value)
            elif isinstance(widget, QLineEdit) and widget.text() != value:
                widget.setText(value)
            widget.blockSignals(False)
        self._name_criteria(self.text("criteria"))

    def clear_for_next(self) -> None:
        """Empty every field but those kept from one issue to the next."""
        for field, widget in self.widgets.items():
            if field in KEPT:
                continue
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(SEVERITY_ORDER.index(DEFAULT_SEVERITY))
            elif isinstance(widget, QPlainTextEdit | QLineEdit):
                widget.clear()

    def set_read_only(self, read_only: bool) -> None:
        for widget in self.widgets.values():
            if isinstance(widget, QLineEdit | QPlainTextEdit):
                widget.setReadOnly(read_only)
            else:
                widget.setEnabled(not read_only)
