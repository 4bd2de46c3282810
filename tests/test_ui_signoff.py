"""The Sign off… dialog by keyboard alone: on a version in review, the state shown after it."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from ccassure.services.context import Context
from ccassure.services.errors import ServiceError
from ccassure.ui.main_window import MainWindow
from ccassure.ui.signoff_dialog import SignoffDialog
from tests.keyrings import MemoryKeyring
from tests.signoff_helpers import signer
from tests.ui_helpers import accessible_name, focusable, show_assessment, tab_cycle

DPIA_IN_REVIEW = 2  # the demo's LifeX DPIA
DPIA_APPROVED = 1


def _context(window: MainWindow) -> Context:
    assert window.context is not None
    return window.context


def _open(qtbot, window: MainWindow, assessment_id: int) -> None:  # type: ignore[no-untyped-def]
    show_assessment(qtbot, window, assessment_id)


def _dialog(window: MainWindow) -> SignoffDialog | None:
    found = [d for d in window.findChildren(SignoffDialog) if d.isVisible()]
    return found[0] if found else None


def _mnemonics(root: QWidget) -> Counter[str]:
    texts = [
        w.text()
        for w in root.findChildren(QWidget)
        if w.isVisible()
        and (isinstance(w, QAbstractButton) or (isinstance(w, QLabel) and w.buddy() is not None))
    ]
    keys = (QKeySequence.mnemonic(text).toString() for text in texts)
    return Counter(key for key in keys if key)


def test_sign_off_by_keyboard_and_see_the_state(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, memory_keyring: MemoryKeyring
) -> None:
    signer(_context(window), "Łukasz Żółć", "Data Protection Officer")
    _open(qtbot, window, DPIA_APPROVED)
    assert not window.assessment.signoff_button.isVisible()  # sealed: nothing to sign
    assert "Recorded without a digital signature" in window.assessment.view.toPlainText()
    _open(qtbot, window, DPIA_IN_REVIEW)
    page = window.assessment
    assert page.signoff_button.isVisible()
    from tests.test_ui_walk import clashes, mnemonics

    assert clashes(window) == [] and mnemonics(window)["Alt+O"] == 1
    page.view.setFocus()
    qtbot.keyClick(
        page.view,
        Qt.Key.Key_S,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: _dialog(window) is not None, timeout=10_000)
    dialog = _dialog(window)
    assert dialog is not None
    dialog.activateWindow()  # offscreen has no window manager to activate it
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.identity, timeout=5_000)

    def alt(key: Qt.Key) -> None:
        qtbot.keyClick(QApplication.focusWidget() or dialog, key, Qt.KeyboardModifier.AltModifier)

    # Every control named, reachable by Tab, and no two on one Alt+letter.
    unnamed = [w for w in focusable(dialog) if not accessible_name(w).strip()]
    assert unnamed == []
    visited = tab_cycle(qtbot, dialog.identity)
    assert [w for w in focusable(dialog) if w not in visited] == []
    assert [k for k, n in _mnemonics(dialog).items() if n > 1] == []
    assert dialog.role_key() == "measures-approved"

    # The decisions offered are exactly the chosen role's: the DPO roles take advice.
    def offered() -> list[str]:
        return [
            b.text().replace("&", "") for b in dialog.decisions.buttons() if b.isVisibleTo(dialog)
        ]

    assert offered() == ["Approve", "Approve with conditions", "Reject"]
    keys = [dialog.role.itemData(i).key for i in range(dialog.role.count())]
    assert len(keys) == 7  # every role not yet signed, not only some
    dialog.role.setCurrentIndex(keys.index("dpo-advice-decision"))
    assert offered() == ["Advice accepted", "Advice overruled"]
    assert dialog.decision() == "accepted"
    dialog.role.setCurrentIndex(keys.index("dpo-advice-provided"))
    assert offered() == ["Advice given"] and dialog.decision() == "advice_given"
    dialog.role.setCurrentIndex(0)
    assert offered() == ["Approve", "Approve with conditions", "Reject"]
    assert dialog.decision() == "approved"

    # Approve with conditions, but no conditions given: refused, said, focus to the comments.
    # (Alt+letter animates a click: Qt lets the button go 100 ms later.)
    alt(Qt.Key.Key_N)
    qtbot.waitUntil(lambda: dialog.decision() == "approved_with_conditions", timeout=5_000)
    alt(Qt.Key.Key_S)
    qtbot.waitUntil(lambda: "Give the conditions" in dialog.problem.text(), timeout=5_000)
    assert QApplication.focusWidget() is dialog.comments
    qtbot.keyClicks(dialog.comments, "Measure M3 in place before go-live")
    alt(Qt.Key.Key_S)
    qtbot.waitUntil(lambda: _dialog(window) is None, timeout=20_000)
    qtbot.waitUntil(lambda: "Still needed" in window.status_area.label.text(), timeout=20_000)
    assert "Measures approved by: approved with conditions by Łukasz Żółć" in (
        window.status_area.label.text()
    )
    qtbot.waitUntil(
        lambda: "Signature valid; covers this content" in page.view.toPlainText(),
        timeout=10_000,
    )
    text = page.view.toPlainText()
    assert "Approved with conditions" in text and "Measure M3 in place before go-live" in text
    [view] = _context(window).signoffs.views(DPIA_IN_REVIEW)
    assert (view.role, view.decision, view.state) == (
        "measures-approved",
        "approved_with_conditions",
        "valid",
    )


@pytest.mark.parametrize("fails", [False, True])
def test_closing_the_dialog_while_signing_still_announces_the_outcome(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, memory_keyring: MemoryKeyring, monkeypatch, fails: bool
) -> None:
    signer(_context(window), "Siobhan Kerr", "Data Protection Officer")
    _open(qtbot, window, DPIA_IN_REVIEW)
    service = _context(window).signoffs
    release = threading.Event()
    real = service.sign_off

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        assert release.wait(30)
        if fails:
            raise ServiceError("the key kept for Siobhan Kerr does not match")
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "sign_off", slow)
    window.assessment.signoff_button.click()
    qtbot.waitUntil(lambda: _dialog(window) is not None, timeout=10_000)
    dialog = _dialog(window)
    assert dialog is not None
    dialog.sign_button.click()
    qtbot.waitUntil(lambda: "Signing" in dialog.problem.text(), timeout=5_000)
    dialog.reject()  # closed (Escape, Cancel) while the signing task runs
    qtbot.waitUntil(lambda: _dialog(window) is None, timeout=5_000)
    qtbot.wait(50)  # let deferred deletions happen before the task reports back
    release.set()
    expected = "Problem: the key kept" if fails else "Measures approved by: approved by Siobhan"
    qtbot.waitUntil(lambda: expected in window.status_area.label.text(), timeout=20_000)
    assert len(service.views(DPIA_IN_REVIEW)) == (0 if fails else 1)
