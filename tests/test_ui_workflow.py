"""The assessment page's workflow buttons by keyboard: which are offered, withdraw, version n+1."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ccassure.services.context import Context
from ccassure.ui.main_window import MainWindow
from tests.test_ui_walk import clashes
from tests.ui_helpers import accessible_name, show_assessment

pytestmark = pytest.mark.slow
ALT = Qt.KeyboardModifier.AltModifier
# The demo: 1 approved DPIA, 2 DPIA in review, 3 approved EIA v1 (v2 is 4, a draft), 5 draft.
DPIA_APPROVED, DPIA_IN_REVIEW, EIA_V1, EIA_V2, ACCESSIBILITY_DRAFT = 1, 2, 3, 4, 5


def _context(window: MainWindow) -> Context:
    assert window.context is not None
    return window.context


def _open(qtbot, window: MainWindow, assessment_id: int) -> None:  # type: ignore[no-untyped-def]
    show_assessment(qtbot, window, assessment_id, activate=True)


def _offered(window: MainWindow) -> list[str]:
    page = window.assessment
    buttons = [
        page.edit_button,
        page.signoff_button,
        page.withdraw_button,
        page.new_version_button,
        page.export_button,
    ]
    return [accessible_name(b) for b in buttons if b.isVisible()]


@pytest.mark.parametrize(
    ("assessment_id", "offered"),
    [
        (DPIA_APPROVED, ["View answers", "Start new version 2", "Export report"]),
        (DPIA_IN_REVIEW, ["View answers", "Sign off", "Withdraw from review", "Export report"]),
        (EIA_V1, ["View answers", "Export report"]),  # approved, but version 2 exists
        (EIA_V2, ["Edit answers", "Export report"]),
        (ACCESSIBILITY_DRAFT, ["Edit answers", "Export report"]),
    ],
)
def test_only_the_steps_the_status_allows_are_offered_without_clashes(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, assessment_id: int, offered: list[str]
) -> None:
    _open(qtbot, window, assessment_id)
    assert _offered(window) == offered
    assert clashes(window) == []
    page = window.assessment
    for button in (page.edit_button, page.withdraw_button, page.new_version_button):
        # the name a screen reader says is the text a speech-recognition user says
        assert button.text().replace("&", "").rstrip("…") == accessible_name(button)


def test_withdraw_by_keyboard_makes_a_draft_and_says_so(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    _open(qtbot, window, DPIA_IN_REVIEW)
    title = _context(window).assessments.summary(DPIA_IN_REVIEW).title
    qtbot.keyClick(window.assessment.view, Qt.Key.Key_D, ALT)
    qtbot.waitUntil(lambda: "Withdrew" in window.status_area.label.text(), timeout=20_000)
    assert window.status_area.label.text() == (
        f"Withdrew {title} from review: it is a draft again and can be edited"
    )
    assert _context(window).assessments.summary(DPIA_IN_REVIEW).status == "draft"
    assert _offered(window) == ["Edit answers", "Export report"]
    assert QApplication.focusWidget() is window.assessment.view
    assert clashes(window) == []


def test_start_version_two_by_keyboard_opens_the_new_draft(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    context = _context(window)
    _open(qtbot, window, DPIA_APPROVED)
    title = context.assessments.summary(DPIA_APPROVED).title
    qtbot.keyClick(window.assessment.view, Qt.Key.Key_N, ALT)
    editor = window.editing.page
    qtbot.waitUntil(lambda: window.pages.currentWidget() is editor, timeout=20_000)
    qtbot.waitUntil(lambda: "Started version 2" in window.status_area.label.text(), timeout=10_000)
    assert window.status_area.label.text() == (
        f"Started version 2 of {title} as a draft; editing it. Version 1 stays approved and sealed"
    )
    versions = {v.version: v for v in context.assessments.versions(DPIA_APPROVED)}
    assert sorted(versions) == [1, 2]
    assert (versions[1].status, versions[2].status) == ("approved", "draft")
    assert editor.assessment_id == versions[2].id and versions[2].id != DPIA_APPROVED
    # Version 1 is no longer the latest: it offers no second "new version".
    _open(qtbot, window, DPIA_APPROVED)
    assert _offered(window) == ["View answers", "Export report"]
