"""Export report… by keyboard: signed PDF read back, HTML, replacing, failures and stopping."""

from __future__ import annotations

import threading
from pathlib import Path

import keyring
import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ccassure.services.context import Context
from ccassure.services.pdf_signing import verify_file
from ccassure.ui.export_dialog import ExportDialog, suggested_name
from ccassure.ui.main_window import MainWindow
from ccassure.ui.report_preview import ReportPreview
from tests.pdf_reading import flat, page_texts
from tests.signoff_helpers import PASS, signer
from tests.test_identities import PlaintextishKeyring
from tests.ui_helpers import accessible_name, focusable, show_assessment, tab_cycle

pytestmark = pytest.mark.slow
DPIA_APPROVED = 1  # the demo's core C&C DPIA
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


def _context(window: MainWindow) -> Context:
    assert window.context is not None
    return window.context


def _dialog(window: MainWindow) -> ExportDialog | None:
    found = [d for d in window.findChildren(ExportDialog) if d.isVisible()]
    return found[0] if found else None


def open_export(qtbot, window: MainWindow, assessment_id: int = DPIA_APPROVED) -> ExportDialog:  # type: ignore[no-untyped-def]
    """Open the assessment, then Ctrl+Shift+E from its page."""
    show_assessment(qtbot, window, assessment_id)
    qtbot.keyClick(window.assessment.view, Qt.Key.Key_E, CTRL_SHIFT)
    qtbot.waitUntil(lambda: _dialog(window) is not None, timeout=10_000)
    dialog = _dialog(window)
    assert dialog is not None
    dialog.activateWindow()  # offscreen has no window manager to activate it
    qtbot.waitUntil(lambda: dialog.isActiveWindow(), timeout=5_000)
    return dialog


