"""The programme dashboard: status matrix, figures that need attention, and two charts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ccassure.domain.kinds import KINDS
from ccassure.services.item_query import ISSUE_STATUSES, RATINGS, SEVERITIES, ItemQuery
from ccassure.ui.a11y import name
from ccassure.ui.charts import BarChart, Chart, Element, HeatMap
from ccassure.ui.layouts import FlowLayout, FocusFrameDelegate, WrappingHeader
from ccassure.ui.models import STATUS_LABELS, CountsModel, StatusMatrixModel

if TYPE_CHECKING:
    from ccassure.services.dashboard import Dashboard


class FittingTable(QTableView):
    """A small table that shows every row and whole cells; the page scrolls, not the rows.

    Columns fit their contents, so large text widens a column
    instead of cutting it short; a too-wide table scrolls sideways inside itself.
    """

    def __init__(
        self, model: CountsModel | StatusMatrixModel, label: str, description: str
    ) -> None:
        super().__init__()
        self.setModel(model)
        name(self, label, description)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(False)
        self.setItemDelegate(FocusFrameDelegate(self))
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.setVerticalHeader(WrappingHeader(self))
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._fit_soon = QTimer(self, singleShot=True, interval=0)  # many changes, one fit
        self._fit_soon.timeout.connect(self.fit)
        model.modelReset.connect(self._fit_soon.start)

    def fit(self) -> None:
        """Height for every row, plus the sideways scroll bar when the columns overflow.

        Both headers size their sections to the contents themselves; this sets the height.
        """
        limit = max(120, int(self.width() * 0.45))  # row headings wrap beyond this width
        if self.verticalHeader().maximumWidth() != limit:
            self.verticalHeader().setMaximumWidth(limit)
            self.resizeRowsToContents()
        height = self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth()
        height += sum(self.rowHeight(r) for r in range(self.model().rowCount()))
        needed = self.verticalHeader().sizeHint().width() + sum(
            self.columnWidth(c) for c in range(self.model().columnCount())
        )
        if needed + 2 * self.frameWidth() > self.width():
            height += self.horizontalScrollBar().sizeHint().height()
        if height != self.minimumHeight():
            self.setMinimumHeight(height)
            self.setMaximumHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit_soon.start()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_soon.start()


class ChartPanel(QWidget):
    """A chart and its table twin; T (or the button) switches between them."""

    def __init__(self, chart: Chart, table: CountsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = chart
        self.table = FittingTable(
            table, f"{chart.title} (table)", "The same figures as the chart, as a table"
        )
        self.stack = QStackedWidget()
        self.stack.addWidget(chart)
        self.stack.addWidget(self.table)
        self.toggle = QPushButton()
        self._label_toggle(as_table=True)
        self.toggle.clicked.connect(self.switch)
        for widget in (chart, self.table):
            widget.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        caption = QLabel(f"<b>{chart.title}</b>")
        caption.setWordWrap(True)
        layout.addWidget(caption)
        layout.addWidget(self.stack)
        layout.addWidget(self.toggle, alignment=Qt.AlignmentFlag.AlignLeft)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """T on the chart or its table switches between them (one key away)."""
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_T
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            self.switch()
            return True
        return False

    def _label_toggle(self, as_table: bool) -> None:
        """The visible label and the accessible name always say the same (WCAG 2.5.3)."""
        text = f"Show {self.chart.short} as a {'table' if as_table else 'chart'}"
        self.toggle.setText(text)
        name(
            self.toggle,
            text,
            "Switch between the chart and a table of the same figures (or press T on either)",
        )
        self.toggle.setToolTip(text)

    def switch(self) -> None:
        showing_chart = self.stack.currentWidget() is self.chart
        self.stack.setCurrentWidget(self.table if showing_chart else self.chart)
        self._label_toggle(as_table=not showing_chart)
        if showing_chart:
            self.table.fit()
        shown = self.stack.currentWidget()
        if shown is not None:
            shown.setFocus()


class DashboardPage(QScrollArea):
    """Everything on one scrolling page; every figure opens the items behind it."""

    open_items = Signal(object)
    open_assessment = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its controls take the focus, not the frame
        name(self, "Programme dashboard")
        body = QWidget()
        self.setWidget(body)
        layout = QVBoxLayout(body)
        self.heading = QLabel("<h1>Programme dashboard</h1>")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.matrix = StatusMatrixModel(KINDS)
        self.matrix_view = FittingTable(
            self.matrix,
            "Where each assessment stands",
            "Components down, assessment kinds across; Enter opens the assessment",
        )
        self.matrix_view.activated.connect(self._matrix_activated)
        self.focus_target = self.matrix_view
        layout.addWidget(self._group("Where each assessment stands", self.matrix_view))
        layout.addWidget(self._attention_group())
        self.issues = CountsModel(
            [(s, s.title()) for s in SEVERITIES],
            [(s, STATUS_LABELS[s]) for s in ISSUE_STATUSES],
            "accessibility issues",
        )
        self.issues_view = FittingTable(
            self.issues,
            "Accessibility issues by severity and status",
            "Severity down, status across; Enter lists the issues in a cell",
        )
        self.issues_view.activated.connect(self._issue_cell)
        layout.addWidget(
            self._group("Accessibility issues by severity and status", self.issues_view)
        )
        layout.addWidget(self._charts_group())
        layout.addStretch(1)

    def _group(self, title: str, *widgets: QWidget) -> QGroupBox:
        group = QGroupBox(title)
        group.setAccessibleName(title)
        inner = QVBoxLayout(group)
        for widget in widgets:
            inner.addWidget(widget)
        return group

    def _attention_group(self) -> QGroupBox:
        group = QGroupBox("Needs attention")
        grid = FlowLayout(group)
        self.figures: dict[str, QPushButton] = {}
        entries = [
            ("actions", ItemQuery("actions"), "Overdue actions"),
            ("reviews", ItemQuery("reviews"), "Reviews due within 60 days"),
            ("evidence", ItemQuery("evidence"), "Evidence expiring within 60 days"),
        ]
        entries += [
            (f"risk-{r}", ItemQuery("risks", rating=r), f"Open risks, residual {r}")
            for r in reversed(RATINGS)
        ]
        for key, query, label in entries:
            button = QPushButton(label)
            button.setProperty("query", query)
            button.clicked.connect(lambda _=False, q=query: self.open_items.emit(q))
            self.figures[key] = button
            grid.addWidget(button)
        return group

    def _charts_group(self) -> QGroupBox:
        group = QGroupBox("Charts")
        row = FlowLayout(group, spacing=24)
        self.bars = BarChart("Open accessibility issues by severity", short="issues by severity")
        self.bars_table = CountsModel(
            [(s, s.title()) for s in SEVERITIES], [("open", "Open or retest failed")], "open issues"
        )
        self.bars.activated.connect(self.open_items.emit)
        self.heat = HeatMap(
            "Open risks by residual likelihood (down) and severity (across)",
            [],
            [],
            short="risk heat map",
        )
        self.heat_table = CountsModel([], [], "open risks")
        self.heat.activated.connect(self.open_items.emit)
        self.bars_panel = ChartPanel(self.bars, self.bars_table)
        self.heat_panel = ChartPanel(self.heat, self.heat_table)
        row.addWidget(self.bars_panel)
        row.addWidget(self.heat_panel)
        return group

    def show_dashboard(self, data: Dashboard, programme: str) -> None:
        self.heading.setText(
            f"<h1>{_escape(programme)}</h1><p>Position on {data.today:%d %B %Y}</p>"
        )
        self.matrix.load(data.components, data.matrix)
        figures = {
            "actions": data.overdue_actions,
            "reviews": data.reviews_due,
            "evidence": data.evidence_due,
        }
        figures.update({f"risk-{r}": data.risks_by_rating.get(r, 0) for r in RATINGS})
        for key, value in figures.items():
            button = self.figures[key]
            label = button.accessibleName().split(":")[0] or button.text().split(":")[0]
            button.setText(f"{label}: {value:,}")
            name(button, f"{label}: {value:,}", "Opens the list of these items")
        self.issues.load(data.issues)
        by_severity = data.issues_by_severity
        self.bars.set_elements(
            [
                Element(s.title(), by_severity[s], s, ItemQuery("issues", severity=s), 0, i)
                for i, s in enumerate(SEVERITIES)
            ]
        )
        self.bars_table.load({(s, "open"): n for s, n in by_severity.items()})
        self._load_heat(data)

    def _load_heat(self, data: Dashboard) -> None:
        likelihoods = list(reversed(data.likelihoods))
        self.heat.row_labels = [lk.title() for lk in likelihoods]
        self.heat.column_labels = [s.title() for s in data.severities]
        elements = []
        for row, likelihood in enumerate(likelihoods):
            for column, severity in enumerate(data.severities):
                count = data.risk_grid.get((likelihood, severity), 0)
                rating = data.grid_ratings.get((likelihood, severity), "")
                elements.append(
                    Element(
                        f"{likelihood.title()} likelihood, {severity} severity",
                        count,
                        rating,
                        ItemQuery("risks", likelihood=likelihood, impact=severity),
                        row,
                        column,
                    )
                )
        self.heat.set_elements(elements)
        self.heat_table.row_keys = tuple(likelihoods)
        self.heat_table.row_headings = tuple(self.heat.row_labels)
        self.heat_table.column_keys = tuple(data.severities)
        self.heat_table.headings = tuple(self.heat.column_labels)
        self.heat_table.load(data.risk_grid)

    def _matrix_activated(self, index: QModelIndex) -> None:
        found = self.matrix.summaries(index)
        if len(found) == 1:
            self.open_assessment.emit(found[0].id)
        elif found:
            self.open_items.emit(
                ItemQuery("assessments", component=found[0].component, kind=found[0].kind)
            )

    def _issue_cell(self, index: QModelIndex) -> None:
        severity, status = self.issues.keys(index)
        self.open_items.emit(ItemQuery("issues", severity=severity, status=status))


def _escape(text: str) -> str:
    import html

    return html.escape(text)
