"""The evaluation sections in the editor, and their reads and writes through the task runner."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QListWidgetItem

from ccassure.domain.document import AssessmentDocument, Evaluation, Link
from ccassure.domain.templates import Template
from ccassure.ui.evaluation_state import EvaluationState, ScopeChange

if TYPE_CHECKING:
    from ccassure.services.context import Context
    from ccassure.ui.editing import EditingController
    from ccassure.ui.editor import EditorPage
    from ccassure.ui.evaluation_grid import EvaluationGridPanel
    from ccassure.ui.evaluation_scope import EvaluationScopePanel

SCOPE_SECTION = "Evaluation scope"
GRID_SECTION = "Evaluation grid"


@dataclass
class EvaluationSections:
    """The evaluation state an accessibility editor shares between its two sections."""

    state: EvaluationState
    scope: EvaluationScopePanel
    grid: EvaluationGridPanel


def add_evaluation_sections(
    page: EditorPage, document: AssessmentDocument, template: Template, editable: bool
) -> EvaluationSections | None:
    """Add the scope and grid sections to an accessibility assessment's editor."""
    if page.evaluation is not None:
        page.evaluation.state.deleteLater()
    if template.kind != "accessibility":
        return None
    from ccassure.ui.evaluation_grid import EvaluationGridPanel
    from ccassure.ui.evaluation_scope import EvaluationScopePanel

    state = EvaluationState(template, page)
    state.load(document, editable)
    sections = EvaluationSections(
        state,
        EvaluationScopePanel(state, page.undo_stack, template),
        EvaluationGridPanel(state, page.undo_stack),
    )
    for title, panel in ((SCOPE_SECTION, sections.scope), (GRID_SECTION, sections.grid)):
        page.forms.addWidget(panel)
        page.sections.addItem(QListWidgetItem(title))
    return sections


class EvaluationEditing(QObject):
    """Saves the sections' changes on the write worker; reads the EIAs and linked findings."""

    def __init__(self, controller: EditingController) -> None:
        super().__init__(controller)
        self.controller = controller
        self.window = controller.window

    def loaded(self, document: AssessmentDocument) -> None:
        """After the editor loaded: wire the evaluation state, and read what it links to."""
        page = self.controller.page
        sections = page.evaluation
        ident = document.assessment.id or 0
        if sections is not None:
            state = sections.state
            state.save_scope.connect(self._save_scope)
            state.save_cell.connect(self._save_cell)
            state.save_link.connect(self._save_link)
            self._read(
                lambda c: c.evaluations.link_targets(ident),
                lambda targets: state.set_targets(targets) if page.evaluation is sections else None,
            )
        if document.assessment.kind == "eia":
            matrix = page.impacts
            self._read(
                lambda c: c.evaluations.linked_findings(ident),
                lambda found: matrix.set_linked(found) if page.impacts is matrix else None,
            )

    def _save_scope(self, ident: int, change: ScopeChange) -> None:
        self.controller.write(
            lambda c: c.evaluations.set_scope(ident, change.scope, change.renamed, change.restore)
        )

    def _save_cell(self, ident: int, evaluation: Evaluation) -> None:
        self.controller.write(lambda c: c.evaluations.set_evaluation(ident, evaluation))

    def _save_link(self, ident: int, link: Link, linked: bool) -> None:
        if linked:
            self.controller.write(lambda c: c.evaluations.link(ident, link.source, link.target_uid))
        else:
            self.controller.write(
                lambda c: c.evaluations.unlink(ident, link.source, link.target_uid)
            )

    def _read(self, work: Callable[[Context], Any], done: Callable[[Any], None]) -> None:
        context = self.window.context
        if context is not None:
            self.window.runner.run(
                "read links", lambda _c: work(context), done, self.controller.failed
            )
