"""The evaluation grid section: criteria × samples, outcomes by key, notes, filters, EIA links."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ccassure.domain.conformance import OUTCOME_LABELS, Level
from ccassure.domain.document import Evaluation
from ccassure.domain.evaluation import PRINCIPLES, grid_text, matches
from ccassure.ui.a11y import announce, name
from ccassure.ui.editor_fields import note_label
from ccassure.ui.evaluation_commands import SetCell, SetLink
from ccassure.ui.evaluation_model import SAMPLE_COLUMN, GridModel
from ccassure.ui.evaluation_state import EvaluationState
from ccassure.ui.layouts import FocusFrameDelegate, WrappingHeader

OUTCOME_KEYS = {
    Qt.Key.Key_P: "passed",
    Qt.Key.Key_F: "failed",
    Qt.Key.Key_C: "cant_tell",
    Qt.Key.Key_N: "inapplicable",
    Qt.Key.Key_U: "untested",
}
LEVEL_CHOICES: tuple[tuple[str, tuple[Level, ...] | None], ...] = (
    ("Any level", None),
    ("Level A", ("A",)),
    ("Level AA", ("AA",)),
    ("Level AAA", ("AAA",)),
    ("Levels A and AA", ("A", "AA")),
)
HELP = (
    "A row per success criterion, a column per sample. On a sample's cell press P passed, "
    "F failed, C cannot tell, N not present or U not checked; Enter goes to its notes (* marks "
    "a cell with notes). Conformance is the ACR term, '(so far)' while samples are unchecked."
)


class GridTable(QTableView):
    """Letters set the current cell's outcome; Enter asks for its notes."""

    outcome_key = Signal(str)
    notes_wanted = Signal()

    def sizeHint(self) -> QSize:
        """Less than half the window high, so the cell's notes stay in view below it."""
        height = max(self.minimumHeight(), int(self.window().height() * 0.4))
        return QSize(super().sizeHint().width(), height)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        plain = not (
            event.modifiers()
            & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier)
        )
        on_cell = self.currentIndex().column() >= SAMPLE_COLUMN
        key = Qt.Key(event.key())
        if plain and on_cell and key in OUTCOME_KEYS:
            self.outcome_key.emit(OUTCOME_KEYS[key])
        elif plain and on_cell and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.notes_wanted.emit()
        else:
            super().keyPressEvent(event)


