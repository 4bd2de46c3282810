"""The issue log section of an accessibility assessment: filters, and a lazily paged table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ccassure.domain.document import AssessmentDocument, Attachment
from ccassure.domain.issue_log import (
    FACETS,
    LOG_COLUMNS,
    Facets,
    IssueFilter,
    IssueLogPage,
    IssueSort,
)
from ccassure.domain.templates import Template
from ccassure.ui.a11y import announce, name
from ccassure.ui.issue_fields import wcag_criteria
from ccassure.ui.issue_log_filters import (
    ANY,
    CAPTIONS,
    FACET_NAMES,
    ORDER_WORDS,
    count_text,
    facet_combo,
    refill,
)
from ccassure.ui.issue_log_model import (
    HEADINGS,
    QUICK_ADD_KEY,
    SEVERITY_LABELS,
    IssueLogModel,
)
from ccassure.ui.layouts import FlowLayout, FocusFrameDelegate, labelled
from ccassure.ui.models import STATUS_LABELS

if TYPE_CHECKING:
    from ccassure.services.issues import IssueService

FITTED = ("ref", "severity", "status", "criteria", "found_on")  # as wide as their text
# of the width left (per cent), and the fewest characters shown (a scroll bar beyond that)
SHARES = {"title": (50, 28), "assistive_tech": (25, 15), "screen": (25, 12)}
FACET_PAUSE_MS = 150  # facet counts wait for a pause in typing; the rows do not
Work = Callable[["IssueService"], Any]
Task = Callable[[str, Work, Callable[[Any], None], Callable[[BaseException], None] | None], None]


@dataclass(frozen=True)
class IssueSource:
    """How the log reaches the issue service: reads and writes run off the UI thread."""

    assessment_id: int
    read: Task
    write: Task  # serialised on the write worker
    report: Callable[[BaseException], None]
    say: Callable[[str], None]  # status bar and screen readers
    today: Callable[[], date]


class IssueLogPanel(QWidget):
    """Filters apply as you type; rows are read a page at a time as the table scrolls."""

    attachment_added = Signal(object)  # Attachment: a pasted screenshot, now kept
    open_attachment = Signal(object)  # Attachment to open in the system's viewer
    export_requested = Signal()
    import_requested = Signal()
    link_requested = Signal()

    def __init__(self, template: Template, document: AssessmentDocument, editable: bool) -> None:
        super().__init__()
        from ccassure.ui.issue_log_editing import IssueLogEditing

        self.known = wcag_criteria(template)
        self.editable = editable
        self.attachments = {a.sha256: a for a in document.attachments}
        self.source: IssueSource | None = None
        self.retired = False
        self.facets: Facets = {}
        self.wanted: tuple[IssueFilter, IssueSort] = (IssueFilter(), IssueSort())
        self.shown: tuple[IssueFilter, IssueSort] | None = None
        self._reading = False
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Issue log</h2>"))
        self.count = QLabel("Reading the issue log…")
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        name(self.count, "Issues shown")
        layout.addWidget(self.count)
        layout.addWidget(self._filters())
        self.model = IssueLogModel()
        self.view = self._table()
        layout.addWidget(self._buttons())  # above the list, where they are seen
        layout.addWidget(self.view, 1)
        layout.addStretch(0)  # the editor's pages are as tall as its longest section
        self.editing = IssueLogEditing(self)
        self._fitted_width = 0
        self._refit = QTimer(self, singleShot=True, interval=100)
        self._refit.timeout.connect(self.fit_columns)
        self._facet_timer = QTimer(self, singleShot=True, interval=FACET_PAUSE_MS)
        self._facet_timer.timeout.connect(self._read_facets)
        order = [self.text, *self.combos.values(), self.sort, self.order, self.clear_button]
        order += [self.add_button, self.open_button, self.retest_button, self.status_button]
        order += [self.save_button, self.import_button, self.link_button]
        order.append(self.view)
        for before, after in pairwise(order):
            QWidget.setTabOrder(before, after)

    # --- building --------------------------------------------------------------------------
    def _filters(self) -> QWidget:
        self.text = QLineEdit()
        self.text.setClearButtonEnabled(True)
        self.text.setPlaceholderText("words in the title, steps, results, screen, AT…")
        self.text.setMinimumWidth(self.text.fontMetrics().averageCharWidth() * 28)
        name(
            self.text,
            "Filter issues by text",
            "Shows issues with a word beginning with each word typed; Enter moves to the list",
        )
        self.text.textChanged.connect(lambda _text: self.requery())
        self.text.returnPressed.connect(lambda: self.view.setFocus(Qt.FocusReason.OtherFocusReason))
        self.combos: dict[str, QComboBox] = {}
        for facet in FACETS:
            combo = facet_combo(f"Filter by {FACET_NAMES[facet]}", [("", ANY[facet])])
            combo.currentIndexChanged.connect(lambda _i: self.requery())
            self.combos[facet] = combo
        self.sort = facet_combo("Sort by", [(k, HEADINGS[k]) for k in LOG_COLUMNS])
        self.order = facet_combo("Sort order", [("", ""), ("", "")])
        self._label_order()
        self.sort.currentIndexChanged.connect(self._sort_chosen)
        self.order.currentIndexChanged.connect(self._sort_chosen)
        self.clear_button = QPushButton("C&lear filters")
        name(self.clear_button, "Clear filters", "Show every issue again (the sort stays)")
        self.clear_button.clicked.connect(self.clear_filters)
        bar = QWidget()
        flow = FlowLayout(bar, spacing=12)
        flow.setContentsMargins(0, 0, 0, 0)
        flow.addWidget(labelled("Te&xt:", self.text))
        for facet, combo in self.combos.items():
            flow.addWidget(labelled(CAPTIONS[facet], combo))
        flow.addWidget(labelled("S&ort by:", self.sort, self.order))
        flow.addWidget(self.clear_button)
        return bar

    def _table(self) -> QTableView:
        view = QTableView()
        view.setModel(self.model)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setTabKeyNavigation(False)
        view.setItemDelegate(FocusFrameDelegate(view))
        lines = view.fontMetrics().height()
        view.setMinimumHeight(lines * 8)
        view.setMaximumHeight(lines * 26)
        view.verticalHeader().hide()
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(self._header_sorted)
        name(
            view,
            "Issues",
            "Enter opens an issue; Shift or Ctrl with the arrows and Space choose several",
        )
        view.activated.connect(lambda _index: self.editing.open_current())
        return view

    def _buttons(self) -> QWidget:
        bar = QWidget()
        row = FlowLayout(bar)  # wraps rather than widening the page
        self.add_button = QPushButton(f"&Quick add… ({QUICK_ADD_KEY})")
        name(self.add_button, "Quick add issues", f"{QUICK_ADD_KEY} from anywhere in the editor")
        self.open_button = QPushButton("O&pen issue…")
        name(self.open_button, "Open issue", "Every field, screenshots and retests (Enter)")
        self.retest_button = QPushButton("Add a &retest…")
        name(self.retest_button, "Add a retest", "Retest the current issue")
        self.status_button = QPushButton("Set status of selecte&d…")
        name(self.status_button, "Set status of selected", "One status for every chosen issue")
        self.save_button = QPushButton("Save the lo&g as CSV or XLSX…")
        name(self.save_button, "Save the log as CSV or XLSX", "Every field, for suppliers")
        self.save_button.clicked.connect(self.export_requested.emit)
        self.import_button = QPushButton("I&mport axe-core results…")
        name(self.import_button, "Import axe-core results", "One issue per rule and page")
        self.import_button.clicked.connect(self.import_requested.emit)
        for button in (self.add_button, self.open_button, self.retest_button, self.status_button):
            row.addWidget(button)
        self.link_button = QPushButton("Link to an EIA…")
        name(self.link_button, "Link to an EIA", "The current issue to an EIA's disability line")
        self.link_button.clicked.connect(self.link_requested.emit)
        row.addWidget(self.save_button)
        row.addWidget(self.import_button)
        row.addWidget(self.link_button)
        return bar

    def attach(self, source: IssueSource) -> None:
        """Start reading: the first page, then the facet counts."""
        self.source = source
        self.editing.attach(source)
        for button in (self.add_button, self.retest_button, self.status_button):
            button.setEnabled(self.editable)
        self.import_button.setEnabled(self.editable)
        self.link_button.setEnabled(self.editable)
        self.requery(force=True)

    def retire(self) -> None:
        """The editor moved on: anything still arriving is let go."""
        self.retired = True
        self.editing.close_windows()

    # --- what the controls ask for ---------------------------------------------------------
    def current_filter(self) -> IssueFilter:
        chosen = {facet: combo.currentData() or "" for facet, combo in self.combos.items()}
        return IssueFilter(text=self.text.text(), **chosen)

    def current_sort(self) -> IssueSort:
        return IssueSort(self.sort.currentData() or "ref", self.order.currentIndex() == 1)

    def requery(self, force: bool = False) -> None:
        """Read the first page for the controls (the latest wins; one read at a time)."""
        wanted = (self.current_filter(), self.current_sort())
        if wanted == self.wanted and not force and self.shown is not None:
            return
        self.wanted = wanted
        if not self._reading:
            self._read_first()
        self._facet_timer.start()

    def _read_first(self) -> None:
        source = self.source
        if source is None or self.retired:
            return
        wanted, self._reading = self.wanted, True
        filters, sort = wanted
        limit = IssueLogModel.PAGE
        source.read(
            "filter the issue log",
            lambda s: s.page(source.assessment_id, filters, 0, limit, sort),
            lambda page: self._first_read(wanted, page),
            self._first_failed,
        )

    def _first_read(self, wanted: tuple[IssueFilter, IssueSort], page: IssueLogPage) -> None:
        if self.retired:
            return
        self._reading = False
        if wanted != self.wanted:
            self._read_first()  # the filter changed while this was read: read the newest
            return
        self._show(wanted, page)

    def _first_failed(self, error: BaseException) -> None:
        self._reading = False
        if not self.retired and self.source is not None:
            self.source.report(error)

    def _show(self, wanted: tuple[IssueFilter, IssueSort], page: IssueLogPage) -> None:
        current = self.model.row(self.view.currentIndex())
        column = max(0, self.view.currentIndex().column())
        self.model.reset(page, self._page_reader(*wanted))
        if self.shown is None:
            self.fit_columns()
        self.shown = wanted
        counted = count_text(page, wanted[0].filtered)
        self.count.setText(counted)
        name(self.view, f"Issues: {counted}", "Enter opens an issue; Space chooses several")
        announce(self.count, counted)
        if self.model.rows:
            place = self.model.place(current.ref) if current else -1
            self.view.setCurrentIndex(self.model.index(max(0, place), column))

    def _page_reader(self, filters: IssueFilter, sort: IssueSort) -> Any:
        def read(offset: int, limit: int, deliver: Callable[[IssueLogPage], None]) -> None:
            source = self.source
            if source is None:
                return
            source.read(
                "read more issues",
                lambda s: s.page(source.assessment_id, filters, offset, limit, sort),
                lambda page: None if self.retired else deliver(page),
                lambda error: None if self.retired else self._more_failed(error),
            )

        return read

    def _more_failed(self, error: BaseException) -> None:
        self.model.release()
        if self.source is not None:
            self.source.report(error)

    def _read_facets(self) -> None:
        source = self.source
        if source is None or self.retired:
            return
        filters = self.wanted[0]
        source.read(
            "count the issues by facet",
            lambda s: s.facets(source.assessment_id, filters),
            lambda found: None if self.retired else self._offer(filters, found),
            None,
        )

    def _offer(self, filters: IssueFilter, facets: Facets) -> None:
        """Each facet's values with their counts; the chosen value stays chosen."""
        if filters != self.wanted[0] or not all(isValid(c) for c in self.combos.values()):
            return  # a newer filter's counts are on their way, or the panel has gone
        self.facets = facets
        for facet, combo in self.combos.items():
            entries = [(v, f"{self._label(facet, v)} ({n:,})") for v, n in facets.get(facet, ())]
            refill(combo, [("", ANY[facet]), *entries], self._label(facet, combo.currentData()))
        self.editing.suggest(facets)

    def _label(self, facet: str, value: str) -> str:
        if facet == "severity":
            return SEVERITY_LABELS.get(value, value)
        if facet == "status":
            return STATUS_LABELS.get(value, value)
        if facet == "criterion":
            return self.known.get(value, value)
        return value

    def _label_order(self) -> None:
        words = ORDER_WORDS.get(self.sort.currentData() or "ref", ("A to Z", "Z to A"))
        for index, text in enumerate(words):
            self.order.setItemText(index, text.capitalize())

    def _sort_chosen(self) -> None:
        self._label_order()
        header = self.view.horizontalHeader()
        header.blockSignals(True)
        order = Qt.SortOrder.DescendingOrder if self.order.currentIndex() else Qt.SortOrder(0)
        header.setSortIndicator(self.sort.currentIndex(), order)
        header.blockSignals(False)
        self.requery()

    def _header_sorted(self, column: int, order: Qt.SortOrder) -> None:
        for combo, index in ((self.sort, column), (self.order, int(order != Qt.SortOrder(0)))):
            combo.blockSignals(True)
            combo.setCurrentIndex(index)
            combo.blockSignals(False)
        self._label_order()
        self.requery()

    def clear_filters(self) -> None:
        for widget in (self.text, *self.combos.values()):
            widget.blockSignals(True)
        self.text.clear()
        for combo in self.combos.values():
            combo.setCurrentIndex(0)
        for widget in (self.text, *self.combos.values()):
            widget.blockSignals(False)
        self.requery()

    def fit_columns(self) -> None:
        """Short columns as wide as their text; the issue, AT and screen share the rest."""
        for key in FITTED:
            self.view.resizeColumnToContents(LOG_COLUMNS.index(key))
        fitted = sum(self.view.columnWidth(LOG_COLUMNS.index(k)) for k in FITTED)
        self._fitted_width = self.view.viewport().width()
        spare = self._fitted_width - fitted
        characters = self.view.fontMetrics().averageCharWidth()
        for key, (share, least) in SHARES.items():
            width = max(least * characters, spare * share // 100)
            self.view.setColumnWidth(LOG_COLUMNS.index(key), width)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.isVisible() and self.view.viewport().width() != self._fitted_width:
            self._refit.start()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._refit.start()

    def selected_refs(self) -> list[str]:
        rows = sorted(index.row() for index in self.view.selectionModel().selectedRows())
        return [self.model.rows[row].ref for row in rows if row < len(self.model.rows)]

    def current_ref(self) -> str:
        found = self.model.row(self.view.currentIndex())
        return found.ref if found else ""

    def quick_add(self) -> None:
        self.editing.quick_add()

    def keep_attachment(self, attachment: Attachment) -> None:
        self.attachments[attachment.sha256] = attachment
        self.attachment_added.emit(attachment)
