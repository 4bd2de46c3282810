"""Undoable changes to the evaluation scope, grid cells and links (the editor's undo stack)."""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QWidget

from ccassure.domain.document import Evaluation, Link, Scope
from ccassure.ui.evaluation_state import EvaluationState


def compose(first: dict[str, str], second: dict[str, str]) -> dict[str, str]:
    """One rename that does what `first` then `second` do (a→b then b→c is a→c)."""
    result = {old: second.get(new, new) for old, new in first.items()}
    result.update({old: new for old, new in second.items() if old not in first.values()})
    return {old: new for old, new in result.items() if old != new}


class SetScope(QUndoCommand):
    """A scope change (typing into one field is one step); undo restores names and results."""

    def __init__(
        self,
        panel: QWidget,
        state: EvaluationState,
        after: Scope,
        renamed: dict[str, str],
        typing: str = "",
    ) -> None:
        super().__init__("change the evaluation scope")
        self.panel, self.state = panel, state
        self.before, self.after, self.renamed = state.scope, after, renamed
        self.typing = typing  # which text field, when the change is typing
        self.removed: tuple[Evaluation, ...] = ()

    def id(self) -> int:
        return 11

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (
            isinstance(other, SetScope)
            and other.panel is self.panel
            and self.typing
            and other.typing == self.typing
            and not self.removed
            and not other.removed
        ):
            return False
        self.after = other.after
        self.renamed = compose(self.renamed, other.renamed)
        return True

    def redo(self) -> None:
        self.removed = self.state.apply_scope(self.after, self.renamed)

    def undo(self) -> None:
        back = {new: old for old, new in self.renamed.items()}
        self.state.apply_scope(self.before, back, self.removed)


class SetCell(QUndoCommand):
    """One grid cell's outcome or notes; typing notes into one cell is one step."""

    def __init__(
        self, panel: QWidget, state: EvaluationState, before: Evaluation, after: Evaluation
    ) -> None:
        super().__init__("set a grid cell")
        self.panel, self.state, self.before, self.after = panel, state, before, after

    def id(self) -> int:
        return 12

    def _notes_only(self) -> bool:
        return self.before.outcome == self.after.outcome and self.before.notes != self.after.notes

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (
            isinstance(other, SetCell)
            and other.panel is self.panel
            and (other.after.criterion, other.after.sample)
            == (self.after.criterion, self.after.sample)
            and self._notes_only()
            and other._notes_only()
        ):
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        self.state.apply_cell(self.after)

    def undo(self) -> None:
        self.state.apply_cell(self.before)


class SetLink(QUndoCommand):
    """Link a criterion to an EIA's disability line, or take the link away."""

    def __init__(self, panel: QWidget, state: EvaluationState, link: Link, linked: bool) -> None:
        super().__init__("link a criterion" if linked else "unlink a criterion")
        self.panel, self.state, self.link, self.linked = panel, state, link, linked

    def redo(self) -> None:
        self.state.apply_link(self.link, self.linked)

    def undo(self) -> None:
        self.state.apply_link(self.link, not self.linked)
