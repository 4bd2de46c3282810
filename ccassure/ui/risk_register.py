"""The DPIA risk register: a table, a form for the chosen risk, and live heat maps."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
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
from ccassure.ui.layouts import FlowLayout
from ccassure.ui.record_panel import Record, RecordPanel


class RiskRegister(RecordPanel):
    """Every change saves at once; the heat maps and the Art 36 flag follow live."""

    columns = ("Ref", "Risk", "Inherent", "Effect", "Residual", "Status")
    prefix = "R"

    def __init__(self, template: Template, undo: QUndoStack) -> None:
        super().__init__(
            undo,
            "Risk register",
            "Choose a risk to edit it below",
            "Add a &risk",
            "Re&move this risk",
        )
        self.template = template
        self.header: Header | None = None
        layout = self.layout_
        self.flag = QLabel()
        self.flag.setWordWrap(True)
        layout.addWidget(self.flag)
        layout.addWidget(self.table)
        layout.addLayout(self.buttons)
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
            ("T&itle:", self.title),
            ("Source and &nature of harm:", self.source),
            ("&Likelihood:", self.likelihood),
            ("Severit&y:", self.severity),
            ("Me&asures:", self.measures),
            ("Effe&ct:", self.effect),
            ("Residual likelihood:", self.residual_likelihood),
            ("Residual severity:", self.residual_severity),
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
        self.header = document.assessment
        self.set_records(document.assessment.id or 0, list(document.risks), editable)

    @property
    def risks(self) -> list[Risk]:
        return [r for r in self.records if isinstance(r, Risk)]

    def new_record(self, ref: str) -> Record:
        scale = self.template.scales
        return Risk(
            ref=ref,
            title="New risk",
            likelihood=scale["likelihood"].keys()[0],
            severity=scale["severity"].keys()[0],
        )

    def row_values(self, record: Record) -> tuple[str, ...]:
        assert isinstance(record, Risk)
        t = self.template
        return (
            record.ref,
            record.title,
            inherent_rating(t, record),
            record.effect or "-",
            residual_rating(t, record),
            record.status,
        )

    def add(self) -> None:
        super().add()
        self.title.setFocus()
        self.title.selectAll()

    def show_record(self, record: Record | None) -> None:
        risk = record if isinstance(record, Risk) else None
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
        risk = self.current()
        if isinstance(risk, Risk):
            self.push(risk, self._from_form(risk))

    def after_change(self) -> None:
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
