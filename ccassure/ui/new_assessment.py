"""File → New assessment: kind, template, title, programme, component and owner."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from ccassure.domain.document import TITLE_LIMIT, ComponentRef, ProgrammeRef
from ccassure.domain.keys import key_for
from ccassure.domain.kinds import KINDS
from ccassure.domain.templates import TemplateSet
from ccassure.ui.a11y import announce, name
from ccassure.ui.models import KIND_LABELS

if TYPE_CHECKING:
    from ccassure.ui.main_window import MainWindow
    from ccassure.ui.tasks import TaskControl


@dataclass(frozen=True)
class NewAssessment:
    kind: str
    template_id: str
    title: str
    programme: ProgrammeRef
    component: ComponentRef
    owner: str


class NewAssessmentDialog(QDialog):
    """Existing programmes and components are offered; typing a new name creates one."""

    def __init__(
        self,
        templates: TemplateSet,
        components: list[tuple[ProgrammeRef, ComponentRef]],
        owner: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("New assessment")
        self.templates, self.known = templates, components
        form = QFormLayout(self)
        self.kind = QComboBox()
        for kind in KINDS:
            self.kind.addItem(KIND_LABELS[kind], kind)
        self.template = QComboBox()
        self.title = QLineEdit()
        self.title.setMaxLength(TITLE_LIMIT)  # as the document allows: never a refused create
        self.programme = self._editable([p.name for p in dict.fromkeys(p for p, _ in components)])
        self.component = self._editable([])
        self.supplier = QLineEdit()
        self.owner = QLineEdit(owner)
        rows = (
            ("&Kind:", self.kind, "Kind", "DPIA, EIA, accessibility or environmental"),
            ("&Template:", self.template, "Template", "The checklist the assessment follows"),
            ("T&itle:", self.title, "Title", "Required"),
            ("&Programme:", self.programme, "Programme", "Choose one, or type a new name"),
            ("&Component:", self.component, "Component", "Choose one, or type a new name"),
            ("&Supplier:", self.supplier, "Supplier", "The component's supplier"),
            ("&Owner:", self.owner, "Owner", "Who is responsible for the assessment"),
        )
        for label, widget, accessible, description in rows:
            name(widget, accessible, description)
            form.addRow(label, widget)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        form.addRow(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("C&reate")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.kind.currentIndexChanged.connect(lambda _index: self._fill_templates())
        self.programme.currentTextChanged.connect(lambda _text: self._fill_components())
        self.component.currentTextChanged.connect(lambda _text: self._fill_supplier())
        self._fill_templates()
        self._fill_components()
        self.title.setFocus()

    @staticmethod
    def _editable(names: list[str]) -> QComboBox:
        combo = QComboBox()
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.addItems(names)
        return combo

    def _fill_templates(self) -> None:
        kind = self.kind.currentData()
        self.template.clear()
        choices = sorted(
            (t for t in self.templates.templates if t.kind == kind),
            key=lambda t: (t.id, -t.version),
        )
        for template in choices:
            self.template.addItem(
                f"{template.title} ({template.id} v{template.version})", template.id
            )

    def _programme(self) -> ProgrammeRef:
        text = self.programme.currentText().strip()
        for programme, _ in self.known:
            if programme.name == text:
                return programme
        taken = {p.key for p, _ in self.known}
        return ProgrammeRef(key=key_for(text, taken, fallback="programme"), name=text)

    def _fill_components(self) -> None:
        programme = self.programme.currentText().strip()
        current = self.component.currentText()
        self.component.clear()
        self.component.addItems([c.name for p, c in self.known if p.name == programme])
        self.component.setEditText(current if current else self.component.itemText(0))
        self._fill_supplier()

    def _fill_supplier(self) -> None:
        """A known component keeps its supplier; a new one takes what is typed."""
        found = self._known_component()
        if found is not None:
            self.supplier.setText(found.supplier)
        elif self.supplier.isReadOnly():
            self.supplier.clear()
        self.supplier.setReadOnly(found is not None)

    def _known_component(self) -> ComponentRef | None:
        """The chosen programme's component of that name, if both exist already."""
        programme = self.programme.currentText().strip()
        text = self.component.currentText().strip()
        return next((c for p, c in self.known if p.name == programme and c.name == text), None)

    def _component(self) -> ComponentRef:
        found = self._known_component()
        if found is not None:
            return found
        supplier = self.supplier.text().strip()
        programme, text = self._programme(), self.component.currentText().strip()
        taken = {c.key for p, c in self.known if p.key == programme.key}
        key = key_for(text, taken, fallback="component")
        return ComponentRef(key=key, name=text, supplier=supplier)

    def _accept(self) -> None:
        for widget, what in (
            (self.title, "a title"),
            (self.programme, "a programme"),
            (self.component, "a component"),
        ):
            text = widget.currentText() if isinstance(widget, QComboBox) else widget.text()
            if not text.strip():
                self.problem.setText(f"Give the assessment {what}.")
                announce(self.problem, self.problem.text(), assertive=True)
                widget.setFocus()
                return
        if self.template.count() == 0:
            self.problem.setText("No template of this kind is installed.")
            announce(self.problem, self.problem.text(), assertive=True)
            return
        self.accept()

    def result_value(self) -> NewAssessment:
        return NewAssessment(
            kind=str(self.kind.currentData()),
            template_id=str(self.template.currentData()),
            title=self.title.text().strip(),
            programme=self._programme(),
            component=self._component(),
            owner=self.owner.text().strip(),
        )


def ask_new_assessment(window: MainWindow) -> None:
    """Ask for the details, create the assessment through the write worker, open its editor."""
    context = window.context
    if context is None:
        window.say("Open a store first")
        return
    dialog = NewAssessmentDialog(
        context.templates, context.assessments.components(), window.settings.owner, window
    )
    if not dialog.exec():
        return
    value = dialog.result_value()
    window.settings.owner = value.owner

    def create(_control: TaskControl) -> int:
        return context.assessments.create(
            value.kind,
            value.title,
            value.programme,
            value.component,
            value.owner,
            value.template_id,
        )

    def created(assessment_id: int) -> None:
        window.refresh()
        window.editing.edit(assessment_id)
        window.say(f"Created {value.title}")

    window.runner.run("create the assessment", create, created, window.report, write=True)
