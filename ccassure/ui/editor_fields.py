"""One input per answer type (text, choice, yes/no/partly, date, rating), all alike."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from ccassure.domain.templates import YES_NO_PARTLY, Item, Template
from ccassure.ui.a11y import name

NOT_ANSWERED = "(not answered)"


class Field(QObject):
    """Wraps the input widget: `value()`, `set_value()` and `edited` when the user changes it."""

    edited = Signal()

    def __init__(self, item: Item, template: Template) -> None:
        super().__init__()
        self.item = item
        self.widget = self._build(item, template)
        label = f"{item.prompt}{' (required)' if item.required else ''}"
        name(self.widget, label, f"{item.guidance} Reference: {item.reference}".strip())

    def _build(self, item: Item, template: Template) -> QWidget:
        if item.answer == "text":
            text = QPlainTextEdit()
            text.setTabChangesFocus(True)
            text.setMinimumHeight(text.fontMetrics().height() * 4)
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
