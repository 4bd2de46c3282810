"""Preview report and the governance summary in the real window, by keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from ccassure.domain.reporting.governance import HEADINGS
from ccassure.ui.governance_window import GovernanceWindow
from ccassure.ui.main_window import MainWindow
from ccassure.ui.report_preview import ReportPreview
from tests.ui_helpers import accessible_name, focusable

pytestmark = pytest.mark.slow
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def open_dpia(qtbot, window: MainWindow) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    assert window.context is not None
    summary = next(s for s in window.context.assessments.list_summaries("dpia"))
    window.open_assessment(summary.id)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.assessment, timeout=10_000)
    return summary.id, summary.title


def the_preview(qtbot, window: MainWindow) -> ReportPreview:  # type: ignore[no-untyped-def]
    qtbot.keyClick(window, Qt.Key.Key_P, CTRL_SHIFT)
    qtbot.waitUntil(lambda: bool(window.findChildren(ReportPreview)), timeout=5_000)
    preview = window.findChildren(ReportPreview)[0]
    qtbot.waitUntil(preview.save_button.isEnabled, timeout=20_000)
    return preview


def test_the_preview_shows_the_report_and_closes_with_escape(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    ident, title = open_dpia(qtbot, window)
    preview = the_preview(qtbot, window)
    assert preview.assessment_id == ident
    assert title in preview.windowTitle()
    text = preview.view.toPlainText()
    for heading in ("Executive summary", "Risk register", "Sign-off", "Content hash"):
        assert heading in text
    assert title in text and "OFFICIAL" in text
    controls = [w for w in focusable(preview) if isinstance(w, QWidget)]
    assert controls and all(accessible_name(w).strip() for w in controls)
    assert QApplication.focusWidget() is preview.view
    for _ in range(len(text.splitlines())):  # Tab visits the contents' links, then leaves
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        if QApplication.focusWidget() is not preview.view:
            break
    assert QApplication.focusWidget() is preview.save_button
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not preview.isVisible(), timeout=5_000)


def test_save_as_html_writes_the_report(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    open_dpia(qtbot, window)
    preview = the_preview(qtbot, window)
    target = tmp_path / "preview.html"
    preview.ask_path = lambda _parent, _suggested: target
    preview.save_button.setFocus()
    qtbot.keyClick(preview.save_button, Qt.Key.Key_Space)
    # The file appears (renamed into place) a moment before the worker reports back.
    qtbot.waitUntil(lambda: "Saved the report" in preview.status.text(), timeout=10_000)
    written = target.read_text(encoding="utf-8")
    assert written == preview.html and written.startswith("<!DOCTYPE html>")
    preview.close_button.click()


def test_without_an_assessment_the_preview_says_what_to_do(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.show_dashboard()
    qtbot.keyClick(window, Qt.Key.Key_P, CTRL_SHIFT)
    assert not window.findChildren(ReportPreview)
    assert "Open an assessment first" in window.status.text()


def test_the_governance_summary_copies_each_heading(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.actions_by_name["governance"].trigger()
    qtbot.waitUntil(lambda: bool(window.findChildren(GovernanceWindow)), timeout=5_000)
    found = window.findChildren(GovernanceWindow)[0]
    qtbot.waitUntil(lambda: found.copy_buttons[HEADINGS[1]].isEnabled(), timeout=20_000)
    assert list(found.texts) == list(HEADINGS)
    privacy = found.texts[HEADINGS[1]].toPlainText()
    assert "DPIA" in privacy and "Core C&C solution" in privacy
    found.activateWindow()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    # a mnemonic clicks its button after a moment
    qtbot.waitUntil(lambda: "Copied the privacy comments" in found.status.text(), timeout=5_000)
    assert QApplication.clipboard().text() == privacy
    assert all(accessible_name(w).strip() for w in focusable(found))
    qtbot.keyClick(found, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not found.isVisible(), timeout=5_000)
