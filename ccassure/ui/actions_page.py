"""Every action of the programme in one list: filters above it, sorted by any column."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QPushButton,
    QWidget,
)

from ccassure.domain.summary import ItemPage
from ccassure.services.actions import ActionChoices
from ccassure.services.item_query import ACTION_COLUMNS, ACTION_STATUSES, OVERDUE, ItemQuery
from ccassure.ui.a11y import name
from ccassure.ui.layouts import FlowLayout, labelled
from ccassure.ui.models import KIND_LABELS, STATUS_LABELS, Fetch
from ccassure.ui.pages import HEADINGS, ItemsPage

SORT_LABELS = {
    "ref": "Ref",
    "description": "Action",
    "owner": "Owner",
    "due": "Due date",
    "status": "Status",
    "component": "Component",
    "assessment": "Assessment",
}
FITTED = ("ref", "due", "status")  # as wide as their text; the others share what is left
SHARES = {"description": 40, "owner": 20, "component": 14, "assessment": 26}
ORDER_WORDS = {
    "due": ("soonest first", "latest first"),
    "status": ("open first", "cancelled first"),
}
TYPING_PAUSE_MS = 250
_ASCENDING = Qt.SortOrder.AscendingOrder


def order_words(sort: str, descending: bool) -> str:
    return ORDER_WORDS.get(sort, ("A to Z", "Z to A"))[descending]


def count_text(shown: int, total: int, filtered: bool) -> str:
    counted = f"{total:,} action{'s' if total != 1 else ''}"
    return f"{shown:,} of {counted}" if filtered else counted


class ActionsPage(ItemsPage):
    """The programme's actions; the filters and the sort ask the service for the list again."""

    requery = Signal(object)  # the new ItemQuery

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name(self, "All actions")
        self.query = ItemQuery("all_actions", sort="due")
        self.choices = ActionChoices(0, (), (), ())
        self.shown: ItemQuery | None = None  # the query behind the rows on show
        self.stale = False
        self.text = QLineEdit()
        self.text.setClearButtonEnabled(True)
        self.text.setPlaceholderText("words in the action, owner, link or assessment")
        self.text.setMinimumWidth(self.text.fontMetrics().averageCharWidth() * 30)
        name(
            self.text,
            "Filter actions by text",
            "Shows actions whose description, owner, link, ref or assessment title contain "
            "every word typed; Enter moves to the list",
        )
        self.text.returnPressed.connect(lambda: self.view.setFocus(Qt.FocusReason.OtherFocusReason))
        statuses = [(s, STATUS_LABELS[s]) for s in ACTION_STATUSES]
        self.status = _combo("Filter by status", [("", "Any status"), *statuses])
        self.status.addItem("Overdue (open or in progress, past due)", OVERDUE)
        self.owner = _combo("Filter by owner", [("", "Anyone")])
        self.kind = _combo("Filter by kind of assessment", [("", "All kinds")])
        self.component = _combo("Filter by component", [("", "All components")])
        self.sort = _combo("Sort by", list(SORT_LABELS.items()))
        self.sort.setCurrentIndex(ACTION_COLUMNS.index("due"))
        self.order = _combo("Sort order", [("", ""), ("", "")])
        self._label_order()
        self.clear_button = QPushButton("C&lear filters")
        name(self.clear_button, "Clear filters", "Show every action again (the sort stays)")
        self.clear_button.clicked.connect(self.clear_filters)
        bar = QWidget()
        flow = FlowLayout(bar, spacing=12)
        flow.setContentsMargins(0, 0, 0, 0)
        for caption, widget in (
            ("Te&xt:", self.text),
            ("Stat&us:", self.status),
            ("&Owner:", self.owner),
            ("Ki&nd:", self.kind),
            ("&Component:", self.component),
        ):
            flow.addWidget(labelled(caption, widget))
        flow.addWidget(labelled("Sort b&y:", self.sort, self.order))
        flow.addWidget(self.clear_button)
        self.layout_.insertWidget(self.layout_.indexOf(self.view), bar)
        header = self.view.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(ACTION_COLUMNS.index("due"), Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(self._header_sorted)
        order = [self.back_button, self.text, self.status, self.owner, self.kind]
        order += [self.component, self.sort, self.order, self.clear_button, self.view]
        for before, after in pairwise(order):
            QWidget.setTabOrder(before, after)
        self._fitted_width = 0
        self._refit = QTimer(self, singleShot=True, interval=100)
        self._refit.timeout.connect(self.fit_columns)
        self._typing = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self._typing.timeout.connect(self._filters_changed)
        self.text.textChanged.connect(lambda _text: self._typing.start())
        for combo in (self.status, self.owner, self.kind, self.component, self.order):
            combo.currentIndexChanged.connect(self._filters_changed)
        self.sort.currentIndexChanged.connect(self._sort_chosen)

    # --- what the controls ask for ----------------------------------------------------------
    def query_from_controls(self) -> ItemQuery:
        return ItemQuery(
            "all_actions",
            status=self.status.currentData() or "",
            kind=self.kind.currentData() or "",
            component=self.component.currentData() or "",
            owner=self.owner.currentData() or "",
            text=self.text.text().strip(),
            sort=self.sort.currentData() or "due",
            descending=self.order.currentIndex() == 1,
        )

    def _filters_changed(self) -> None:
        self._typing.stop()
        query = self.query_from_controls()
        if query != self.query:
            self.query = query
            self.requery.emit(query)

    def _sort_chosen(self) -> None:
        self._label_order()
        header = self.view.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(self.sort.currentIndex(), self._sort_order())
        header.blockSignals(False)
        self._filters_changed()

    def _header_sorted(self, column: int, order: Qt.SortOrder) -> None:
        for combo, index in ((self.sort, column), (self.order, int(order != _ASCENDING))):
            combo.blockSignals(True)
            combo.setCurrentIndex(index)
            combo.blockSignals(False)
        self._label_order()
        self._filters_changed()

    def _sort_order(self) -> Qt.SortOrder:
        return Qt.SortOrder.DescendingOrder if self.order.currentIndex() else _ASCENDING

    def _label_order(self) -> None:
        sort = self.sort.currentData() or "due"
        for index in (0, 1):
            self.order.setItemText(index, order_words(sort, bool(index)).capitalize())

    def clear_filters(self) -> None:
        for combo in (self.status, self.owner, self.kind, self.component):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.text.blockSignals(True)
        self.text.clear()
        self.text.blockSignals(False)
        self._filters_changed()

    # --- what comes back --------------------------------------------------------------------
    def show_actions(
        self, query: ItemQuery, choices: ActionChoices, first: ItemPage, fetch: Fetch
    ) -> str:
        """Show a list the service sent for `query`; returns what to say, or "" if it is stale."""
        if query != self.query:
            return ""
        current = self.view.currentIndex()
        reread = query == self.shown  # the same list again: stay on the same action
        kept = self.model.row(current) if reread else None
        self._offer(choices)
        self.model.reset(HEADINGS["all_actions"], fetch, first)
        if self.shown is None:
            self.fit_columns()
        self.shown, self.stale = query, False
        self._fit_rows(0, self.model.rowCount() - 1)
        counted = count_text(first.total, choices.total, query.filtered)
        sorted_by = f"sorted by {SORT_LABELS[query.sort].lower()}"
        sorted_by += f", {order_words(query.sort, query.descending)}"
        self.heading.setText(f"All actions — {counted}, {sorted_by}")
        name(self.view, f"All actions: {counted}", "Enter opens the assessment that holds it")
        rows = [(r.assessment_id, r.ref) for r in self.model.rows]
        kept_key = (kept.assessment_id, kept.ref) if kept else None
        if rows:
            place = rows.index(kept_key) if kept_key in rows else 0
            self.view.setCurrentIndex(self.model.index(place, current.column() if kept else 0))
        return f"{counted}, {sorted_by}"

    def _offer(self, choices: ActionChoices) -> None:
        if choices == self.choices:
            return
        self.choices = choices
        kinds = [(k, KIND_LABELS.get(k, k)) for k in choices.kinds]
        for combo, values in (
            (self.owner, [(o, o) for o in choices.owners]),
            (self.kind, kinds),
            (self.component, [(c, c) for c in choices.components]),
        ):
            _refill(combo, values)

    def fit_columns(self) -> None:
        for key in FITTED:
            self.view.resizeColumnToContents(ACTION_COLUMNS.index(key))
        fitted = sum(self.view.columnWidth(ACTION_COLUMNS.index(k)) for k in FITTED)
        self._fitted_width = self.view.viewport().width()
        spare = self._fitted_width - fitted
        least = self.view.fontMetrics().averageCharWidth() * 12
        for key, share in SHARES.items():
            self.view.setColumnWidth(ACTION_COLUMNS.index(key), max(least, spare * share // 100))
        self._fit_rows(0, self.model.rowCount() - 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.isVisible():
            self._refit.start()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._refit.start()

    # --- kept up to date --------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.view.viewport().width() != self._fitted_width:  # laid out, not yet painted
            self.fit_columns()
        if self.shown is not None and self.stale:  # an assessment's actions may have changed
            self.stale = False
            self.requery.emit(self.query)

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.stale = True


def _combo(label: str, entries: Sequence[tuple[str, str]]) -> QComboBox:
    combo = QComboBox()
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(12)
    name(combo, label)
    for key, text in entries:
        combo.addItem(text, key)
    return combo


def _refill(combo: QComboBox, entries: Sequence[tuple[str, str]]) -> None:
    """New entries after the first ("any"); the chosen one stays chosen, even if now unused."""
    chosen, chosen_text = combo.currentData(), combo.currentText()
    combo.blockSignals(True)
    while combo.count() > 1:
        combo.removeItem(1)
    for key, text in entries:
        combo.addItem(text, key)
    if chosen and combo.findData(chosen) < 0:
        combo.addItem(chosen_text, chosen)
    combo.setCurrentIndex(max(0, combo.findData(chosen)))
    combo.blockSignals(False)
