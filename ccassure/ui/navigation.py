"""Navigation: programme, components and assessments, with filters by kind, status, owner, due."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ccassure.domain.kinds import KINDS
from ccassure.domain.summary import AssessmentSummary
from ccassure.ui.a11y import name
from ccassure.ui.layouts import WrappingDelegate
from ccassure.ui.models import KIND_LABELS, STATUS_LABELS, status_text

ID_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2
STATUS_ROLE = Qt.ItemDataRole.UserRole + 3
OWNER_ROLE = Qt.ItemDataRole.UserRole + 4
DUE_ROLE = Qt.ItemDataRole.UserRole + 5
REVIEW_WINDOW = timedelta(days=60)


def build_model(summaries: Sequence[AssessmentSummary]) -> QStandardItemModel:
    model = QStandardItemModel()
    model.setHorizontalHeaderLabels(["Programme, components and assessments"])
    parents: dict[tuple[str, ...], QStandardItem] = {}
    for summary in summaries:
        programme = parents.get((summary.programme,))
        if programme is None:
            programme = QStandardItem(summary.programme)
            programme.setEditable(False)
            model.appendRow(programme)
            parents[(summary.programme,)] = programme
        component = parents.get((summary.programme, summary.component))
        if component is None:
            component = QStandardItem(summary.component)
            component.setEditable(False)
            programme.appendRow(component)
            parents[(summary.programme, summary.component)] = component
        kind = KIND_LABELS[summary.kind]
        title = summary.title if summary.title.startswith(kind) else f"{kind}: {summary.title}"
        text = f"{title} — {status_text(summary)}"
        leaf = QStandardItem(text)
        leaf.setEditable(False)
        leaf.setToolTip(text)
        leaf.setData(text, Qt.ItemDataRole.AccessibleTextRole)
        for role, value in (
            (ID_ROLE, summary.id),
            (KIND_ROLE, summary.kind),
            (STATUS_ROLE, summary.status),
            (OWNER_ROLE, summary.owner),
            (DUE_ROLE, summary.review_due.isoformat() if summary.review_due else ""),
        ):
            leaf.setData(value, role)
        component.appendRow(leaf)
    return model


class NavigationFilter(QSortFilterProxyModel):
    """Keeps assessments that match every filter, and the components and programme above them."""

    def __init__(self) -> None:
        super().__init__()
        self.setRecursiveFilteringEnabled(True)
        self.kind = self.status = self.owner = ""
        self.due_by: date | None = None

    def set_filters(self, kind: str, status: str, owner: str, due_by: date | None) -> None:
        self.beginFilterChange()
        self.kind, self.status, self.owner, self.due_by = kind, status, owner, due_by
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        index = self.sourceModel().index(row, 0, parent)
        ident = index.data(ID_ROLE)
        if ident is None:  # programme and component rows show when a child matches
            return not (self.kind or self.status or self.owner or self.due_by)
        due = index.data(DUE_ROLE)
        return bool(
            (not self.kind or index.data(KIND_ROLE) == self.kind)
            and (not self.status or index.data(STATUS_ROLE) == self.status)
            and (not self.owner or index.data(OWNER_ROLE) == self.owner)
            and (self.due_by is None or (due and date.fromisoformat(due) <= self.due_by))
        )


class NavigationPanel(QWidget):
    """Filters above a tree; Enter on an assessment opens it."""

    open_assessment = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = date.today()
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.kind = self._combo("Kind", [("", "All kinds")] + [(k, KIND_LABELS[k]) for k in KINDS])
        self.status = self._combo(
            "Status",
            [("", "Any status")]
            + [
                (s, STATUS_LABELS[s])
                for s in ("draft", "in_review", "changes_requested", "approved")
            ],
        )
        self.owner = self._combo("Owner", [("", "Anyone")])
        self.due = QCheckBox("Review due within &60 days")
        name(
            self.due,
            "Review due within 60 days",
            "Show only assessments whose review is due within 60 days or overdue",
        )
        for label, widget in (
            ("&Kind:", self.kind),
            ("&Status:", self.status),
            ("O&wner:", self.owner),
        ):
            caption = QLabel(label)
            caption.setBuddy(widget)
            form.addRow(caption, widget)
        form.addRow(self.due)
        layout.addLayout(form)
        self.filter = NavigationFilter()
        self.tree = QTreeView()
        name(
            self.tree,
            "Assessments",
            "Programme, components and their assessments; Enter opens the selected assessment",
        )
        self.tree.setModel(self.filter)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setHeaderHidden(True)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setItemDelegate(WrappingDelegate(self.tree))
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.viewport().installEventFilter(self)
        self.tree.activated.connect(self._activated)
        layout.addWidget(self.tree, 1)
        self.count = QLabel()
        self.count.setWordWrap(True)
        layout.addWidget(self.count)
        for combo in (self.kind, self.status, self.owner):
            combo.currentIndexChanged.connect(self._filters_changed)
        self.due.toggled.connect(self._filters_changed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.tree.viewport() and event.type() == QEvent.Type.Resize:
            self.tree.scheduleDelayedItemsLayout()  # rows re-wrap to the new width
        return False

    def _combo(self, label: str, entries: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox()
        name(combo, f"Filter by {label.lower()}")
        for key, text in entries:
            combo.addItem(text, key)
        return combo

    def load(self, summaries: Sequence[AssessmentSummary], today: date) -> None:
        self.today = today
        self.model = build_model(summaries)
        self.filter.setSourceModel(self.model)
        owner = self.owner.currentData()
        self.owner.blockSignals(True)
        self.owner.clear()
        self.owner.addItem("Anyone", "")
        for person in sorted({s.owner for s in summaries if s.owner}):
            self.owner.addItem(person, person)
        self.owner.setCurrentIndex(max(0, self.owner.findData(owner)))
        self.owner.blockSignals(False)
        self._filters_changed()

    def _filters_changed(self) -> None:
        self.filter.set_filters(
            self.kind.currentData() or "",
            self.status.currentData() or "",
            self.owner.currentData() or "",
            self.today + REVIEW_WINDOW if self.due.isChecked() else None,
        )
        self.tree.expandAll()
        shown = self._count(QModelIndex())
        self.count.setText(f"{shown} assessment{'s' if shown != 1 else ''} shown")

    def _count(self, parent: QModelIndex) -> int:
        total = 0
        for row in range(self.filter.rowCount(parent)):
            index = self.filter.index(row, 0, parent)
            total += 1 if index.data(ID_ROLE) is not None else self._count(index)
        return total

    def _activated(self, index: QModelIndex) -> None:
        ident = index.data(ID_ROLE)
        if ident is not None:
            self.open_assessment.emit(int(ident))

    def select(self, assessment_id: int) -> None:
        """Move the tree's selection to an assessment opened from elsewhere."""
        matches = self.filter.match(
            self.filter.index(0, 0),
            ID_ROLE,
            assessment_id,
            1,
            Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly,
        )
        if matches:
            self.tree.setCurrentIndex(matches[0])