class EvaluationGridPanel(QWidget):
    """Every change is an undoable step, saved at once; terms and progress follow live."""

    def __init__(self, state: EvaluationState, undo: QUndoStack) -> None:
        super().__init__()
        self.state, self.undo = state, undo
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Evaluation grid (WCAG-EM step 4)</h2>"))
        layout.addWidget(note_label(HELP))
        layout.addLayout(self._filters())
        self.summary = note_label("")
        name(self.summary, "Grid summary")
        layout.addWidget(self.summary)
        self.no_samples = note_label("Add samples in the Evaluation scope section first.")
        layout.addWidget(self.no_samples)
        self.model = GridModel()
        self.table = self._table()
        caption = QLabel("&Grid:")
        caption.setBuddy(self.table)
        layout.addWidget(caption)
        layout.addWidget(self.table)
        layout.addLayout(self._detail())
        layout.addStretch(1)  # the editor's pages are as tall as its longest section
        state.scope_changed.connect(self.refresh)
        state.cell_changed.connect(self._cell_changed)
        state.links_changed.connect(self._links_changed)
        state.targets_changed.connect(self._targets_changed)
        self.refresh()

    def _filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.level = QComboBox()
        for label, levels in LEVEL_CHOICES:
            self.level.addItem(label, levels)
        self.principle = QComboBox()
        self.principle.addItem("Any principle", None)
        for principle in PRINCIPLES:
            self.principle.addItem(principle, principle)
        for text, combo in (("Show &level:", self.level), ("&Principle:", self.principle)):
            caption = QLabel(text)
            caption.setBuddy(combo)
            name(combo, text.replace("&", "").rstrip(":"), "Which criteria the grid shows")
            combo.currentIndexChanged.connect(lambda _i: self._filtered())
            row.addWidget(caption)
            row.addWidget(combo)
        row.addStretch(1)
        return row

    def _table(self) -> GridTable:
        table = GridTable()
        table.setModel(self.model)
        name(table, "Evaluation grid", "Criteria by sample; letters set the outcome of a cell")
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)
        table.setItemDelegate(FocusFrameDelegate(table))
        table.setVerticalHeader(WrappingHeader(table))
        table.verticalHeader().setMaximumWidth(180)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.setMinimumHeight(table.fontMetrics().height() * 11)
        selection = table.selectionModel()
        selection.currentChanged.connect(lambda current, _old: self._show_cell(current))
        table.outcome_key.connect(self._set_outcome)
        table.notes_wanted.connect(self._to_notes)
        return table

    def _detail(self) -> QGridLayout:
        grid = QGridLayout()
        self.cell_label = note_label("")
        name(self.cell_label, "Chosen cell")
        grid.addWidget(self.cell_label, 0, 0, 1, 3)
        self.outcome = QComboBox()
        for key, label in OUTCOME_LABELS.items():
            self.outcome.addItem(label, key)
        self.outcome.activated.connect(lambda _i: self._set_outcome(self.outcome.currentData()))
        self.target = QComboBox()
        self.target.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.target.setMinimumContentsLength(20)
        self.link_button = QPushButton()
        self.link_button.clicked.connect(self._toggle_link)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(self.notes.fontMetrics().height() * 3 + 12)
        self._typed = QTimer(self, singleShot=True, interval=0)
        self._typed.timeout.connect(self._commit_notes)
        self.notes.textChanged.connect(self._typed.start)
        for row, text, field in (
            (1, "&Outcome:", self.outcome),
            (2, "&Notes:", self.notes),
            (3, "Equality &assessment:", self.target),
        ):
            caption = QLabel(text)
            caption.setBuddy(field)
            name(field, text.replace("&", "").rstrip(":"))
            align = Qt.AlignmentFlag.AlignTop if row == 2 else Qt.AlignmentFlag.AlignVCenter
            grid.addWidget(caption, row, 0, align)
            grid.addWidget(field, row, 1, 1, 1 if row == 1 else 2)
        grid.addWidget(self.link_button, 4, 1, Qt.AlignmentFlag.AlignLeft)
        grid.setColumnStretch(2, 1)
        self.link_note = note_label("")
        name(self.link_note, "Links of this criterion")
        grid.addWidget(self.link_note, 5, 0, 1, 3)
        self.target.currentIndexChanged.connect(lambda _i: self._links_changed())
        return grid

    def _to_notes(self) -> None:
        """Focus the notes and scroll them into view (the editor's form scrolls)."""
        self.notes.setFocus(Qt.FocusReason.OtherFocusReason)
        scroller = self.parentWidget()
        while scroller is not None and not isinstance(scroller, QScrollArea):
            scroller = scroller.parentWidget()
        if scroller is not None:
            scroller.ensureWidgetVisible(self.notes)

    # ---- what is shown

    def _levels(self) -> tuple[Level, ...] | None:
        levels: tuple[Level, ...] | None = self.level.currentData()
        return levels

    def refresh(self) -> None:
        """Rebuild the rows and columns (scope or filter changed), keeping the chosen cell."""
        current = self._current_key()
        state = self.state
        levels, principle = self._levels(), self.principle.currentData()
        rows = tuple(r for r in state.rows() if matches(r.criterion, levels, principle))
        descriptions = {s.name: s.description for s in state.scope.samples}
        self.model.set_rows(rows, state.samples, descriptions)
        self.table.resizeRowsToContents()
        self.no_samples.setVisible(not state.samples)
        self._select(*current)
        self._update_summary()

    def _update_summary(self) -> None:
        rows = tuple(self.model.rows)
        text = grid_text(rows, len(self.state.criteria), len(self.state.samples))
        self.summary.setText(text)
        self.table.setAccessibleDescription(text)  # read out when the grid takes the focus

    def _filtered(self) -> None:
        self.refresh()
        announce(
            self.table, f"Showing {len(self.model.rows)} of {len(self.state.criteria)} criteria"
        )

    def _current_key(self) -> tuple[str, str]:
        index = self.table.currentIndex()
        if not index.isValid():
            return "", ""
        number = self.model.rows[index.row()].criterion.number
        cell = self.model.cell(index)
        return number, cell.sample if cell else ""

    def _select(self, number: str, sample: str) -> None:
        row = self.model.row_of(number) if number else None
        column = (
            SAMPLE_COLUMN + self.model.samples.index(sample)
            if sample in self.model.samples
            else (SAMPLE_COLUMN if self.model.samples else 0)
        )
        if self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(row or 0, column))
        self._show_cell(self.table.currentIndex())

    def _show_cell(self, index: QModelIndex) -> None:
        cell = self.model.cell(index)
        editable = self.state.editable and cell is not None
        self.outcome.setEnabled(editable)
        self.notes.setEnabled(cell is not None)
        self.notes.setReadOnly(not self.state.editable)
        self.notes.blockSignals(True)
        if cell is not None:
            self.outcome.setCurrentIndex(max(0, self.outcome.findData(cell.outcome)))
            if self.notes.toPlainText() != cell.notes:
                self.notes.setPlainText(cell.notes)
        else:
            self.notes.setPlainText("")
        self.notes.blockSignals(False)
        self.cell_label.setText(self._describe(index, cell))
        self._links_changed()

    def _describe(self, index: QModelIndex, cell: Evaluation | None) -> str:
        if not index.isValid():
            return "No criterion chosen."
        row = self.model.rows[index.row()]
        found = f"{row.criterion.label} (Level {row.criterion.level}, {row.criterion.principle})"
        if cell is None:
            return f"{found}: {row.conformance.label}, {row.conformance.progress}."
        return (
            f"{found} on {cell.sample}: {OUTCOME_LABELS[cell.outcome]}. The criterion: "
            f"{row.conformance.label}, {row.conformance.progress}."
        )

    # ---- changes

    def _set_outcome(self, outcome: str) -> None:
        cell = self.model.cell(self.table.currentIndex())
        if cell is None:
            return
        if not self.state.editable:
            announce(self.table, "This version is read-only")
            return
        after = cell.model_copy(update={"outcome": outcome})
        if after != cell:
            self.undo.push(SetCell(self, self.state, cell, after))
        row = self.state.row(cell.criterion)
        announce(
            self.table,
            f"{OUTCOME_LABELS[after.outcome]}. {row.criterion.number} "
            f"{row.conformance.label}, {row.conformance.progress}",
        )

    def _commit_notes(self) -> None:
        cell = self.model.cell(self.table.currentIndex())
        if cell is not None and self.state.editable and cell.notes != self.notes.toPlainText():
            after = cell.model_copy(update={"notes": self.notes.toPlainText()})
            self.undo.push(SetCell(self, self.state, cell, after))

    def _cell_changed(self, evaluation: Evaluation) -> None:
        found = self.model.replace_row(self.state.row(evaluation.criterion))
        self._update_summary()
        if found is None:
            return
        if self._current_key() != (evaluation.criterion, evaluation.sample):
            self._select(evaluation.criterion, evaluation.sample)  # an undo or redo elsewhere
        else:
            self._show_cell(self.table.currentIndex())

    def _targets_changed(self) -> None:
        self.target.blockSignals(True)
        self.target.clear()
        for target in self.state.targets:
            self.target.addItem(target.label, target.uid)
        self.target.blockSignals(False)
        self._links_changed()

    def _chosen_link(self) -> tuple[str, str] | None:
        index = self.table.currentIndex()
        uid = self.target.currentData()
        if not index.isValid() or not uid:
            return None
        return self.model.rows[index.row()].criterion.number, str(uid)

    def _links_changed(self) -> None:
        chosen = self._chosen_link()
        linked = chosen is not None and self.state.link_for(*chosen) in self.state.links
        self.link_button.setText(
            "Unl&ink this criterion from the disability line"
            if linked
            else "L&ink this criterion to the disability line"
        )
        name(self.link_button, self.link_button.text().replace("&", ""))
        self.link_button.setEnabled(self.state.editable and chosen is not None)
        self.target.setEnabled(bool(self.state.targets))
        index = self.table.currentIndex()
        row = None
        if index.isValid():  # the link column follows
            row = self.state.row(self.model.rows[index.row()].criterion.number)
            self.model.replace_row(row)
        titles = [self.state.target_title(link.target_uid) for link in (row.links if row else ())]
        self.link_note.setText(
            "Linked to the disability line of: " + "; ".join(titles)
            if titles
            else ("No equality impact assessment to link to." if not self.state.targets else "")
        )

    def _toggle_link(self) -> None:
        chosen = self._chosen_link()
        if chosen is None:
            return
        link = self.state.link_for(*chosen)
        linked = link not in self.state.links
        self.undo.push(SetLink(self, self.state, link, linked))
        title = self.state.target_title(link.target_uid)
        announce(
            self.link_button,
            f"{chosen[0]} {'linked to' if linked else 'unlinked from'} the disability line of "
            f"{title}",
        )
