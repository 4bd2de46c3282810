"""What the evaluation sections show and change (scope, cells, links), each change saved."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from ccassure.domain.document import AssessmentDocument, Evaluation, Link, Scope
from ccassure.domain.evaluation import (
    DISABILITY,
    Criterion,
    GridRow,
    criteria,
    grid_rows,
    move_evaluations,
    sample_mapping,
    sample_names,
)
from ccassure.domain.templates import Template

if TYPE_CHECKING:
    from ccassure.services.evaluation import LinkTarget


@dataclass(frozen=True)
class ScopeChange:
    """A new scope, the samples renamed in it, and evaluations to put back (an undo's)."""

    scope: Scope
    renamed: dict[str, str] = field(default_factory=dict)
    restore: tuple[Evaluation, ...] = ()


class EvaluationState(QObject):
    """One accessibility assessment's scope, grid and links, shared by both sections."""

    scope_changed = Signal()
    cell_changed = Signal(object)  # Evaluation
    links_changed = Signal()
    targets_changed = Signal()
    save_scope = Signal(int, object)  # assessment id, ScopeChange
    save_cell = Signal(int, object)  # assessment id, Evaluation
    save_link = Signal(int, object, bool)  # assessment id, Link, linked (False: unlinked)

    def __init__(self, template: Template, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.criteria: tuple[Criterion, ...] = criteria(template)
        self.by_number = {c.number: c for c in self.criteria}
        self.assessment_id = 0
        self.editable = False
        self.scope = Scope()
        self.cells: dict[tuple[str, str], Evaluation] = {}
        self.links: list[Link] = []
        self.targets: list[LinkTarget] = []

    def load(self, document: AssessmentDocument, editable: bool) -> None:
        self.assessment_id = document.assessment.id or 0
        self.editable = editable
        self.scope = document.scope or Scope()
        self.cells = {(e.criterion, e.sample): e for e in document.evaluations}
        self.links = list(document.links)

    @property
    def samples(self) -> tuple[str, ...]:
        return sample_names(self.scope)

    def rows(self) -> tuple[GridRow, ...]:
        return grid_rows(self.criteria, self.scope, self.cells.values(), self.links)

    def row(self, number: str) -> GridRow:
        return grid_rows((self.by_number[number],), self.scope, self.cells.values(), self.links)[0]

    def cell(self, number: str, sample: str) -> Evaluation:
        return self.cells.get((number, sample)) or Evaluation(
            criterion=number, sample=sample, outcome="untested"
        )

    def apply_scope(
        self, scope: Scope, renamed: dict[str, str], restore: tuple[Evaluation, ...] = ()
    ) -> tuple[Evaluation, ...]:
        """Show and save a new scope; returns the evaluations its removed samples took away."""
        mapping = sample_mapping(self.samples, sample_names(scope), renamed)
        kept, removed = move_evaluations(self.cells.values(), mapping)
        self.cells = {(e.criterion, e.sample): e for e in (*kept, *restore)}
        self.scope = scope
        self.save_scope.emit(self.assessment_id, ScopeChange(scope, dict(renamed), restore))
        self.scope_changed.emit()
        return tuple(removed)

    def apply_cell(self, evaluation: Evaluation) -> None:
        """Show and save one grid cell (from an edit, an undo or a redo)."""
        key = (evaluation.criterion, evaluation.sample)
        if evaluation.outcome == "untested" and not evaluation.notes:
            self.cells.pop(key, None)
        else:
            self.cells[key] = evaluation
        self.save_cell.emit(self.assessment_id, evaluation)
        self.cell_changed.emit(evaluation)

    def apply_link(self, link: Link, linked: bool) -> None:
        self.links = [other for other in self.links if other != link]
        if linked:
            self.links.append(link)
        self.save_link.emit(self.assessment_id, link, linked)
        self.links_changed.emit()

    def set_targets(self, targets: list[LinkTarget]) -> None:
        self.targets = targets
        self.targets_changed.emit()

    def link_for(self, number: str, target_uid: str) -> Link:
        return Link(source=f"criterion:{number}", target_uid=target_uid, target=DISABILITY)

    def target_title(self, uid: str) -> str:
        return next((t.title for t in self.targets if t.uid == uid), "another assessment")
