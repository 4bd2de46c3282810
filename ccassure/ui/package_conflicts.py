"""A review package's conflict list: for each field both sides changed, keep mine or take theirs."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFrame, QGridLayout, QLabel, QWidget

from ccassure.domain.merge import Change, Choice, shown
from ccassure.ui.a11y import name

CHOICES: tuple[tuple[Choice, str], ...] = (("mine", "Keep mine"), ("theirs", "Take theirs"))


PROMPT_CHARS = 80
RESPONSES = "responses["


def field_label(change: Change, prompts: Mapping[str, str]) -> str:
    """The change's label, an answer's item named by its question as well as its key."""
    if not change.key.startswith(RESPONSES):
        return change.label
    item = change.key[len(RESPONSES) :].split("]", 1)[0]
    prompt = " ".join(prompts.get(item, "").split())
    if not prompt:
        return change.label
    if len(prompt) > PROMPT_CHARS:
        prompt = prompt[: PROMPT_CHARS - 1] + "…"
    return change.label.replace(item, f"“{prompt}” ({item})", 1)


def conflict_text(change: Change, prompts: Mapping[str, str]) -> str:
    return (
        f"{field_label(change, prompts)}\n"
        f"Mine: {shown(change.local)}\n"
        f"Theirs: {shown(change.remote)}\n"
        f"As last exchanged: {shown(change.base)}"
    )


class ConflictList(QWidget):
    """One row per conflict: what each side holds, and a choice that starts unmade."""

    changed = Signal()

    def __init__(
        self,
        conflicts: tuple[Change, ...],
        prompts: Mapping[str, str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.conflicts = conflicts
        self.combos: list[QComboBox] = []
        grid = QGridLayout(self)
        grid.setColumnStretch(0, 1)
        for row, change in enumerate(conflicts):
            label = QLabel(conflict_text(change, prompts))
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
            combo = QComboBox()
            combo.setPlaceholderText("Choose…")
            for choice, text in CHOICES:
                combo.addItem(text, choice)
            combo.setCurrentIndex(-1)  # nothing is chosen for the person
            name(
                combo,
                f"{field_label(change, prompts)}: keep mine or take theirs",
                f"Mine: {shown(change.local)}. Theirs: {shown(change.remote)}.",
            )
            combo.currentIndexChanged.connect(lambda _index: self.changed.emit())
            grid.addWidget(label, row * 2, 0)
            grid.addWidget(combo, row * 2, 1, Qt.AlignmentFlag.AlignTop)
            if row < len(conflicts) - 1:
                line = QFrame()
                line.setFrameShape(QFrame.Shape.HLine)
                grid.addWidget(line, row * 2 + 1, 0, 1, 2)
            self.combos.append(combo)

    def choices(self) -> dict[str, Choice]:
        return {
            change.key: combo.currentData()
            for change, combo in zip(self.conflicts, self.combos, strict=True)
            if combo.currentIndex() >= 0
        }

    def choice_text(self, key: str) -> str:
        chosen = self.choices().get(key)
        return dict(CHOICES)[chosen] if chosen else ""

    def remaining(self) -> int:
        return sum(1 for combo in self.combos if combo.currentIndex() < 0)

    def choose_all(self, choice: Choice) -> None:
        index = [c for c, _text in CHOICES].index(choice)
        self.blockSignals(True)  # one announcement for the lot, not one per row
        for combo in self.combos:
            combo.setCurrentIndex(index)
        self.blockSignals(False)
        self.changed.emit()
