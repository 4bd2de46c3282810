"""The audit trail window by keyboard: opened from an assessment, read as a table, verified."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ccassure.domain.document import Response
from ccassure.services.context import Context
from ccassure.ui.audit_view import COLUMNS, AuditTrailWindow
from ccassure.ui.main_window import MainWindow
from tests.test_ui_signoff import _open
from tests.ui_helpers import accessible_name, focusable, tab_cycle

EIA_DRAFT = 4  # the demo's EIA version 2, a draft


def _window(window: MainWindow) -> AuditTrailWindow | None:
    found = [d for d in window.findChildren(AuditTrailWindow) if d.isVisible()]
    return found[0] if found else None


def _context(window: MainWindow) -> Context:
    assert window.context is not None
    return window.context


def test_the_trail_by_keyboard_with_its_verdict(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    context = _context(window)
    context.assessments.set_response(EIA_DRAFT, Response(item="aims.advance", value="Before"))
    context.assessments.set_response(EIA_DRAFT, Response(item="aims.advance", value="After"))
    _open(qtbot, window, EIA_DRAFT)
    page = window.assessment
    from tests.test_ui_walk import clashes, mnemonics

    assert page.audit_button.isVisible() and accessible_name(page.audit_button) == "Audit trail"
    assert clashes(window) == [] and mnemonics(window)["Alt+R"] == 1
    page.view.setFocus()
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(page.view, Qt.Key.Key_A, modifiers)
    qtbot.waitUntil(lambda: _window(window) is not None, timeout=10_000)
    trail = _window(window)
    assert trail is not None
    expected = context.audit.count(EIA_DRAFT)
    qtbot.waitUntil(lambda: trail.model.rowCount() == expected, timeout=10_000)
    headers = [trail.model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(COLUMNS))]
    assert headers == list(COLUMNS)
    first = [trail.model.item(0, c).text() for c in range(len(COLUMNS))]
    assert first[2].startswith("response aims.advance") and first[3:] == [
        "value",
        "Before",
        "After",
    ]
    assert trail.status.text() == f"{expected:,} changes, newest first."
    assert accessible_name(trail.status) == trail.status.text()
    trail.activateWindow()  # offscreen has no window manager to activate it
    qtbot.waitUntil(lambda: QApplication.focusWidget() is trail.table, timeout=5_000)
    assert trail.table.currentIndex().row() == 0
    controls = focusable(trail)
    assert all(accessible_name(w).strip() for w in controls)
    assert set(tab_cycle(qtbot, trail.table)) >= {trail.table, trail.verify_button}
    trail.verify_button.setFocus()
    qtbot.keyClick(trail.verify_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: "intact" in trail.status.text(), timeout=10_000)
    db = sqlite3.connect(context.store.path)
    with db:
        db.execute("UPDATE audit_event SET actor = 'someone else' WHERE id = 3")
    db.close()
    qtbot.keyClick(trail, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: "broken at row 3" in trail.status.text(), timeout=10_000)
    assert "altered" in trail.status.text()
    qtbot.keyClick(trail, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: _window(window) is None, timeout=5_000)
    window.runner.wait()
