"""View → All actions driven offscreen by keyboard and by header clicks: filter, sort, open."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from ccassure.domain.document import Action
from ccassure.domain.workflow import EDITABLE
from ccassure.services.item_query import ACTION_COLUMNS, OVERDUE, ItemQuery
from ccassure.ui.actions_page import ActionsPage
from ccassure.ui.main_window import MainWindow
from tests.conftest import TODAY
from tests.ui_helpers import accessible_name, focusable, tab_cycle

CTRL, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def open_actions(qtbot, window: MainWindow) -> ActionsPage:  # type: ignore[no-untyped-def]
    window.dashboard.matrix_view.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_2, CTRL)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.all_actions, timeout=10_000)
    return window.all_actions


def service_rows(window: MainWindow, **fields: Any) -> list[tuple[int, str]]:
    assert window.context is not None
    page = window.context.dashboard.items(ItemQuery("all_actions", **fields), TODAY, 0, 10_000)
    return [(r.assessment_id, r.ref) for r in page.rows]


def shown_rows(page: ActionsPage) -> list[tuple[int, str]]:
    return [(r.assessment_id, r.ref) for r in page.model.rows]


def column(page: ActionsPage, name: str) -> list[str]:
    at = ACTION_COLUMNS.index(name)
    return [str(page.model.index(r, at).data()) for r in range(page.model.rowCount())]


def test_all_actions_one_key_away_soonest_due_first(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    page = open_actions(qtbot, window)
    assert window.context is not None
    expected = sum(
        len(window.context.assessments.document(s.id).actions)
        for s in window.context.assessments.list_summaries()
    )
    assert len(page.model.rows) == page.model.total == expected > 0
    dues = [r.details[1][:10] for r in page.model.rows if r.details[1]]
    assert dues == sorted(dues)
    heading = f"All actions — {expected} actions, sorted by due date, soonest first"
    assert page.heading.text() == heading
    assert focused() is page.view
    header = page.view.horizontalHeader()
    assert header.isSortIndicatorShown() and header.sortIndicatorSection() == 3
    assert page.model.headerData(5, Qt.Orientation.Horizontal) == "Component"
    overdue = [r for r in range(page.model.rowCount()) if "overdue" in column(page, "due")[r]]
    assert overdue and all(column(page, "status")[r] in ("Open", "In progress") for r in overdue)
    assert page.model.index(overdue[0], 3).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "in_progress" not in column(page, "status")  # statuses read as words


def test_filter_sort_and_open_by_keyboard(
    qtbot,
    window: MainWindow,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ccassure.ui.status_area as module

    spoken: list[str] = []
    monkeypatch.setattr(module, "announce", lambda _widget, text, *a: spoken.append(text))
    page = open_actions(qtbot, window)
    total = page.model.total
    qtbot.keyClick(window, Qt.Key.Key_X, ALT)  # the "Text" label's mnemonic
    assert focused() is page.text
    qtbot.keyClicks(page.text, "core")
    wanted = service_rows(window, text="core", sort="due")
    assert 0 < len(wanted) < total
    qtbot.waitUntil(lambda: shown_rows(page) == wanted, timeout=5_000)
    assert page.heading.text().startswith(f"All actions — {len(wanted)} of {total} actions")

    qtbot.keyClick(page.text, Qt.Key.Key_Tab)
    assert focused() is page.status
    qtbot.keyClick(page.status, Qt.Key.Key_End)  # the last choice: overdue
    assert page.status.currentData() == OVERDUE
    wanted = service_rows(window, text="core", status=OVERDUE, sort="due")
    assert 1 < len(wanted) < len(service_rows(window, text="core"))
    qtbot.waitUntil(lambda: shown_rows(page) == wanted, timeout=5_000)
    assert all(due.endswith("overdue") for due in column(page, "due"))

    for _ in range(4):  # owner, kind, component, then "Sort by"
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is page.sort
    qtbot.keyClicks(page.sort, "Ow")
    assert page.sort.currentData() == "owner"
    wanted = service_rows(window, text="core", status=OVERDUE, sort="owner")
    qtbot.waitUntil(lambda: shown_rows(page) == wanted, timeout=5_000)
    owners = column(page, "owner")
    assert owners == sorted(owners, key=str.casefold) and len(set(owners)) > 1
    assert page.view.horizontalHeader().sortIndicatorSection() == ACTION_COLUMNS.index("owner")
    assert spoken[-1] == f"{len(wanted)} of {total} actions, sorted by owner, A to Z"

    for _ in range(3):  # order, clear filters, then the list
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is page.view
    qtbot.keyClick(page.view, Qt.Key.Key_Down)
    chosen = page.model.rows[page.view.currentIndex().row()]
    assert page.view.currentIndex().row() == 1
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.assessment, timeout=10_000)
    assert window.assessment.assessment_id == chosen.assessment_id

    qtbot.keyClick(window.assessment.back_button, Qt.Key.Key_Space)
    assert window.pages.currentWidget() is page
    assert page.text.text() == "core" and page.status.currentData() == OVERDUE
    qtbot.waitUntil(lambda: window.runner.running == 0, timeout=5_000)
    assert focused() is page.view
    assert page.model.rows[page.view.currentIndex().row()] == chosen  # read again, same row


def test_header_clicks_sort_and_flip_the_order(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    page = open_actions(qtbot, window)
    header = page.view.horizontalHeader()
    apart = QApplication.doubleClickInterval() + 50  # separate clicks, never a double click

    def click(section: int) -> None:
        point = header.rect().center()
        point.setX(header.sectionViewportPosition(section) + header.sectionSize(section) // 2)
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=point, delay=apart)

    for name in ("description", "assessment", "status"):
        click(ACTION_COLUMNS.index(name))
        wanted = service_rows(window, sort=name)
        qtbot.waitUntil(lambda w=wanted: shown_rows(page) == w, timeout=5_000)
        assert page.sort.currentData() == name and page.order.currentIndex() == 0
        click(ACTION_COLUMNS.index(name))
        wanted = service_rows(window, sort=name, descending=True)
        qtbot.waitUntil(lambda w=wanted: shown_rows(page) == w, timeout=5_000)
        assert page.order.currentIndex() == 1
        assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert page.order.currentText() == "Cancelled first"
    assert page.heading.text().endswith("sorted by status, cancelled first")


def test_owner_kind_component_filters_and_clear(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    page = open_actions(qtbot, window)
    total = page.model.total
    assert window.context is not None
    choices = window.context.dashboard.action_choices()
    assert page.owner.count() == len(choices.owners) + 1
    assert page.component.count() == len(choices.components) + 1
    assert [page.kind.itemData(i) for i in range(1, page.kind.count())] == list(choices.kinds)
    page.owner.setCurrentIndex(page.owner.findData(choices.owners[0]))
    wanted = service_rows(window, owner=choices.owners[0], sort="due")
    qtbot.waitUntil(lambda: shown_rows(page) == wanted, timeout=5_000)
    page.kind.setCurrentIndex(1)
    page.component.setCurrentIndex(1)
    wanted = service_rows(
        window,
        owner=choices.owners[0],
        kind=choices.kinds[0],
        component=choices.components[0],
        sort="due",
    )
    qtbot.waitUntil(lambda: shown_rows(page) == wanted, timeout=5_000)
    qtbot.keyClick(window, Qt.Key.Key_L, ALT)  # Clear filters
    qtbot.waitUntil(lambda: page.model.total == total, timeout=5_000)
    assert page.owner.currentIndex() == page.kind.currentIndex() == 0
    assert page.heading.text().startswith(f"All actions — {total} actions")


def test_refresh_reads_the_actions_again(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    page = open_actions(qtbot, window)
    total = page.model.total
    context = window.context
    assert context is not None
    draft = next(s for s in context.assessments.list_summaries() if s.status in EDITABLE)
    action = Action(ref="NEW-1", description="Brand new action", owner="Tester", due=TODAY)
    window.runner.run(
        "add an action", lambda _c: context.assessments.put_action(draft.id, action), write=True
    )
    qtbot.waitUntil(lambda: window.runner.running == 0, timeout=5_000)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: page.model.total == total + 1, timeout=5_000)
    assert page.owner.findData("Tester") > 0


def test_every_control_is_named_and_reached_by_tab(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    page = open_actions(qtbot, window)
    controls = focusable(page)
    assert {page.text, page.status, page.sort, page.order, page.view} <= set(controls)
    unnamed = [w for w in controls if not accessible_name(w).strip()]
    assert unnamed == [], [repr(w) for w in unnamed]
    visited = tab_cycle(qtbot, page.back_button)
    on_page = [w for w in visited if w in controls]
    assert on_page == [
        page.back_button,
        page.text,
        page.status,
        page.owner,
        page.kind,
        page.component,
        page.sort,
        page.order,
        page.clear_button,
        page.view,
    ]


def test_filters_wrap_at_200_percent_text(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.resize(1366, 768)
    page = open_actions(qtbot, window)
    window.apply_text_size(200)
    try:
        widgets = (page.text, page.status, page.sort, page.order, page.clear_button)
        qtbot.waitUntil(  # the layout follows the new font on the next passes of the event loop
            lambda: all(w.height() >= w.fontMetrics().height() for w in widgets), timeout=5_000
        )
        for widget in widgets:
            corner = widget.mapTo(page, widget.rect().bottomRight())
            assert corner.x() <= page.width(), widget.accessibleName()
        assert page.view.height() > 3 * page.view.fontMetrics().height()
    finally:
        window.apply_text_size(100)
