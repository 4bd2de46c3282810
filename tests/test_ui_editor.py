"""The checklist editor by keyboard: answer, autosave, undo and redo, submit with gaps listed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QPlainTextEdit

from ccassure.services.paths import AppPaths
from ccassure.ui.editor import EditorPage
from ccassure.ui.main_window import MainWindow
from tests.ui_helpers import accessible_name, focusable

TODAY = date(2026, 11, 26)


def open_editor(qtbot, window: MainWindow, kind: str, status: str) -> tuple[int, EditorPage]:  # type: ignore[no-untyped-def]
    assert window.context is not None
    found = next(
        s
        for s in window.context.assessments.list_summaries()
        if s.kind == kind and s.status == status
    )
    window.editing.edit(found.id)
    page = window.editing.page
    qtbot.waitUntil(lambda: window.pages.currentWidget() is page, timeout=10_000)
    return found.id, page


def stored(window: MainWindow, assessment_id: int, key: str) -> str:
    assert window.context is not None
    document = window.context.assessments.document(assessment_id)
    return next((r.value for r in document.responses if r.item == key), "")


def settle(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.wait(500)  # the editor's pause before saving
    qtbot.waitUntil(lambda: window.runner.running == 0, timeout=10_000)


def section_row(page: EditorPage, label: str) -> int:
    return next(i for i in range(page.sections.count()) if page.sections.item(i).text() == label)


def first_missing_text(page: EditorPage) -> str:
    return next(
        item.key
        for _, item in page._missing()
        if isinstance(page.fields[item.key].widget, QPlainTextEdit)
    )


def test_typing_is_saved_and_undo_redo_reach_the_store(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    ident, page = open_editor(qtbot, window, "environmental", "draft")
    key = first_missing_text(page)
    widget = page.fields[key].widget
    page._jump(_entry_for(page, key))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=5_000)
    typed = '<img src="/etc/passwd"/> &amp; '
    blob = "x" * 500_000  # one unbroken run, as a pasted blob would be
    prose = "Lorem ipsum dolor sit amet. " * 18_000
    pasted = "\u202eabc\u202c e\u0301 \U0001f642 " + blob + " " + prose  # over 1 MB
    hostile = typed + pasted
    qtbot.keyClicks(widget, typed)
    assert isinstance(widget, QPlainTextEdit)
    QApplication.clipboard().setText(pasted)  # QTest types Latin-1 only: paste the rest
    qtbot.keyClick(widget, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert len(hostile.encode()) > 1_000_000
    settle(qtbot, window)
    assert stored(window, ident, key) == hostile
    qtbot.keyClick(widget, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    assert page.fields[key].value() == "" and stored(window, ident, key) == ""
    qtbot.keyClick(
        widget,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    settle(qtbot, window)
    assert stored(window, ident, key) == hostile
    assert window.editing.failures == 0


def test_choice_answers_undo_too(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    ident, page = open_editor(qtbot, window, "environmental", "draft")
    key, field = next(
        (k, f) for k, f in page.fields.items() if isinstance(f.widget, QComboBox) and not f.value()
    )
    combo = field.widget
    assert isinstance(combo, QComboBox)
    page._jump(_entry_for(page, key, any_item=True))
    combo.setFocus()
    combo.setCurrentIndex(1)
    combo.activated.emit(1)
    settle(qtbot, window)
    chosen = stored(window, ident, key)
    assert chosen and chosen == combo.currentData()
    page.undo_stack.undo()
    settle(qtbot, window)
    assert stored(window, ident, key) == "" and combo.currentIndex() == 0


def test_submit_lists_what_is_missing_and_jumps_to_it(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    ident, page = open_editor(qtbot, window, "environmental", "draft")
    missing = page._missing()
    assert missing
    page.submit_button.setFocus()
    qtbot.keyClick(page.submit_button, Qt.Key.Key_Space)
    assert page.missing.isVisible() and page.missing.count() == len(missing)
    assert QApplication.focusWidget() is page.missing
    page.missing.setCurrentRow(len(missing) - 1)
    qtbot.keyClick(page.missing, Qt.Key.Key_Return)
    index, item = missing[-1]
    assert page.sections.currentRow() == index
    assert QApplication.focusWidget() is page.fields[item.key].widget
    assert window.context is not None
    assert window.context.assessments.summary(ident).status == "draft"

    for _, item in missing:
        field = page.fields[item.key]
        widget = field.widget
        if isinstance(widget, QPlainTextEdit):
            widget.setPlainText("Answered in the test.")
        elif isinstance(widget, QLineEdit):
            widget.setText("2027-01-31")
            field.edited.emit()
        elif isinstance(widget, QComboBox):
            widget.setCurrentIndex(1)
            field.edited.emit()
    page.flush()
    settle(qtbot, window)
    assert page._missing() == []
    qtbot.keyClick(page.submit_button, Qt.Key.Key_Space)
    qtbot.waitUntil(
        lambda: (
            window.context is not None
            and window.context.assessments.summary(ident).status == "in_review"
        ),
        timeout=10_000,
    )
    settle(qtbot, window)
    assert not page.submit_button.isEnabled()  # reopened read-only, in review


def test_every_editor_control_is_named(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    _, page = open_editor(qtbot, window, "dpia", "in_review")
    for row in range(page.sections.count()):
        page.sections.setCurrentRow(row)
        unnamed = [w for w in focusable(page) if not accessible_name(w).strip()]
        assert unnamed == [], [repr(w) for w in unnamed]
    assert not page.submit_button.isEnabled()


def _entry_for(page: EditorPage, key: str, any_item: bool = False):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QListWidgetItem

    assert page.template is not None
    index = next(
        i for i, s in enumerate(page.template.sections) if any(item.key == key for item in s.items)
    )
    entry = QListWidgetItem(key)
    entry.setData(Qt.ItemDataRole.UserRole, (index, key))
    return entry


def _child(store: Path, ident: int, key: str, text: str):  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    return subprocess.Popen(
        [
            sys.executable,
            str(root / "tests" / "editor_kill_child.py"),
            str(store),
            str(ident),
            key,
            text,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root), "QT_QPA_PLATFORM": "offscreen"},
    )


def _stored_now(store: Path, ident: int, key: str) -> str:
    import sqlite3

    db = sqlite3.connect(store)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        row = db.execute(
            "SELECT value FROM response WHERE assessment_id = ? AND item = ?", (ident, key)
        ).fetchone()
    finally:
        db.close()
    return str(row[0]) if row else ""


@pytest.mark.slow
def test_typed_text_survives_sigkill(demo_store: Path, tmp_path: Path) -> None:
    import random
    import shutil
    import signal

    from ccassure.services.context import build_context

    store = tmp_path / "kill.db"
    shutil.copy(demo_store, store)
    context = build_context(AppPaths(tmp_path / "data", store))
    summary = next(
        s
        for s in context.assessments.list_summaries()
        if s.kind == "environmental" and s.status == "draft"
    )
    document = context.assessments.document(summary.id)
    template = context.assessments.template_for(document)
    answered = {r.item for r in document.responses if r.value}
    keys = [
        item.key
        for _, item in template.items()
        if item.answer == "text" and item.key not in answered
    ][:2]
    context.close()
    assert len(keys) == 2

    text = "Certificate renewed; evidence held by procurement."
    child = _child(store, summary.id, keys[0], text)
    assert child.stdout is not None
    lines = []
    for line in child.stdout:
        lines.append(line.strip())
        if line.strip() == "SAVED":
            break
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=30)
    assert lines[-1] == "SAVED", lines[-3:]
    assert _stored_now(store, summary.id, keys[0]) == text  # all of it, after the kill

    child = _child(store, summary.id, keys[1], text)  # now kill it in the middle of typing
    assert child.stdout is not None
    stop_at = random.Random(7).randrange(5, len(text) - 5)
    typed = 0
    for line in child.stdout:
        if line.strip().isdigit():
            typed = int(line)
            if typed >= stop_at:
                break
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=30)
    kept = _stored_now(store, summary.id, keys[1])
    assert text.startswith(kept)  # never garbled: a prefix of what was typed
    assert len(kept) >= typed - 3  # at most the last few keystrokes were in flight


def test_dpia_risk_register_with_live_heat_maps(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from ccassure.domain.document import ComponentRef, ProgrammeRef

    assert window.context is not None
    service = window.context.assessments
    core = next(s for s in service.list_summaries() if s.kind == "dpia" and s.status == "approved")
    header = service.document(core.id).assessment
    ident = service.create(
        "dpia",
        "DPIA: new triage tool",
        ProgrammeRef(**header.programme.model_dump()),
        ComponentRef(**header.component.model_dump()),
    )
    window.editing.edit(ident)
    page = window.editing.page
    qtbot.waitUntil(lambda: window.pages.currentWidget() is page, timeout=10_000)
    register = page.register
    assert register is not None
    page.sections.setCurrentRow(section_row(page, "Risk register"))
    assert page.forms.currentWidget() is register

    def choose(combo, key: str) -> None:  # type: ignore[no-untyped-def]
        combo.setCurrentIndex(combo.findData(key))
        combo.activated.emit(combo.currentIndex())

    for title, likelihood, severity in (
        ("Over-retention", "probable", "severe"),
        ("Misdirected sharing", "possible", "significant"),
        ("Staff browsing", "remote", "minimal"),
    ):
        register.add_button.setFocus()
        qtbot.keyClick(register.add_button, Qt.Key.Key_Space)
        assert QApplication.focusWidget() is register.title
        register.title.selectAll()
        qtbot.keyClicks(register.title, title)
        choose(register.likelihood, likelihood)
        choose(register.severity, severity)
        settle(qtbot, window)

    def cell(chart, likelihood: str, severity: str) -> int:  # type: ignore[no-untyped-def]
        return next(e.value for e in chart.elements if e.payload == (likelihood, severity))

    assert cell(register.inherent_map, "probable", "severe") == 1
    assert sum(e.value for e in register.inherent_map.elements) == 3
    assert "consult the ICO" in register.flag.text()  # a high risk with no measures yet

    register.table.setCurrentCell(0, 0)
    qtbot.keyClicks(register.measures, "Automated deletion at 7 years")
    choose(register.effect, "reduced")
    choose(register.residual_likelihood, "remote")
    choose(register.residual_severity, "significant")
    settle(qtbot, window)
    assert cell(register.residual_map, "remote", "significant") == 1
    assert cell(register.residual_map, "probable", "severe") == 0
    assert "not needed" in register.flag.text()

    choose(register.effect, "accepted")
    choose(register.residual_likelihood, "possible")
    choose(register.residual_severity, "severe")
    settle(qtbot, window)
    assert "consult the ICO" in register.flag.text()
    stored_risks = service.document(ident).risks
    assert [r.title for r in stored_risks] == [
        "Over-retention",
        "Misdirected sharing",
        "Staff browsing",
    ]
    assert (stored_risks[0].residual_likelihood, stored_risks[0].effect) == ("possible", "accepted")

    page.undo_stack.undo()  # the last rating change goes back, in the store too
    settle(qtbot, window)
    assert service.document(ident).risks[0].residual_severity == "significant"
    assert "not needed" in register.flag.text()
    assert window.editing.failures == 0


def test_screening_verdict_and_expiring_evidence_follow_the_answers(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow
) -> None:
    from ccassure.ui.editor_fields import expiry_text

    ident, page = open_editor(qtbot, window, "environmental", "draft")
    notes = page.expiry_notes
    assert notes and any(n.text().startswith("⚠ Expired") for n in notes.values())
    key = next(iter(notes))
    field = page.fields[key]
    widget = field.widget
    assert isinstance(widget, QLineEdit)
    before_value = stored(window, ident, key)
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClicks(widget, "2027-0")  # half typed: neither saved nor an error dialog
    settle(qtbot, window)
    assert stored(window, ident, key) == before_value
    assert "YYYY-MM-DD" in page.date_notes[key].text()
    assert not hasattr(window, "last_error_box") and window.editing.failures == 0
    widget.setText("2027-01-10")
    field.edited.emit()
    settle(qtbot, window)
    assert "within 60 days" in notes[key].text()
    assert stored(window, ident, key) == "2027-01-10"
    assert expiry_text("2030-01-01", TODAY) == "" and expiry_text("garbage", TODAY) == ""

    assert window.context is not None
    core = next(s for s in window.context.assessments.list_summaries() if s.kind == "dpia")
    window.editing.edit(core.id)
    qtbot.waitUntil(lambda: page.verdict is not None, timeout=10_000)
    assert page.verdict is not None and "A DPIA is required" in page.verdict.text()


def test_actions_added_dated_overdue_and_undone(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    ident, page = open_editor(qtbot, window, "environmental", "draft")
    panel = page.actions_panel
    page.sections.setCurrentRow(section_row(page, "Actions"))
    assert page.forms.currentWidget() is panel
    before = len(panel.records)
    panel.add_button.setFocus()
    qtbot.keyClick(panel.add_button, Qt.Key.Key_Space)
    assert QApplication.focusWidget() is panel.description
    panel.description.selectAll()
    qtbot.keyClicks(panel.description, "Obtain the renewed ISO 14001 certificate")
    panel.due.setFocus()
    qtbot.keyClicks(panel.due, "31/12/2026")  # wrong form: refused, nothing saved
    settle(qtbot, window)
    assert "YYYY-MM-DD" in panel.problem.text()
    panel.due.selectAll()
    qtbot.keyClicks(panel.due, "2026-11-01")
    qtbot.keyClicks(panel.owner, "Procurement Lead")
    settle(qtbot, window)
    row = len(panel.records) - 1
    assert panel.table.item(row, 3).text().endswith("overdue")
    assert window.context is not None
    stored_actions = window.context.assessments.document(ident).actions
    assert len(stored_actions) == before + 1
    assert stored_actions[-1].description == "Obtain the renewed ISO 14001 certificate"
    assert str(stored_actions[-1].due) == "2026-11-01"
    while page.undo_stack.canUndo():
        page.undo_stack.undo()
    settle(qtbot, window)
    assert len(window.context.assessments.document(ident).actions) == before
    assert window.editing.failures == 0


def test_eia_impact_matrix_by_keyboard(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    ident, page = open_editor(qtbot, window, "eia", "draft")
    matrix = page.impacts
    row = next(
        i for i in range(page.sections.count()) if page.sections.item(i).text() == "Impact matrix"
    )
    page.sections.setCurrentRow(row)
    assert page.forms.currentWidget() is matrix
    assert matrix.table.rowCount() == 9
    names = [matrix.table.item(r, 0).text() for r in range(9)]
    target = next(r for r, n in enumerate(names) if n.lower().startswith("age"))
    matrix.table.setFocus()
    matrix.table.setCurrentCell(target, 0)
    matrix.effect.setCurrentIndex(matrix.effect.findData("negative"))
    matrix.effect.activated.emit(matrix.effect.currentIndex())
    matrix.rationale.setFocus()
    matrix.rationale.selectAll()
    qtbot.keyClicks(matrix.rationale, "Older callers wait longer when the map fails.")
    settle(qtbot, window)
    assert window.context is not None
    stored_impact = next(
        i for i in window.context.assessments.document(ident).impacts if i.characteristic == "age"
    )
    assert stored_impact.effect == "negative"
    assert stored_impact.rationale == "Older callers wait longer when the map fails."
    assert matrix.table.item(target, 1).text().lower() == "negative"
    page.undo_stack.undo()  # the typing
    page.undo_stack.undo()  # the impact
    settle(qtbot, window)
    again = next(
        i for i in window.context.assessments.document(ident).impacts if i.characteristic == "age"
    )
    assert again.effect != "negative"
    assert window.editing.failures == 0


def test_attachments_20_mb_saved_back_identical_paste_and_undo(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib
    import threading

    from PySide6.QtGui import QColor, QImage
    from PySide6.QtWidgets import QFileDialog

    import ccassure.services.files as files

    ident, page = open_editor(qtbot, window, "environmental", "draft")
    panel = page.attachments
    row = next(
        i for i in range(page.sections.count()) if page.sections.item(i).text() == "Attachments"
    )
    page.sections.setCurrentRow(row)
    big = tmp_path / "certificate-scan.pdf"
    big.write_bytes(bytes(range(256)) * (20 * 4096))  # 20 MiB
    readers: list[bool] = []
    real = files.read_attachment

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        readers.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(files, "read_attachment", watched)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(big), ""))
    )
    qtbot.keyClick(panel.add_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: len(panel.files) == 1, timeout=20_000)
    settle(qtbot, window)
    assert readers == [False]  # read and hashed off the UI thread
    assert window.context is not None
    stored_file = window.context.assessments.document(ident).attachments[0]
    assert stored_file.sha256 == hashlib.sha256(big.read_bytes()).hexdigest()
    assert stored_file.media_type == "application/pdf" and stored_file.size == 20 * 2**20

    copy = tmp_path / "copy.pdf"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(copy), ""))
    )
    qtbot.keyClick(panel.copy_button, Qt.Key.Key_Space)
    qtbot.waitUntil(copy.exists, timeout=10_000)
    settle(qtbot, window)
    assert copy.read_bytes() == big.read_bytes()

    from PySide6.QtGui import QDesktopServices

    shown: list[Path] = []
    monkeypatch.setattr(
        QDesktopServices,
        "openUrl",
        staticmethod(lambda url: shown.append(Path(url.toLocalFile())) or True),
    )
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)  # Enter opens it in the system's viewer
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=10_000)
    assert shown[0].name == big.name and shown[0].read_bytes() == big.read_bytes()
    assert oct(shown[0].stat().st_mode & 0o777) == oct(0o600)
    assert oct(shown[0].parent.parent.stat().st_mode & 0o777) == oct(0o700)

    image = QImage(8, 8, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    QApplication.clipboard().setImage(image)
    panel.paste_image()
    settle(qtbot, window)
    kinds = [a.media_type for a in window.context.assessments.document(ident).attachments]
    assert kinds == ["application/pdf", "image/png"]
    page.undo_stack.undo()  # the paste
    page.undo_stack.undo()  # the 20 MiB file
    settle(qtbot, window)
    assert window.context.assessments.document(ident).attachments == ()

    missing = tmp_path / "gone.pdf"
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(missing), ""))
    )
    qtbot.keyClick(panel.add_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: hasattr(window, "last_error_box"), timeout=10_000)
    assert "no such file" in window.last_error_box.informativeText()
