"""Helpers for driving the desktop app in tests: keyboard walks and accessible names."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QWidget


def accessible_name(widget: QWidget) -> str:
    """The name assistive technology is given (falls back to visible text, as Qt does)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name) if interface is not None else ""


def focusable(root: QWidget) -> list[QWidget]:
    """Visible, enabled widgets under root that Tab can reach."""
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if (
            widget.isVisibleTo(root.window())
            and widget.isVisible()
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and widget.focusProxy() is None
        ):
            found.append(widget)
    return found


def tab_cycle(qtbot: object, start: QWidget, limit: int = 400) -> list[QWidget]:
    """Press Tab from start until focus comes back round; return the widgets visited."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    QApplication.processEvents()
    visited: list[QWidget] = []
    current = QApplication.focusWidget()
    assert current is not None
    for _ in range(limit):
        visited.append(current)
        qtbot.keyClick(current, Qt.Key.Key_Tab)  # type: ignore[attr-defined]
        QApplication.processEvents()
        following = QApplication.focusWidget()
        assert following is not None, f"focus lost after {current!r}"
        if following is visited[0]:
            return visited
        assert following is not current, f"Tab is trapped in {current!r}"
        current = following
    raise AssertionError("Tab never came back to the first control")


def show_assessment(qtbot, window, assessment_id: int, activate: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Open an assessment version's page and wait until it is the one shown; with activate,
    make the window active too (offscreen has no window manager to do it)."""
    window.open_assessment(assessment_id)
    qtbot.waitUntil(
        lambda: (
            window.pages.currentWidget() is window.assessment
            and window.assessment.assessment_id == assessment_id
        ),
        timeout=10_000,
    )
    if activate:
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
        QApplication.processEvents()