def alt(qtbot, dialog: QWidget, key: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(QApplication.focusWidget() or dialog, key, ALT)
    QApplication.processEvents()


def type_file(qtbot, dialog: ExportDialog, path: Path) -> None:  # type: ignore[no-untyped-def]
    """Alt+F to the file field, select what is there, type the path."""
    alt(qtbot, dialog, Qt.Key.Key_F)
    assert QApplication.focusWidget() is dialog.file
    qtbot.keyClick(dialog.file, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.file, str(path))


def export_and_wait(qtbot, window: MainWindow, dialog: ExportDialog) -> None:  # type: ignore[no-untyped-def]
    alt(qtbot, dialog, Qt.Key.Key_X)
    qtbot.waitUntil(lambda: _dialog(window) is None, timeout=60_000)


def test_signed_pdf_by_keyboard_reads_back_with_one_valid_signature(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path, memory_keyring
) -> None:
    signer(_context(window), "Łukasz Żółć", "Data Protection Officer")
    title = _context(window).assessments.summary(DPIA_APPROVED).title
    dialog = open_export(qtbot, window)
    assert QApplication.focusWidget() is dialog.formats.button(0)  # PDF, chosen already
    assert Path(dialog.file.text()).name == suggested_name(title, 1, "pdf")
    # Every control named, reachable by Tab, and no two on one Alt+letter.
    assert [w for w in focusable(dialog) if not accessible_name(w).strip()] == []
    assert not dialog.identity.isVisible() and not dialog.passphrase.isVisible()
    alt(qtbot, dialog, Qt.Key.Key_G)  # Sign the PDF
    qtbot.waitUntil(dialog.identity.isVisible, timeout=5_000)
    assert not dialog.passphrase.isVisible()  # the key is in the keyring: no passphrase
    visited = tab_cycle(qtbot, dialog.formats.button(0))
    assert [w for w in focusable(dialog) if w not in visited] == []
    from tests.test_ui_signoff import _mnemonics

    assert [k for k, n in _mnemonics(dialog).items() if n > 1] == []
    target = tmp_path / "signed report.pdf"
    type_file(qtbot, dialog, target)
    seen: list[int] = []
    dialog.progress.valueChanged.connect(seen.append)
    export_and_wait(qtbot, window, dialog)

    said = window.status_area.label.text()
    assert said.startswith(f"Exported {title}, version 1, as PDF, signed by Łukasz Żółć")
    assert str(target) in said
    assert seen and seen[-1] == 100 and seen == sorted(seen)
    assert len(seen) > 3  # drawing reports its pages, not only start and end
    text = flat(" ".join(page_texts(target)))
    assert flat(title) in text
    assert PdfReader(target).metadata.title == title  # type: ignore[union-attr]
    found = verify_file(target)
    assert [s.signer for s in found.signatures] == ["Łukasz Żółć"]
    assert found.state == "valid" and found.signatures[0].intact
    assert window.export_folder == tmp_path  # the next export starts there


def test_html_by_keyboard_from_the_file_menu_and_the_preview(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    title = _context(window).assessments.summary(DPIA_APPROVED).title
    dialog = open_export(qtbot, window)
    alt(qtbot, dialog, Qt.Key.Key_H)
    qtbot.waitUntil(lambda: dialog.fmt() == "html", timeout=5_000)
    assert dialog.file.text().endswith(".html")  # the name follows the format
    assert not dialog.sign.isVisible()  # only a PDF can be signed
    asked: list[tuple[str, str]] = []

    def choose(_parent: QWidget, caption: str, _current: str, filters: str) -> Path:
        asked.append((caption, filters))
        return tmp_path / "report"  # typed without its extension

    dialog.ask_path = choose
    alt(qtbot, dialog, Qt.Key.Key_C)  # Choose… (Alt+letter animates a click: 100 ms)
    qtbot.waitUntil(lambda: bool(asked), timeout=5_000)
    assert asked == [("Export the report as HTML", "HTML pages (*.html)")]
    target = tmp_path / "report.html"
    assert dialog.file.text() == str(target) and QApplication.focusWidget() is dialog.file
    export_and_wait(qtbot, window, dialog)
    assert "as HTML" in window.status_area.label.text()
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<html lang=" in page
    assert title.replace("&", "&amp;") in page

    # The same dialog from the preview's Export… button, over the preview.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    qtbot.keyClick(window.assessment.view, Qt.Key.Key_P, CTRL_SHIFT)
    qtbot.waitUntil(lambda: bool(window.findChildren(ReportPreview)), timeout=5_000)
    preview = window.findChildren(ReportPreview)[0]
    qtbot.waitUntil(preview.save_button.isEnabled, timeout=20_000)
    preview.export_button.setFocus()
    qtbot.keyClick(preview.export_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: _dialog(window) is not None, timeout=10_000)
    over = _dialog(window)
    assert over is not None and over.parent() is preview
    assert Path(over.file.text()).parent == tmp_path
    qtbot.keyClick(over, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: _dialog(window) is None, timeout=5_000)
    preview.close()


def test_replacing_a_file_asks_first_and_no_keeps_it(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    target = tmp_path / "existing.json"
    target.write_bytes(b"keep me")
    dialog = open_export(qtbot, window)
    alt(qtbot, dialog, Qt.Key.Key_J)
    type_file(qtbot, dialog, target)
    questions: list[str] = []

    def answer(key: Qt.Key) -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        questions.append(box.text())
        qtbot.keyClick(box, key)

    QTimer.singleShot(200, lambda: answer(Qt.Key.Key_Return))  # Enter: the default, No
    alt(qtbot, dialog, Qt.Key.Key_X)
    qtbot.waitUntil(lambda: "was kept" in dialog.problem.text(), timeout=10_000)
    assert questions == [f"existing.json already exists in {tmp_path}. Replace it?"]
    assert target.read_bytes() == b"keep me"
    assert dialog.focusWidget() is dialog.file  # where the focus returns: give another name
    dialog.activateWindow()  # as a window manager does when the question closes
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5_000)

    QTimer.singleShot(200, lambda: answer(Qt.Key.Key_Y))  # Y: Yes, replace it
    alt(qtbot, dialog, Qt.Key.Key_X)
    qtbot.waitUntil(lambda: _dialog(window) is None, timeout=30_000)
    assert len(questions) == 2
    assert b'"title"' in target.read_bytes() and "as JSON" in window.status_area.label.text()


def test_a_failure_is_said_in_one_line_and_leaves_no_file(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, unwritable_folder: Path
) -> None:
    before = sorted(p.name for p in unwritable_folder.iterdir())
    dialog = open_export(qtbot, window)
    target = unwritable_folder / "report.pdf"
    type_file(qtbot, dialog, target)
    alt(qtbot, dialog, Qt.Key.Key_X)
    qtbot.waitUntil(lambda: dialog.running is None and "Not exported" in dialog.problem.text())
    message = dialog.problem.text()
    assert (
        message == f"Not exported: {unwritable_folder}: you do not have permission to write there"
    )
    assert window.status_area.label.text() == message and "\n" not in message
    assert sorted(p.name for p in unwritable_folder.iterdir()) == before  # nothing left
    assert dialog.isVisible() and dialog.export_button.isEnabled()
    assert QApplication.focusWidget() is dialog.file  # to put the file right


def test_a_key_file_needs_its_passphrase_and_a_wrong_one_is_said(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    before = keyring.get_keyring()
    keyring.set_keyring(PlaintextishKeyring())  # not a secure OS keyring: keys go to key files
    try:
        signer(_context(window), "Nguyễn Thị Minh", "Senior Responsible Owner")
        dialog = open_export(qtbot, window)
        alt(qtbot, dialog, Qt.Key.Key_G)
        qtbot.waitUntil(dialog.passphrase.isVisible, timeout=5_000)
        assert "key file" in dialog.identity.currentText()
        target = tmp_path / "signed.pdf"
        type_file(qtbot, dialog, target)
        alt(qtbot, dialog, Qt.Key.Key_X)
        qtbot.waitUntil(lambda: "Give the passphrase" in dialog.problem.text(), timeout=5_000)
        assert QApplication.focusWidget() is dialog.passphrase
        qtbot.keyClicks(dialog.passphrase, "not the passphrase")
        alt(qtbot, dialog, Qt.Key.Key_X)
        qtbot.waitUntil(lambda: "Not exported" in dialog.problem.text(), timeout=30_000)
        assert QApplication.focusWidget() is dialog.passphrase and not target.exists()
        dialog.passphrase.clear()
        qtbot.keyClicks(dialog.passphrase, PASS)
        export_and_wait(qtbot, window, dialog)
        assert "signed by Nguyễn Thị Minh" in window.status_area.label.text()
        assert [s.signer for s in verify_file(target).signatures] == ["Nguyễn Thị Minh"]
    finally:
        keyring.set_keyring(before)


def test_stop_while_exporting_writes_nothing(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reports = _context(window).reports
    build = reports.report
    go_on = threading.Event()

    def held_report(assessment_id: int):  # type: ignore[no-untyped-def]
        go_on.wait(20)  # the export is under way until the test has pressed Esc
        return build(assessment_id)

    monkeypatch.setattr(reports, "report", held_report)
    dialog = open_export(qtbot, window)
    target = tmp_path / "stopped.pdf"
    type_file(qtbot, dialog, target)
    alt(qtbot, dialog, Qt.Key.Key_X)
    qtbot.waitUntil(lambda: dialog.running is not None, timeout=5_000)
    assert QApplication.focusWidget() is dialog.cancel_button
    assert accessible_name(dialog.cancel_button) == "Stop export"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert "Stopping" in dialog.problem.text() and dialog.isVisible()
    go_on.set()
    qtbot.waitUntil(lambda: dialog.running is None, timeout=30_000)
    assert dialog.problem.text() == "Export stopped; no file was written."
    assert not target.exists() and list(tmp_path.glob(".stopped*")) == []
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # now Esc closes
    qtbot.waitUntil(lambda: _dialog(window) is None, timeout=5_000)


def test_without_an_assessment_the_export_says_what_to_do(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.show_dashboard()
    qtbot.keyClick(window, Qt.Key.Key_E, CTRL_SHIFT)
    assert _dialog(window) is None
    assert "Open an assessment first" in window.status.text()


def test_the_suggested_name_keeps_the_title_readable_and_safe_on_any_system() -> None:
    title = "DPIA: Core C&C solution – call handling"
    assert suggested_name(title, 3, "pdf") == "DPIA Core C&C solution – call handling v3.pdf"
    assert suggested_name('a/b\\c?*<>|"..', 1, "json") == "a b c v1.json"
    assert suggested_name("...", 2, "html") == "report v2.html"
