"""The DPIA risk register: a table, a form for the chosen risk, and live heat maps."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ccassure.domain.document import AssessmentDocument, Header, Risk
from ccassure.domain.scoring import (
    RISK_MATRIX,
    inherent_rating,
    needs_prior_consultation,
    rate,
    residual_rating,
)
from ccassure.domain.templates import Template
from ccassure.ui.a11y import announce, name
from ccassure.ui.charts import Element, HeatMap
from ccassure.ui.layouts import FlowLayout, FocusFrameDelegate

COLUMNS = ("Ref", "Risk", "Inherent", "Effect", "Residual", "Status")
TEXT_FIELDS = frozenset({"title", "source", "measures", "owner", "description"})


def _changed_fields(before: Risk | None, after: Risk | None) -> frozenset[str]:
    if before is None or after is None:
        return frozenset({"*"})
    old, new = before.model_dump(), after.model_dump()
    return frozenset(key for key in new if old[key] != new[key])


class SetRisk(QUndoCommand):
    """Add, change or remove one risk (None on either side means absent)."""

    def __init__(self, register: RiskRegister, before: Risk | None, after: Risk | None) -> None:
        super().__init__("change a risk")
        self.register, self.before, self.after = register, before, after
        self.fields = _changed_fields(before, after)

    def id(self) -> int:
        return 2

    def mergeWith(self, other: QUndoCommand) -> bool:
        # Typing into one text field is one step; every other change is a step of its own.
        same = (
            isinstance(other, SetRisk)
            and self.before is not None
            and self.after is not None
            and other.after is not None
            and other.after.ref == self.after.ref
            and other.fields == self.fields
            and self.fields <= TEXT_FIELDS
        )
        if same and isinstance(other, SetRisk):
            self.after = other.after
        return same

    def redo(self) -> None:
        self.register.apply(self.before, self.after)

    def undo(self) -> None:
        self.register.apply(self.after, self.before)


class RiskRegister(QWidget):
    """Every change saves at once; the heat maps and the Art 36 flag follow live."""

    save_risk = Signal(int, object)
    remove_risk = Signal(int, str)

    def __init__(self, template: Template, undo: QUndoStack) -> None:
        super().__init__()
        self.template, self.undo = template, undo
        self.assessment_id = 0
        self.header: Header | None = None
        self.risks: list[Risk] = []
        self.editable = True
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Risk register</h2>"))
        self.flag = QLabel()
        self.flag.setWordWrap(True)
        layout.addWidget(self.flag)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.setItemDelegate(FocusFrameDelegate(self.table))
        self.table.horizontalHeader().setStretchLastSection(True)
        name(self.table, "Risks", "Choose a risk to edit it below")
        self.table.currentCellChanged.connect(lambda row, *_: self._show(row))
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Add a &risk")
        name(self.add_button, "Add a risk")
        self.add_button.clicked.connect(self.add)
        self.delete_button = QPushButton("Re&move this risk")
        name(self.delete_button, "Remove this risk")
        self.delete_button.clicked.connect(self.delete)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addLayout(self._form())
        maps = FlowLayout(spacing=24)
        rows = [lk.title() for lk in reversed(template.scales["likelihood"].keys())]
        columns = [s.title() for s in template.scales["severity"].keys()]
        self.inherent_map = HeatMap("Inherent risk (before measures)", rows, columns)
        self.residual_map = HeatMap("Residual risk (after measures)", rows, columns)
        for chart in (self.inherent_map, self.residual_map):
            panel = QWidget()
            box = QVBoxLayout(panel)
            box.addWidget(QLabel(f"<b>{chart.title}</b>"))
            box.addWidget(chart)
            maps.addWidget(panel)
        holder = QWidget()
        holder.setLayout(maps)
        layout.addWidget(holder)
        layout.addStretch(1)

    def _combo(self, label: str, scale: str, blank: bool) -> QComboBox:
        combo = QComboBox()
        if blank:
            combo.addItem("(not assessed)", "")
        for level in self.template.scales[scale].levels:
            combo.addItem(level.label, level.key)
        name(combo, label)
        combo.activated.connect(lambda _i: self._changed.start())
        return combo

    def _form(self) -> QFormLayout:
        self._changed = QTimer(self, singleShot=True, interval=0)
        self._changed.timeout.connect(self._commit)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.title = QLineEdit()
        self.source = QPlainTextEdit()
        self.measures = QPlainTextEdit()
        self.owner = QLineEdit()
        for widget in (self.title, self.owner):
            widget.textEdited.connect(lambda _t: self._changed.start())
        for text in (self.source, self.measures):
            text.setTabChangesFocus(True)
            text.setMaximumHeight(text.fontMetrics().height() * 5)
            text.textChanged.connect(self._changed.start)
        self.likelihood = self._combo("Likelihood of harm", "likelihood", False)
        self.severity = self._combo("Severity of harm", "severity", False)
        self.effect = self._combo("Effect of the measures", "effect", True)
        self.residual_likelihood = self._combo("Residual likelihood", "likelihood", True)
        self.residual_severity = self._combo("Residual severity", "severity", True)
        self.approved = QCheckBox("Measure approved")
        self.approved.toggled.connect(lambda _on: self._changed.start())
        rows: tuple[tuple[str, QWidget], ...] = (
            ("&Title:", self.title),
            ("Source and &nature of harm:", self.source),
            ("&Likelihood:", self.likelihood),
            ("Se&verity:", self.severity),
            ("Mea&sures:", self.measures),
            ("E&ffect:", self.effect),
            ("Residual li&kelihood:", self.residual_likelihood),
            ("Residual s&everity:", self.residual_severity),
            ("&Owner:", self.owner),
        )
        for label, field in rows:
            caption = QLabel(label)
            caption.setBuddy(field)
            if not field.accessibleName():
                name(field, label.replace("&", "").rstrip(":"))
            form.addRow(caption, field)
        form.addRow(self.approved)
        return form

    def load(self, document: AssessmentDocument, editable: bool) -> None:
        self.assessment_id = document.assessment.id or 0
        self.header = document.assessment
        self.risks = list(document.risks)
        self.editable = editable
        for widget in (self.add_button, self.delete_button):
            widget.setEnabled(editable)
        self._refresh(select=0)

    def _current(self) -> Risk | None:
        row = self.table.currentRow()
        return self.risks[row] if 0 <= row < len(self.risks) else None

    def _show(self, row: int) -> None:
        risk = self.risks[row] if 0 <= row < len(self.risks) else None
        widgets = (
            self.title,
            self.source,
            self.measures,
            self.owner,
            self.likelihood,
            self.severity,
            self.effect,
            self.residual_likelihood,
            self.residual_severity,
            self.approved,
        )
        for widget in widgets:
            widget.blockSignals(True)
            if isinstance(widget, QLineEdit | QPlainTextEdit):  # read-only text stays readable
                widget.setEnabled(risk is not None)
                widget.setReadOnly(not self.editable)
            else:
                widget.setEnabled(risk is not None and self.editable)
        if risk is not None:
            self.title.setText(risk.title)
            self.source.setPlainText(risk.source)
            self.measures.setPlainText(risk.measures)
            self.owner.setText(risk.owner)
            for combo, value in (
                (self.likelihood, risk.likelihood),
                (self.severity, risk.severity),
                (self.effect, risk.effect),
                (self.residual_likelihood, risk.residual_likelihood),
                (self.residual_severity, risk.residual_severity),
            ):
                combo.setCurrentIndex(max(0, combo.findData(value)))
            self.approved.setChecked(risk.measure_approved)
        for widget in widgets:
            widget.blockSignals(False)

    def _from_form(self, risk: Risk) -> Risk:
        return risk.model_copy(
            update={
                "title": self.title.text().strip() or risk.title,
                "source": self.source.toPlainText(),
                "measures": self.measures.toPlainText(),
                "owner": self.owner.text(),
                "likelihood": self.likelihood.currentData(),
                "severity": self.severity.currentData(),
                "effect": self.effect.currentData() or "",
                "residual_likelihood": self.residual_likelihood.currentData() or "",
                "residual_severity": self.residual_severity.currentData() or "",
                "measure_approved": self.approved.isChecked(),
            }
        )

    def _commit(self) -> None:
        risk = self._current()
        if risk is not None and self.editable:
            changed = self._from_form(risk)
            if changed != risk:
                self.undo.push(SetRisk(self, risk, changed))

    def add(self) -> None:
        numbers = [int(r.ref[1:]) for r in self.risks if r.ref[1:].isdigit()]
        scale = self.template.scales
        risk = Risk(
            ref=f"R{max(numbers, default=0) + 1:02d}",
            title="New risk",
            likelihood=scale["likelihood"].keys()[0],
            severity=scale["severity"].keys()[0],
        )
        self.undo.push(SetRisk(self, None, risk))
        self.title.setFocus()
        self.title.selectAll()

    def delete(self) -> None:
        risk = self._current()
        if risk is not None:
            self.undo.push(SetRisk(self, risk, None))

    def apply(self, before: Risk | None, after: Risk | None) -> None:
        """Show and save one change (from an edit, an undo or a redo)."""
        target = after or before
        if target is None:
            return
        ref = target.ref
        index = next((i for i, r in enumerate(self.risks) if r.ref == ref), None)
        if after is None:
            if index is not None:
                self.risks.pop(index)
            self.remove_risk.emit(self.assessment_id, ref)
        else:
            if index is None:
                self.risks.append(after)
                index = len(self.risks) - 1
            else:
                self.risks[index] = after
            self.save_risk.emit(self.assessment_id, after)
        keep = index if after is not None and index is not None else max(0, (index or 0) - 1)
        self._refresh(select=keep)

    def _refresh(self, select: int) -> None:
        t = self.template
        self.table.setRowCount(len(self.risks))
        for row, risk in enumerate(self.risks):
            values = (
                risk.ref,
                risk.title,
                inherent_rating(t, risk),
                risk.effect or "-",
                residual_rating(t, risk),
                risk.status,
            )
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        for column in range(self.table.columnCount()):  # long text wraps instead of hiding
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 320))
        self.table.resizeRowsToContents()
        self.table.blockSignals(True)
        self.table.setCurrentCell(min(select, len(self.risks) - 1), 0)
        self.table.blockSignals(False)
        self._show(self.table.currentRow())
        self._maps()

    def _maps(self) -> None:
        t = self.template
        inherent = Counter((r.likelihood, r.severity) for r in self.risks if r.status == "open")
        residual = Counter(
            (r.residual_likelihood or r.likelihood, r.residual_severity or r.severity)
            for r in self.risks
            if r.status == "open" and r.effect != "eliminated"
        )
        likelihoods = list(reversed(t.scales["likelihood"].keys()))
        for chart, counts in ((self.inherent_map, inherent), (self.residual_map, residual)):
            chart.set_elements(
                [
                    Element(
                        f"{lk} likelihood, {sv} severity",
                        counts.get((lk, sv), 0),
                        rate(t, RISK_MATRIX, lk, sv),
                        (lk, sv),
                        row,
                        column,
                    )
                    for row, lk in enumerate(likelihoods)
                    for column, sv in enumerate(t.scales["severity"].keys())
                ]
            )
        if self.header is not None:
            document = AssessmentDocument(assessment=self.header, risks=tuple(self.risks))
            flagged = needs_prior_consultation(t, document)
            text = (
                "A high residual risk remains: consult the ICO before processing "
                "(UK GDPR Art 36 / DPA 2018 s65)."
                if flagged
                else "No high residual risk: prior consultation with the ICO is not needed."
            )
            if text != self.flag.text():
                self.flag.setText(text)
                announce(self.flag, text)
