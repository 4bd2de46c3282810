"""The desktop window driven by keyboard, offscreen: open the demo, navigate, drill down."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from ccassure.services.item_query import SEVERITIES, ItemQuery
from ccassure.services.paths import AppPaths
from ccassure.ui.app import opener_for
from ccassure.ui.main_window import MainWindow
from ccassure.ui.navigation import ID_ROLE
from ccassure.ui.settings import AppSettings
from ccassure.ui.tasks import TaskRunner
from tests.ui_helpers import accessible_name, focusable, tab_cycle

TODAY = date(2026, 11, 26)


def focused() -> object:
    return QApplication.focusWidget()


def test_open_demo_and_navigate_by_keyboard(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    assert window.pages.currentWidget() is window.dashboard
    assert window.dashboard.matrix.rowCount() == 3
    window.dashboard.matrix_view.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F6)
    assert focused() is window.navigation.tree
    tree = window.navigation.tree
    tree.setCurrentIndex(tree.model().index(0, 0))
    ident = None
    for _ in range(6):
        qtbot.keyClick(tree, Qt.Key.Key_Down)
        ident = tree.currentIndex().data(ID_ROLE)
        if ident is not None:
            break
    assert ident is not None
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.assessment, timeout=10_000)
    assert window.assessment.assessment_id == ident
    text = window.assessment.view.toPlainText()
    assert "Not answered" in text or "required" in text
    qtbot.keyClick(window, Qt.Key.Key_F6)
    assert focused() is window.navigation.tree
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is window.dashboard


def test_dashboard_figures_open_the_items_behind_them(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    for key, button in window.dashboard.figures.items():
        expected = int(button.text().rsplit(":", 1)[1].replace(",", ""))
        button.setFocus()
        qtbot.keyClick(button, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: window.pages.currentWidget() is window.items, timeout=10_000)
        assert window.items.model.total == expected, key
        if expected:
            window.items.view.setFocus()
            qtbot.keyClick(window.items.view, Qt.Key.Key_Return)
            qtbot.waitUntil(
                lambda: window.pages.currentWidget() is window.assessment, timeout=10_000
            )
        window.show_dashboard()


def test_issue_cells_and_chart_bars_open_matching_issues(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    issues = window.dashboard.issues
    view = window.dashboard.issues_view
    serious = SEVERITIES.index("serious")
    index = issues.index(serious, 0)  # serious, open
    view.setFocus()
    view.setCurrentIndex(index)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.items, timeout=10_000)
    assert window.items.model.total == issues.counts[("serious", "open")] > 0
    assert {r.details[:2] for r in window.items.model.rows} == {("serious", "open")}
    window.show_dashboard()
    bars = window.dashboard.bars
    bars.setFocus()
    for _ in range(serious):
        qtbot.keyClick(bars, Qt.Key.Key_Right)
    assert bars.current == serious
    qtbot.keyClick(bars, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.items, timeout=10_000)
    assert window.items.model.total == sum(
        n for (s, _), n in issues.counts.items() if s == "serious"
    )
    assert "Serious: " in bars.accessibleDescription()


def test_chart_has_a_table_one_key_away(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    panel = window.dashboard.heat_panel
    panel.chart.setFocus()
    qtbot.keyClick(panel.chart, Qt.Key.Key_T)
    assert panel.stack.currentWidget() is panel.table
    model = panel.table.model()
    total = sum(
        int(model.index(r, c).data().replace(",", ""))
        for r in range(model.rowCount())
        for c in range(model.columnCount())
    )
    assert total == sum(window.dashboard.heat_table.counts.values()) > 0
    qtbot.keyClick(panel.table, Qt.Key.Key_T)
    assert panel.stack.currentWidget() is panel.chart


def test_find_across_titles_answers_and_issues(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    dialog = window.find_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: focused() is dialog.query, timeout=5_000)
    qtbot.keyClicks(dialog.query, "keyboard")
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0, timeout=10_000)
    places = {dialog.model.rows[r].ref for r in range(dialog.model.rowCount())}
    assert "issue" in places
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
    assert focused() is dialog.results
    qtbot.keyClick(dialog.results, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.assessment, timeout=10_000)


def test_filters_narrow_the_navigation(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    panel = window.navigation
    assert panel.count.text().startswith("7 ")
    panel.kind.setCurrentIndex(panel.kind.findData("environmental"))
    assert panel.count.text().startswith("3 ")
    panel.status.setCurrentIndex(panel.status.findData("approved"))
    assert panel.count.text().startswith("1 ")
    panel.kind.setCurrentIndex(0)
    panel.status.setCurrentIndex(0)
    panel.due.setChecked(True)
    shown = int(panel.count.text().split()[0])
    assert 0 < shown < 7
    assert str(shown) in window.dashboard.figures["reviews"].text()


def test_every_focusable_control_is_named_and_tab_goes_round(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    controls = focusable(window)
    unnamed = [w for w in controls if not accessible_name(w).strip()]
    assert unnamed == [], [repr(w) for w in unnamed]
    visited = tab_cycle(qtbot, window.navigation.kind)
    missing = [w for w in controls if w not in visited]
    assert missing == [], [f"{w!r} {accessible_name(w)}" for w in missing]


def test_text_size_200_percent_keeps_text_whole(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.resize(1366, 768)
    window.apply_text_size(200)
    qtbot.wait(50)
    for button in window.findChildren(QPushButton):
        if button.isVisible():
            assert button.width() >= button.fontMetrics().horizontalAdvance(
                button.text().replace("&", "")
            )
            assert button.height() >= button.fontMetrics().height()
    for table in (window.dashboard.matrix_view, window.dashboard.issues_view):
        model, metrics = table.model(), table.fontMetrics()
        for column in range(model.columnCount()):
            texts = [str(model.headerData(column, Qt.Orientation.Horizontal))]
            texts += [str(model.index(r, column).data()) for r in range(model.rowCount())]
            widest = max(metrics.horizontalAdvance(t) for t in texts)
            assert table.columnWidth(column) >= widest, (texts, table.columnWidth(column))
        rows = sum(table.rowHeight(r) for r in range(model.rowCount()))
        assert table.height() >= rows + table.horizontalHeader().height()
    title = window.dashboard.heading
    assert title.width() <= window.dashboard.viewport().width()
    assert window.settings.text_size == 200
    window.apply_text_size(100)


def test_bad_store_gets_a_clear_dialog_and_the_window_stays(
    qtbot,
    window: MainWindow,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    newer = tmp_path / "newer.db"
    newer.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    paths = AppPaths(tmp_path / "data", newer)
    window.open_store(opener_for(paths, newer, "open"), "newer.db")
    qtbot.waitUntil(lambda: hasattr(window, "last_error_box"), timeout=10_000)
    box = window.last_error_box
    assert "damaged" in box.text().lower() or "not a ccassure store" in box.text().lower()
    assert window.isVisible() and window.context is not None  # still working on the demo


def test_slow_work_shows_progress_and_can_be_cancelled(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    import time as clock

    from ccassure.ui.tasks import TaskControl

    results: list[object] = []

    def slow_read(control: TaskControl) -> str:
        for _ in range(200):
            control.check()
            clock.sleep(0.02)
        return "finished"

    task = window.runner.run("a slow read", slow_read, results.append)
    qtbot.waitUntil(lambda: window.progress.isVisible(), timeout=5_000)
    assert window.cancel_button.isVisible() and window.progress.accessibleName() == "Working"
    with qtbot.waitSignal(task.cancelled, timeout=5_000):
        qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    assert results == []
    qtbot.waitUntil(lambda: not window.progress.isVisible(), timeout=5_000)
    assert "Cancelled 1 task" in window.status.text()


def test_status_changes_are_announced(
    qtbot,
    window: MainWindow,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ccassure.ui.status_area as module

    spoken: list[str] = []
    monkeypatch.setattr(module, "announce", lambda _widget, text, *a: spoken.append(text))
    window.open_items(ItemQuery("actions"))
    qtbot.waitUntil(lambda: any(t.startswith("Actions") for t in spoken), timeout=10_000)
    window.apply_text_size(150)
    assert "Text size 150%" in spoken
    window.apply_text_size(100)


def test_window_layout_is_remembered(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = AppSettings(tmp_path / "data")
    first = MainWindow(settings, TaskRunner(), tmp_path / "log", lambda: TODAY)
    qtbot.addWidget(first)
    first.show()
    first.resize(700, 500)
    first.dock.hide()
    qtbot.wait(20)
    first.close()
    again = MainWindow(
        AppSettings(tmp_path / "data"), TaskRunner(), tmp_path / "log", lambda: TODAY
    )
    qtbot.addWidget(again)
    again.show()
    assert (again.width(), again.height()) == (700, 500)
    assert not again.dock.isVisible()
    again.close()


def test_file_open_switches_store_and_remembers_it(
    qtbot,
    tmp_path: Path,  # type: ignore[no-untyped-def]
    demo_store: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import shutil

    from PySide6.QtWidgets import QFileDialog

    other = tmp_path / "other.db"
    shutil.copy(demo_store, other)
    paths = AppPaths(tmp_path / "data", tmp_path / "data" / "ccassure.db")
    settings = AppSettings(paths.data_dir)
    built = MainWindow(settings, TaskRunner(), tmp_path / "log", lambda: TODAY, paths=paths)
    qtbot.addWidget(built)
    built.show()
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(other), ""))
    )
    with qtbot.waitSignal(built.dashboard_shown, timeout=30_000):
        built.actions_by_name["open_store"].trigger()
    assert built.windowTitle().endswith("other.db")
    assert AppSettings(paths.data_dir).store == other
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: ("", "")))
    built.actions_by_name["open_store"].trigger()  # cancelled: nothing changes
    assert built.context is not None and built.context.store.path == other
    built.runner.wait()
    built.close()


def test_only_the_latest_request_changes_the_page(
    qtbot,
    window: MainWindow,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time as clock

    context = window.context
    assert context is not None
    first, second = [s.id for s in context.assessments.list_summaries()[:2]]
    real = context.assessments.document

    def slow_for_first(assessment_id: int):  # type: ignore[no-untyped-def]
        if assessment_id == first:
            clock.sleep(0.6)
        return real(assessment_id)

    monkeypatch.setattr(context.assessments, "document", slow_for_first)
    window.open_assessment(first)
    qtbot.wait(50)
    window.open_assessment(second)
    qtbot.waitUntil(lambda: window.runner.running == 0, timeout=10_000)
    assert window.assessment.assessment_id == second


def test_back_returns_to_where_you_were(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    button = window.dashboard.figures["actions"]
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.items, timeout=10_000)
    view = window.items.view
    view.setCurrentIndex(window.items.model.index(1, 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.assessment, timeout=10_000)
    qtbot.keyClick(window.assessment.back_button, Qt.Key.Key_Space)
    assert window.pages.currentWidget() is window.items
    assert focused() is view and view.currentIndex().row() == 1
    qtbot.keyClick(window.items.back_button, Qt.Key.Key_Space)
    assert window.pages.currentWidget() is window.dashboard
    assert focused() is button


def test_focus_ring_is_drawn_on_the_current_cell(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QPalette

    view = window.dashboard.matrix_view
    view.setFocus()
    index = view.model().index(0, 0)
    view.setCurrentIndex(index)
    qtbot.wait(20)
    rect = view.visualRect(index)
    image = view.viewport().grab().toImage()
    assert image.width() > rect.right() and image.height() > rect.bottom(), (image.size(), rect)
    ring = image.pixelColor(rect.left() + 1, rect.center().y())
    text = view.palette().color(QPalette.ColorRole.WindowText)
    assert ring.name() == text.name()
    view.setCurrentIndex(view.model().index(1, 1))
    qtbot.wait(20)
    image = view.viewport().grab().toImage()
    assert image.pixelColor(rect.left() + 1, rect.center().y()).name() != text.name()


def test_screen_readers_hear_the_status_and_honest_toggle_names(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.say("Something happened")
    assert accessible_name(window.status) == "Something happened"
    panel = window.dashboard.bars_panel
    before = accessible_name(panel.toggle)
    assert before == panel.toggle.text().replace("&", "")
    panel.switch()
    after = accessible_name(panel.toggle)
    assert after != before and after == panel.toggle.text().replace("&", "")


def test_a_store_that_fails_to_open_leads_back_to_the_choice(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    paths = AppPaths(tmp_path / "data", tmp_path / "gone.db")
    built = MainWindow(
        AppSettings(paths.data_dir), TaskRunner(), tmp_path / "log", lambda: TODAY, paths=paths
    )
    qtbot.addWidget(built)
    built.show()
    asked: list[bool] = []
    built.fallback = lambda: asked.append(True)
    built.open_store(opener_for(paths, paths.store, "open"), "gone.db")
    qtbot.waitUntil(lambda: hasattr(built, "last_error_box"), timeout=10_000)
    assert (
        "Not found" in built.last_error_box.text()
        or "no store" in built.last_error_box.informativeText()
    )
    built.last_error_box.done(0)
    qtbot.waitUntil(lambda: asked == [True], timeout=5_000)
    assert AppSettings(paths.data_dir).store is None  # a store that never opened is not kept
    built.close()


def test_first_run_dialog_shows_all_its_text_at_200_percent(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel

    from ccassure.ui.first_run import FirstRunDialog

    font = QApplication.font()
    normal = font.pointSizeF()
    font.setPointSizeF(normal * 2)
    QApplication.setFont(font)
    try:
        dialog = FirstRunDialog()
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.wait(20)
        for label in dialog.findChildren(QLabel):
            if label.wordWrap() and label.isVisible():
                assert label.height() >= label.heightForWidth(label.width()), label.text()
        dialog.reject()
    finally:
        font.setPointSizeF(normal)
        QApplication.setFont(font)
