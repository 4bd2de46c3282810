"""The EIA impact matrix: every protected characteristic, its impact and the reasons for it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QListWidget, QPlainTextEdit

from ccassure.domain.document import AssessmentDocument, Impact
from ccassure.domain.templates import Template
from ccassure.ui.a11y import name
from ccassure.ui.record_panel import Record, RecordPanel

if TYPE_CHECKING:
    from ccassure.services.evaluation import LinkedFinding


class ImpactMatrix(RecordPanel):
    """One row per characteristic (always all nine); choose a row and describe the impact."""

    columns = ("Characteristic", "Impact", "Rationale", "Evidence", "Mitigation")

    def __init__(self, template: Template, undo: QUndoStack) -> None:
        super().__init__(
            undo,
            "Impact on each protected characteristic",
            "One row per characteristic; choose one to describe its impact below",
            "",
            "",
        )
        self.template = template
        self.labels = {c.key: c.label for c in template.lists.get("protected_characteristics", ())}
        self.add_button.hide()
        self.delete_button.hide()
        self.layout_.addWidget(self.table)
        self._changed = QTimer(self, singleShot=True, interval=0)
        self._changed.timeout.connect(self._commit)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.effect = QComboBox()
        for level in template.scales["impact"].levels:
            self.effect.addItem(level.label, level.key)
        self.effect.activated.connect(lambda _i: self._changed.start())
        self.rationale, self.evidence, self.mitigation = (QPlainTextEdit() for _ in range(3))
        for label, field in (
            ("&Impact:", self.effect),
            ("&Rationale:", self.rationale),
            ("Eviden&ce:", self.evidence),
            ("&Mitigation:", self.mitigation),
        ):
            caption = QLabel(label)
            caption.setBuddy(field)
            name(field, label.replace("&", "").rstrip(":"))
            if isinstance(field, QPlainTextEdit):
                field.setTabChangesFocus(True)
                field.setMaximumHeight(field.fontMetrics().height() * 5)
                field.textChanged.connect(self._changed.start)
            form.addRow(caption, field)
        self.layout_.addLayout(form)
        self.findings: list[LinkedFinding] = []
        self.linked_caption = QLabel("&Linked from accessibility (read-only):")
        self.linked = QListWidget()
        name(
            self.linked,
            "Findings linked from accessibility",
            "Read-only; set in the evaluation grid or the issue log",
        )
        self.linked.setWordWrap(True)
        self.linked.setMaximumHeight(self.linked.fontMetrics().height() * 6)
        self.linked_caption.setBuddy(self.linked)
        self.layout_.addWidget(self.linked_caption)
        self.layout_.addWidget(self.linked)
        self.layout_.addStretch(1)
        self._show_linked(None)

    def load(self, document: AssessmentDocument, editable: bool) -> None:
        """All nine rows; a characteristic not yet assessed shows as unknown until edited."""
        found = {impact.characteristic: impact for impact in document.impacts}
        rows: list[Record] = [
            found.get(key) or Impact(characteristic=key, effect="unknown") for key in self.labels
        ]
        self.set_records(document.assessment.id or 0, rows, editable)

    def row_values(self, record: Record) -> tuple[str, ...]:
        assert isinstance(record, Impact)
        effect = next(
            (lv.label for lv in self.template.scales["impact"].levels if lv.key == record.effect),
            record.effect,
        )
        return (
            self.labels.get(record.characteristic, record.characteristic),
            effect,
            record.rationale,
            record.evidence,
            record.mitigation,
        )

    def show_record(self, record: Record | None) -> None:
        texts = (self.rationale, self.evidence, self.mitigation)
        for field in texts:
            field.blockSignals(True)
            field.setEnabled(record is not None)
            field.setReadOnly(not self.editable)
        self.effect.setEnabled(record is not None and self.editable)
        if isinstance(record, Impact):
            self.effect.setCurrentIndex(max(0, self.effect.findData(record.effect)))
            self.rationale.setPlainText(record.rationale)
            self.evidence.setPlainText(record.evidence)
            self.mitigation.setPlainText(record.mitigation)
        for field in texts:
            field.blockSignals(False)
        self._show_linked(record)

    def set_linked(self, findings: list[LinkedFinding]) -> None:
        """Findings of other assessments linked to these impact lines (read-only here)."""
        self.findings = findings
        self._show_linked(self.current())

    def _show_linked(self, record: Record | None) -> None:
        key = record.characteristic if isinstance(record, Impact) else ""
        found = [f for f in self.findings if f.characteristic == key]
        self.linked.clear()
        self.linked.addItems([f"{f.label} — {f.assessment}" for f in found])
        self.linked_caption.setVisible(bool(found))
        self.linked.setVisible(bool(found))

    def _commit(self) -> None:
        impact = self.current()
        if isinstance(impact, Impact):
            self.push(
                impact,
                impact.model_copy(
                    update={
                        "effect": self.effect.currentData(),
                        "rationale": self.rationale.toPlainText(),
                        "evidence": self.evidence.toPlainText(),
                        "mitigation": self.mitigation.toPlainText(),
                    }
                ),
            )
