"""The accessibility walk over every editor: names, Tab order and Alt+letter mnemonics."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from ccassure.ui.main_window import MainWindow
from tests.test_ui_journeys import new_assessment
from tests.ui_helpers import accessible_name, focusable, tab_cycle

pytestmark = pytest.mark.slow


def mnemonics(window: MainWindow) -> Counter[str]:
    """Every mnemonic Qt would act on now: the menu bar's and the visible controls'."""
    texts = [action.text() for action in window.menuBar().actions()]
    for widget in window.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QAbstractButton) or (
            isinstance(widget, QLabel) and widget.buddy() is not None
        ):
            texts.append(widget.text())
    keys = (QKeySequence.mnemonic(text).toString() for text in texts)
    return Counter(key for key in keys if key)


def clashes(window: MainWindow) -> list[str]:
    return [key for key, count in mnemonics(window).items() if count > 1]


def test_no_page_has_two_controls_on_one_mnemonic(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    assert clashes(window) == [], "dashboard"
    window.actions_by_name["all_actions"].trigger()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is not window.dashboard, timeout=10_000)
    QApplication.processEvents()
    assert clashes(window) == [], "all actions"


@pytest.mark.parametrize("kind", ["DPIA", "EIA", "Accessibility", "Environmental"])
def test_every_section_of_every_editor_is_named_reachable_and_unambiguous(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, kind: str
) -> None:
    _, page = new_assessment(qtbot, window, kind, f"{kind}: the walk", "Walk")
    for row in range(page.sections.count()):
        section = page.sections.item(row).text()
        page.sections.setCurrentRow(row)
        QApplication.processEvents()
        controls = focusable(window)
        unnamed = [w for w in controls if not accessible_name(w).strip()]
        assert unnamed == [], (section, [repr(w) for w in unnamed])
        visited = tab_cycle(qtbot, page.sections, limit=1000)
        missing = [w for w in controls if w not in visited]
        assert missing == [], (section, [f"{w!r} {accessible_name(w)}" for w in missing])
        assert clashes(window) == [], section


def test_the_issue_log_with_its_issues_is_named_reachable_and_unambiguous(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow
) -> None:
    from tests.test_ui_issue_log import open_log_by_keyboard

    _, page, panel = open_log_by_keyboard(qtbot, window)
    page.sections.setCurrentRow(page.forms.indexOf(panel))
    qtbot.waitUntil(lambda: panel.combos["criterion"].count() > 1, timeout=10_000)
    QApplication.processEvents()
    controls = focusable(window)
    assert [w for w in controls if not accessible_name(w).strip()] == []
    visited = tab_cycle(qtbot, page.sections, limit=1000)
    assert [w for w in controls if w not in visited] == []
    assert clashes(window) == []
