"""One input per answer type (text, choice, yes/no/partly, date, rating), all alike."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QObject, Qt, Signal
from PySide6.QtGui import QTextOption, QUndoCommand
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWidget

from ccassure.domain.document import Response
from ccassure.domain.templates import YES_NO_PARTLY, Item, Template
from ccassure.ui.a11y import name

if TYPE_CHECKING:
    from ccassure.ui.editor import EditorPage

NOT_ANSWERED = "(not answered)"
EVIDENCE_HINT = "Links, document references or attachment names, separated by semicolons"


def evidence_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


class SetAnswer(QUndoCommand):
    """One change to one answer; typing in the same item merges into one step."""

    def __init__(self, editor: EditorPage, before: Response, after: Response) -> None:
        super().__init__(f"change {after.item}")
        self.editor, self.before, self.after = editor, before, after

    def id(self) -> int:
        return 1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetAnswer) or other.after.item != self.after.item:
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        self.editor.apply(self.after)

    def undo(self) -> None:
        self.editor.apply(self.before)


LONG_RUN = re.compile(r"\S{2000}")


def fit_wrapping(widget: QPlainTextEdit, text: str) -> None:
    """Wrap anywhere when the text holds a very long word (a pasted blob): Qt's word-boundary
    wrapping takes minutes to lay out a 1 MB unbroken line, anywhere-wrapping milliseconds."""
    if LONG_RUN.search(text):
        widget.setWordWrapMode(QTextOption.WrapMode.WrapAnywhere)


class AnswerText(QPlainTextEdit):
    """A text answer; Tab moves on, and pasting a huge unbroken run of text stays quick."""

    def __init__(self) -> None:
        super().__init__()
        self.setTabChangesFocus(True)
        self.setMinimumHeight(self.fontMetrics().height() * 4)

    def insertFromMimeData(self, source: QMimeData) -> None:
        if source.hasText():
            fit_wrapping(self, source.text())
        super().insertFromMimeData(source)


class Field(QObject):
    """Wraps the input widget: `value()`, `set_value()` and `edited` when the user changes it."""

    edited = Signal()

    def __init__(self, item: Item, template: Template) -> None:
        super().__init__()
        self.item = item
        self.widget = self._build(item, template)
        label = f"{item.prompt}{' (required)' if item.required else ''}"
        name(self.widget, label, guidance_text(item))

    def _build(self, item: Item, template: Template) -> QWidget:
        if item.answer == "text":
            text = AnswerText()
            text.textChanged.connect(self.edited.emit)
            return text
        if item.answer == "date":
            line = QLineEdit()
            line.setPlaceholderText("YYYY-MM-DD")
            line.textEdited.connect(lambda _text: self.edited.emit())
            return line
        combo = QComboBox()
        combo.addItem(NOT_ANSWERED, "")
        for key, label in self._choices(item, template):
            combo.addItem(label, key)
        combo.activated.connect(lambda _index: self.edited.emit())
        return combo

    @staticmethod
    def _choices(item: Item, template: Template) -> list[tuple[str, str]]:
        if item.answer == "choice":
            return [(c.key, c.label) for c in item.choices]
        if item.answer == "rating" and item.scale:
            return [(lv.key, lv.label) for lv in template.scales[item.scale].levels]
        return [(key, key.replace("_", " ").capitalize()) for key in YES_NO_PARTLY]

    def value(self) -> str:
        widget = self.widget
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        if isinstance(widget, QLineEdit):
            return widget.text().strip()
        assert isinstance(widget, QComboBox)
        return str(widget.currentData() or "")

    def set_value(self, value: str) -> None:
        """Show a value without it counting as an edit (undo, redo and loading use this)."""
        widget = self.widget
        self.blockSignals(True)
        widget.blockSignals(True)
        try:
            if isinstance(widget, QPlainTextEdit):
                if widget.toPlainText() != value:
                    fit_wrapping(widget, value)
                    widget.setPlainText(value)
            elif isinstance(widget, QLineEdit):
                widget.setText(value)
            elif isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(0, widget.findData(value)))
        finally:
            widget.blockSignals(False)
            self.blockSignals(False)

    def set_read_only(self, read_only: bool) -> None:
        widget = self.widget
        if isinstance(widget, QPlainTextEdit | QLineEdit):
            widget.setReadOnly(read_only)
        else:
            widget.setEnabled(not read_only)


def expiry_text(value: str, today: date) -> str:
    """Expired, or expiring within 60 days, for an evidence date; empty otherwise."""
    try:
        expires = date.fromisoformat(value)
    except ValueError:
        return ""
    if expires < today:
        return f"⚠ Expired on {expires:%d %B %Y}: ask the supplier for current evidence."
    if expires <= today + timedelta(days=60):
        return f"⚠ Expires within 60 days, on {expires:%d %B %Y}."
    return ""


def guidance_text(item: Item) -> str:
    """The item's guidance, as a sentence, then its reference."""
    guidance = item.guidance.strip()
    if guidance and guidance[-1] not in ".?!:)":
        guidance += "."
    return f"{guidance} Reference: {item.reference}".strip()


def is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def note_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def escaped(text: str) -> str:
    return html.escape(text)
