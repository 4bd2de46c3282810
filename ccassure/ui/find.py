"""Find (Ctrl+F): titles, answers, comments and accessibility issues across the store."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ccassure.domain.summary import ItemPage, ItemRow
from ccassure.ui.a11y import announce, name
from ccassure.ui.models import ROW_ROLE, ItemsModel
from ccassure.ui.pages import HEADINGS, item_table

LIMIT = 200  # what the find service returns at most
Search = Callable[[str, Callable[[list[ItemRow]], None]], None]


class FindDialog(QDialog):
    """Type to search; the results list updates as you type; Enter opens a result."""

    open_assessment = Signal(int)

    def __init__(self, search: Search, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Find")
        self._search = search
        self._request = 0  # a slower, older search must not replace a newer one
        layout = QVBoxLayout(self)
        label = QLabel("&Find in titles, answers, comments and issues:")
        self.query = QLineEdit()
        name(self.query, "Find", "Type words to find; results appear below")
        label.setBuddy(self.query)
        layout.addWidget(label)
        layout.addWidget(self.query)
        self.status = QLabel("Type to search.")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.model = ItemsModel(HEADINGS["find"])
        self.results = item_table(self.model, "Results", "Enter opens the assessment")
        self.results.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.results.activated.connect(self._open)
        layout.addWidget(self.results, 1)
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self._run)
        self.query.textChanged.connect(lambda _: self._timer.start())
        self.query.returnPressed.connect(self._first)
        self.resize(720, 480)

    def _run(self) -> None:
        text = self.query.text().strip()
        self._request += 1
        if not text:
            self._show([])
            return
        token = self._request
        self._search(text, lambda rows: self._show(rows) if token == self._request else None)

    def _show(self, rows: list[ItemRow]) -> None:
        shaped = [
            ItemRow(r.assessment_id, r.details[0], r.title, (r.ref, r.details[1])) for r in rows
        ]
        self.model.reset(
            HEADINGS["find"], lambda _o, _l: ItemPage((), 0), ItemPage(tuple(shaped), len(shaped))
        )
        count = f"the first {len(rows)}" if len(rows) >= LIMIT else str(len(rows))
        message = (
            f"{count} result{'s' if len(rows) != 1 else ''}"
            if self.query.text()
            else "Type to search."
        )
        self.status.setText(message)
        announce(self.status, message)

    def _first(self) -> None:
        if self.model.rowCount():
            self.results.setFocus()
            self.results.setCurrentIndex(self.model.index(0, 0))

    def _open(self, index: QModelIndex) -> None:
        ident = self.model.data(index, ROW_ROLE)
        if ident is not None:
            self.open_assessment.emit(int(ident))
