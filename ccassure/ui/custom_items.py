"""Adding an item of one's own to an assessment's checklist, and removing it again (undoably)."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from ccassure.domain.document import CUSTOM_SECTION, PROMPT_LIMIT, CustomItem, Response
from ccassure.domain.keys import key_for
from ccassure.ui.a11y import announce, name

if TYPE_CHECKING:
    from ccassure.ui.editor import EditorPage

ANSWER_TYPES = (
    ("text", "Text"),
    ("yes_no_partly", "Yes / no / partly / not applicable"),
    ("date", "Date"),
)


class CustomItemDialog(QDialog):
    """Prompt, answer type, required, guidance: Enter adds the item, Escape cancels."""

    def __init__(self, section_title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Add an item to “{section_title}”")
        form = QFormLayout(self)
        self.prompt = QLineEdit()
        self.prompt.setMaxLength(PROMPT_LIMIT)  # as the document allows: never a refused save
        name(self.prompt, "Question or check", "What the item asks; required")
        self.answer = QComboBox()
        for key, label in ANSWER_TYPES:
            self.answer.addItem(label, key)
        name(self.answer, "Answer type")
        self.required = QCheckBox("&Required before submitting for review")
        name(self.required, "Required before submitting for review")
        self.guidance = QLineEdit()
        name(self.guidance, "Guidance", "Optional: how to answer, or where the evidence is")
        for label, widget in (
            ("&Question or check:", self.prompt),
            ("&Answer type:", self.answer),
            ("&Guidance:", self.guidance),
        ):
            form.addRow(label, widget)
        form.addRow("", self.required)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        form.addRow(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Add &item")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _accept(self) -> None:
        if not self.prompt.text().strip():
            self.problem.setText("Write the question or check first.")
            announce(self.problem, self.problem.text(), assertive=True)
            self.prompt.setFocus()
            return
        self.accept()

    def item(self, section: str, taken: Collection[str]) -> CustomItem:
        prompt = self.prompt.text().strip()
        return CustomItem(
            key=key_for(prompt, taken, prefix=f"{CUSTOM_SECTION}."),
            section=section,
            prompt=prompt,
            answer=self.answer.currentData(),
            required=self.required.isChecked(),
            guidance=self.guidance.text().strip(),
        )


class AddCustomItem(QUndoCommand):
    def __init__(self, editor: EditorPage, item: CustomItem) -> None:
        super().__init__(f"add {item.prompt}")
        self.editor, self.item = editor, item

    def redo(self) -> None:
        self.editor.add_custom(self.item)

    def undo(self) -> None:
        self.editor.drop_custom(self.item.key)


class RemoveCustomItem(QUndoCommand):
    """Removing an item removes its answer; undo brings back both."""

    def __init__(self, editor: EditorPage, item: CustomItem, answer: Response | None) -> None:
        super().__init__(f"remove {item.prompt}")
        self.editor, self.item, self.answer = editor, item, answer

    def redo(self) -> None:
        self.editor.drop_custom(self.item.key)

    def undo(self) -> None:
        self.editor.add_custom(self.item)
        if self.answer is not None:
            self.editor.apply(self.answer)
