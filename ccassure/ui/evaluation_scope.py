"""The evaluation scope section: product, release, target level, sample and AT baseline."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ccassure.domain.document import AtCombination, Sample, Scope
from ccassure.domain.templates import Template
from ccassure.ui.a11y import announce, name
from ccassure.ui.editor_fields import note_label
from ccassure.ui.evaluation_commands import SetScope
from ccassure.ui.evaluation_state import EvaluationState
from ccassure.ui.record_panel import record_table

GUIDANCE = (
    "What is evaluated, against which conformance target, on which sample of screens (the "
    "grid's columns) and with which assistive technologies (WCAG-EM steps 1 and 3). Renaming a "
    "sample keeps its results; removing one removes them too, and Ctrl+Z brings them back."
)
AT_FIELDS = ("assistive_tech", "at_version", "browser", "os")


def _form_row(form: QFormLayout, text: str, field: QWidget) -> None:
    caption = QLabel(text)
    caption.setBuddy(field)
    if not field.accessibleName():
        name(field, text.replace("&", "").rstrip(":"))
    form.addRow(caption, field)


def _buttons(layout: QVBoxLayout, *buttons: QPushButton) -> None:
    row = QHBoxLayout()
    for button in buttons:
        name(button, button.text().replace("&", ""))
        row.addWidget(button)
    row.addStretch(1)
    layout.addLayout(row)


class EvaluationScopePanel(QWidget):
    """Every change is one undoable step, saved at once; typing into a field is one step."""

    def __init__(self, state: EvaluationState, undo: QUndoStack, template: Template) -> None:
        super().__init__()
        self.state, self.undo = state, undo
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Evaluation scope (WCAG-EM step 1)</h2>"))
        layout.addWidget(note_label(GUIDANCE))
        head = QFormLayout()
        self.product, self.release = QLineEdit(), QLineEdit()
        self.level = QComboBox()
        for level in ("A", "AA", "AAA"):
            self.level.addItem(f"WCAG 2.2 Level {level}", level)
        _form_row(head, "Pro&duct:", self.product)
        _form_row(head, "Re&lease:", self.release)
        _form_row(head, "Conformance tar&get:", self.level)
        self.product.textEdited.connect(lambda t: self._change(product=t.strip(), typing="p"))
        self.release.textEdited.connect(lambda t: self._change(release=t.strip(), typing="r"))
        self.level.activated.connect(lambda _i: self._change(level=self.level.currentData()))
        layout.addLayout(head)
        self.problem = note_label("")
        name(self.problem, "Scope problem")
        layout.addWidget(self.problem)

        layout.addWidget(QLabel("<b>Sample (the grid's columns)</b>"))
        self.table = record_table(("Sample", "Description"), "Sample", "Screens in the sample")
        self.table.currentCellChanged.connect(lambda *_: self._show_sample())
        layout.addWidget(self.table)
        self.add_sample = QPushButton("Add a sa&mple")
        self.add_sample.clicked.connect(self._add_sample)
        self.remove_sample = QPushButton("&Remove this sample")
        self.remove_sample.clicked.connect(self._remove_sample)
        _buttons(layout, self.add_sample, self.remove_sample)
        samples = QFormLayout()
        self.sample_name, self.sample_description = QLineEdit(), QLineEdit()
        _form_row(samples, "Sample &name:", self.sample_name)
        _form_row(samples, "Sample des&cription:", self.sample_description)
        self.sample_name.textEdited.connect(lambda t: self._sample_edited(name=t.strip()))
        self.sample_description.textEdited.connect(lambda t: self._sample_edited(description=t))
        layout.addLayout(samples)

        layout.addWidget(QLabel("<b>Accessibility-support baseline</b>"))
        self.baseline = record_table(
            ("Assistive technology", "Version", "Browser or runtime", "Operating system"),
            "Accessibility-support baseline",
            "Assistive technology, browser and operating system combinations to test with",
        )
        self.baseline.currentCellChanged.connect(lambda *_: self._show_at())
        layout.addWidget(self.baseline)
        self.add_at = QPushButton("Add an AT c&ombination")
        self.add_at.clicked.connect(self._add_at)
        self.remove_at = QPushButton("Remove this combination")
        self.remove_at.clicked.connect(self._remove_at)
        _buttons(layout, self.add_at, self.remove_at)
        at_form = QFormLayout()
        self.assistive_tech = QComboBox()
        self.assistive_tech.setEditable(True)
        self.assistive_tech.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for choice in template.lists.get("assistive_technologies", ()):
            self.assistive_tech.addItem(choice.label)
        self.at_fields: dict[str, QLineEdit] = {}
        _form_row(at_form, "&Assistive technology:", self.assistive_tech)
        for key, text in (
            ("at_version", "AT vers&ion:"),
            ("browser", "Browser or runtime:"),
            ("os", "O&perating system:"),
        ):
            self.at_fields[key] = QLineEdit()
            _form_row(at_form, text, self.at_fields[key])
            self.at_fields[key].textEdited.connect(self._at_typer(key))
        line = self.assistive_tech.lineEdit()
        assert line is not None
        line.textEdited.connect(self._at_typer("assistive_tech"))
        self.assistive_tech.activated.connect(
            lambda _i: self._at_edited("assistive_tech", self.assistive_tech.currentText(), "")
        )
        layout.addLayout(at_form)
        layout.addStretch(1)
        state.scope_changed.connect(self.refresh)
        self.refresh()

    def _at_typer(self, key: str) -> Callable[[str], None]:
        return lambda text: self._at_edited(key, text, f"at-{key}")

    # ---- showing

    def refresh(self) -> None:
        """Show the state's scope, keeping the chosen rows and any text being typed."""
        scope, editable = self.state.scope, self.state.editable
        for field, text in ((self.product, scope.product), (self.release, scope.release)):
            if field.text().strip() != text:
                field.setText(text)
            field.setReadOnly(not editable)
        self.level.setCurrentIndex(max(0, self.level.findData(scope.level)))
        self.level.setEnabled(editable)
        for table, rows in (
            (self.table, [(s.name, s.description) for s in scope.samples]),
            (self.baseline, [tuple(getattr(a, f) for f in AT_FIELDS) for a in scope.baseline]),
        ):
            current = table.currentRow()
            table.blockSignals(True)
            table.setRowCount(len(rows))
            for row, values in enumerate(rows):
                for column, value in enumerate(values):
                    table.setItem(row, column, QTableWidgetItem(value))
            table.resizeColumnsToContents()
            table.setCurrentCell(min(max(current, 0), len(rows) - 1), 0)
            table.blockSignals(False)
        for button in (self.add_sample, self.add_at):
            button.setEnabled(editable)
        self._show_sample()
        self._show_at()

    def _show_sample(self) -> None:
        row = self.table.currentRow()
        samples = self.state.scope.samples
        sample = samples[row] if 0 <= row < len(samples) else None
        self.remove_sample.setEnabled(self.state.editable and sample is not None)
        for field, text in (
            (self.sample_name, sample.name if sample else ""),
            (self.sample_description, sample.description if sample else ""),
        ):
            field.setEnabled(sample is not None)
            field.setReadOnly(not self.state.editable)
            if field.text().strip() != text.strip():
                field.setText(text)

    def _show_at(self) -> None:
        row = self.baseline.currentRow()
        baseline = self.state.scope.baseline
        found = baseline[row] if 0 <= row < len(baseline) else None
        self.remove_at.setEnabled(self.state.editable and found is not None)
        self.assistive_tech.setEnabled(found is not None and self.state.editable)
        if found is not None and self.assistive_tech.currentText() != found.assistive_tech:
            self.assistive_tech.setEditText(found.assistive_tech)
        for key, field in self.at_fields.items():
            field.setEnabled(found is not None)
            field.setReadOnly(not self.state.editable)
            text = getattr(found, key) if found else ""
            if field.text() != text:
                field.setText(text)

    # ---- changes

    def _push(self, after: Scope, renamed: dict[str, str] | None = None, typing: str = "") -> None:
        self.problem.setText("")
        if self.state.editable and after != self.state.scope:
            self.undo.push(SetScope(self, self.state, after, renamed or {}, typing))

    def _change(self, typing: str = "", **fields: str) -> None:
        self._push(self.state.scope.model_copy(update=fields), typing=typing)

    def _refuse(self, text: str) -> None:
        self.problem.setText(f"Not saved yet: {text}.")
        announce(self.problem, self.problem.text())

    def _add_sample(self) -> None:
        taken = {s.name.casefold() for s in self.state.scope.samples}
        number = len(taken) + 1
        while f"sample {number}" in taken:
            number += 1
        samples = (*self.state.scope.samples, Sample(name=f"Sample {number}"))
        self._push(self.state.scope.model_copy(update={"samples": samples}))
        self.table.setCurrentCell(len(samples) - 1, 0)
        self.sample_name.setFocus(Qt.FocusReason.OtherFocusReason)
        self.sample_name.selectAll()
        announce(self.sample_name, f"Added Sample {number}; type its name")

    def _remove_sample(self) -> None:
        row = self.table.currentRow()
        samples = list(self.state.scope.samples)
        if not 0 <= row < len(samples):
            return
        gone = samples.pop(row)
        count = sum(1 for cell in self.state.cells.values() if cell.sample == gone.name)
        self._push(self.state.scope.model_copy(update={"samples": tuple(samples)}))
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        announce(self.table, f"Removed the sample {gone.name} and its {count} results")

    def _sample_edited(self, **fields: str) -> None:
        row = self.table.currentRow()
        samples = list(self.state.scope.samples)
        if not 0 <= row < len(samples):
            return
        old = samples[row]
        new_name = fields.get("name", old.name)
        others = {s.name.casefold() for i, s in enumerate(samples) if i != row}
        if not new_name:
            self._refuse("a sample needs a name")
            return
        if new_name.casefold() in others:
            self._refuse(f"another sample is called {new_name}")
            return
        samples[row] = old.model_copy(update=fields)
        renamed = {old.name: new_name} if new_name != old.name else {}
        field = next(iter(fields))
        self._push(
            self.state.scope.model_copy(update={"samples": tuple(samples)}),
            renamed,
            f"sample-{field}-{row}",
        )

    def _add_at(self) -> None:
        baseline = (*self.state.scope.baseline, AtCombination(assistive_tech="Keyboard only"))
        self._push(self.state.scope.model_copy(update={"baseline": baseline}))
        self.baseline.setCurrentCell(len(baseline) - 1, 0)
        self.assistive_tech.setFocus(Qt.FocusReason.OtherFocusReason)
        announce(self.assistive_tech, "Added a combination; choose or type its technology")

    def _remove_at(self) -> None:
        row = self.baseline.currentRow()
        baseline = list(self.state.scope.baseline)
        if 0 <= row < len(baseline):
            gone = baseline.pop(row)
            self._push(self.state.scope.model_copy(update={"baseline": tuple(baseline)}))
            self.baseline.setFocus(Qt.FocusReason.OtherFocusReason)
            announce(self.baseline, f"Removed {gone.label()}")

    def _at_edited(self, key: str, text: str, typing: str) -> None:
        row = self.baseline.currentRow()
        baseline = list(self.state.scope.baseline)
        if not 0 <= row < len(baseline):
            return
        if key == "assistive_tech" and not text.strip():
            self._refuse("name the assistive technology")
            return
        baseline[row] = baseline[row].model_copy(update={key: text.strip()})
        self._push(self.state.scope.model_copy(update={"baseline": tuple(baseline)}), None, typing)
