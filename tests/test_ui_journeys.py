"""Whole journeys by keyboard: a DPIA, an EIA and an environmental checklist, new to review."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from ccassure.domain.document import content_hash
from ccassure.ui.editor import EditorPage
from ccassure.ui.main_window import MainWindow
from tests.ui_helpers import accessible_name, focusable

pytestmark = pytest.mark.slow
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def settle(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.runner.running == 0, timeout=20_000)
    QApplication.processEvents()
    qtbot.waitUntil(lambda: window.runner.running == 0, timeout=20_000)


def pick(qtbot, combo: QComboBox, label: str) -> None:  # type: ignore[no-untyped-def]
    """Choose by keyboard: Home, then Down until the entry shows."""
    combo.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText().startswith(label):
            QApplication.processEvents()  # the editor's zero-delay save timer
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    raise AssertionError(
        f"{label!r} is not among {[combo.itemText(i) for i in range(combo.count())]}"
    )


def in_modal(qtbot, fill: Callable[[QWidget], None]) -> list[BaseException]:  # type: ignore[no-untyped-def]
    """Run fill on the next modal dialog; a failure closes the dialog and is handed back."""
    failures: list[BaseException] = []

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, run)
            return
        try:
            fill(dialog)
        except BaseException as exc:
            failures.append(exc)
            dialog.close()

    QTimer.singleShot(0, run)
    return failures


def back_to(qtbot, window: QWidget) -> None:  # type: ignore[no-untyped-def]
    """Activate the window again when a dialog has closed, as a window manager does."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)


def new_assessment(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, kind: str, title: str, component: str, supplier: str = ""
) -> tuple[int, EditorPage]:
    from ccassure.ui.new_assessment import NewAssessmentDialog

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, NewAssessmentDialog)
        unnamed = [w for w in focusable(dialog) if not accessible_name(w).strip()]
        assert unnamed == [], unnamed
        pick(qtbot, dialog.kind, kind)
        dialog.title.setFocus()
        qtbot.keyClicks(dialog.title, title)
        line = dialog.component.lineEdit()
        line.setFocus()
        line.selectAll()
        qtbot.keyClicks(line, component)
        if supplier:
            qtbot.keyClicks(dialog.supplier, supplier)
        qtbot.keyClick(dialog.owner, Qt.Key.Key_Return)

    failures = in_modal(qtbot, fill)
    focus = QApplication.focusWidget() or window
    qtbot.keyClick(focus, Qt.Key.Key_N, CTRL)
    assert failures == []
    back_to(qtbot, window)
    page = window.editing.page
    qtbot.waitUntil(
        lambda: window.pages.currentWidget() is page and title in page.heading.text(),
        timeout=20_000,
    )
    assert window.context is not None
    return page.assessment_id, page


def answer(qtbot, widget: QWidget) -> None:  # type: ignore[no-untyped-def]
    if isinstance(widget, QPlainTextEdit):
        qtbot.keyClicks(widget, "Done.")
    elif isinstance(widget, QComboBox):
        qtbot.keyClick(widget, Qt.Key.Key_Down)
    else:
        assert isinstance(widget, QLineEdit)
        qtbot.keyClicks(widget, "2027-03-31")


def complete_and_submit(qtbot, window: MainWindow, page: EditorPage) -> int:  # type: ignore[no-untyped-def]
    """Press Alt+S; answer each listed item from the list (Enter jumps to it); until it goes."""
    answered = 0
    for _round in range(4):
        qtbot.keyClick(
            QApplication.focusWidget() or page, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier
        )
        qtbot.wait(300)  # a mnemonic "animates" the click: the button is pressed 100 ms later
        settle(qtbot, window)
        if not page.missing.isVisible():
            return answered
        for row in range(page.missing.count()):
            page.missing.setFocus()
            qtbot.keyClick(page.missing, Qt.Key.Key_Home)
            for _ in range(row):
                qtbot.keyClick(page.missing, Qt.Key.Key_Down)
            qtbot.keyClick(page.missing, Qt.Key.Key_Return)
            focused = QApplication.focusWidget()
            assert focused is not None and focused is not page.missing
            answer(qtbot, focused)
            answered += 1
        settle(qtbot, window)
    raise AssertionError("still not submitted")


def status(window: MainWindow, ident: int) -> str:
    assert window.context is not None
    return window.context.assessments.summary(ident).status


def row_of(page: EditorPage, starts: str) -> int:
    return next(
        i for i in range(page.sections.count()) if page.sections.item(i).text().startswith(starts)
    )


def test_a_dpia_from_nothing_to_review_by_keyboard(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    ident, page = new_assessment(
        qtbot, window, "DPIA", "DPIA: ANPR interface", "ANPR interface", "Leidos"
    )
    assert page.undo_stack.count() == 0 and status(window, ident) == "draft"
    # Screening: two items from the ICO list make a DPIA required, and the editor says so.
    page.sections.setCurrentRow(row_of(page, "Screening"))
    assert page.template is not None
    screening = [item.key for _, item in page.template.items() if item.screening == "ico"]
    for key in screening[:2]:
        pick(qtbot, page.fields[key].widget, "Yes")
    assert page.verdict is not None and "required" in page.verdict.text().lower()
    # The regime decides whether the Part 3 section applies.
    part3 = row_of(page, "Law-enforcement processing")
    assert page.sections.item(part3).text().endswith("does not apply")
    assert not page.prompts["part3.applies"].text().endswith("(required)")
    page.sections.setCurrentRow(row_of(page, "Step 1"))
    pick(qtbot, page.fields["step1.regime"].widget, "UK GDPR")
    assert page.sections.item(part3).text().endswith("does not apply")
    pick(qtbot, page.fields["step1.regime"].widget, "DPA 2018 Part 3")
    assert "required" in page.sections.item(part3).text()
    assert page.prompts["part3.applies"].text().endswith("(required)")
    assert page.fields["part3.applies"].widget.accessibleName().endswith("(required)")
    # Three risks by keyboard; the inherent heat map follows.
    register = page.register
    assert register is not None
    page.sections.setCurrentRow(row_of(page, "Risk register"))
    for count, (title, likelihood, severity) in enumerate(
        (
            ("Plates kept too long", "Probable", "Severe"),
            ("Matches shared with the wrong force", "Possible", "Significant"),
            ("Staff browsing", "Remote", "Minimal"),
        ),
        start=1,
    ):
        register.add_button.setFocus()
        qtbot.keyClick(register.add_button, Qt.Key.Key_Space)
        assert QApplication.focusWidget() is register.title
        register.title.selectAll()
        qtbot.keyClicks(register.title, title)
        pick(qtbot, register.likelihood, likelihood)
        pick(qtbot, register.severity, severity)
        settle(qtbot, window)
        assert sum(e.value for e in register.inherent_map.elements) == count
    high = next(e for e in register.inherent_map.elements if e.payload == ("probable", "severe"))
    assert high.value == 1 and "consult the ICO" in register.flag.text()
    # Measures on the high risk: the residual map moves it, and no consultation is needed.
    register.table.setFocus()
    register.table.setCurrentCell(0, 0)
    register.measures.setFocus()
    qtbot.keyClicks(register.measures, "Delete reads after 90 days unless linked to a case")
    pick(qtbot, register.effect, "Reduced")
    pick(qtbot, register.residual_likelihood, "Remote")
    pick(qtbot, register.residual_severity, "Significant")
    settle(qtbot, window)
    residual = {e.payload: e.value for e in register.residual_map.elements}
    assert residual[("remote", "significant")] == 1 and residual[("probable", "severe")] == 0
    assert "not needed" in register.flag.text()
    # Everything required, answered from the "still missing" list, then submitted.
    answered = complete_and_submit(qtbot, window, page)
    assert answered > 20
    assert status(window, ident) == "in_review"
    assert window.context is not None
    document = window.context.assessments.document(ident)
    assert len(document.risks) == 3 and document.risks[0].effect == "reduced"
    assert any(r.item.startswith("part3.") and r.value for r in document.responses)
    assert window.editing.failures == 0


def test_an_eia_with_its_own_item_and_evidence_by_keyboard(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from ccassure.ui.custom_items import CustomItemDialog

    ident, page = new_assessment(qtbot, window, "EIA", "EIA: ANPR interface", "ANPR interface")
    page.sections.setCurrentRow(row_of(page, "Impact matrix"))
    matrix = page.impacts
    names = [matrix.table.item(r, 0).text().lower() for r in range(matrix.table.rowCount())]
    matrix.table.setFocus()
    matrix.table.setCurrentCell(names.index(next(n for n in names if n.startswith("disab"))), 0)
    pick(qtbot, matrix.effect, "Negative")
    matrix.rationale.setFocus()
    qtbot.keyClicks(matrix.rationale, "Screen-reader users cannot read the alert banner.")
    settle(qtbot, window)
    # An item of the assessment's own, required, then answered with evidence.
    page.sections.setCurrentRow(row_of(page, "Additional items"))
    add = next(
        b
        for b in page.forms.currentWidget().findChildren(QWidget)
        if accessible_name(b).startswith("Add an item to")
    )

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, CustomItemDialog)
        qtbot.keyClicks(dialog.prompt, "Has the Deaf Police Association been consulted?")
        dialog.required.setFocus()
        qtbot.keyClick(dialog.required, Qt.Key.Key_Space)
        qtbot.keyClick(dialog.prompt, Qt.Key.Key_Return)

    failures = in_modal(qtbot, fill)
    add.setFocus()
    qtbot.keyClick(add, Qt.Key.Key_Space)
    assert failures == []
    back_to(qtbot, window)
    settle(qtbot, window)
    assert window.context is not None
    custom = window.context.assessments.document(ident).custom_items
    assert [c.prompt for c in custom] == ["Has the Deaf Police Association been consulted?"]
    key = custom[0].key
    assert QApplication.focusWidget() is page.fields[key].widget
    assert key in {item.key for _, item in page._missing()}
    qtbot.keyClicks(page.fields[key].widget, "Yes, on 3 November")
    page.evidence[key].setFocus()
    qtbot.keyClicks(page.evidence[key], "https://intranet.example/dpa-minutes; minutes.pdf")
    settle(qtbot, window)
    response = next(
        r for r in window.context.assessments.document(ident).responses if r.item == key
    )
    assert response.evidence == ("https://intranet.example/dpa-minutes", "minutes.pdf")
    complete_and_submit(qtbot, window, page)
    assert status(window, ident) == "in_review"
    assert window.editing.failures == 0


def test_an_environmental_checklist_flags_expiring_evidence_by_keyboard(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow
) -> None:
    ident, page = new_assessment(
        qtbot, window, "Environmental", "Environmental: ANPR hosting", "ANPR hosting", "Leidos"
    )
    assert page.template is not None
    expiring = next(item.key for _, item in page.template.items() if item.expires)
    page.sections.setCurrentRow(
        next(
            i
            for i, s in enumerate(page.template.sections)
            if any(it.key == expiring for it in s.items)
        )
    )
    field = page.fields[expiring].widget
    field.setFocus()
    qtbot.keyClicks(field, "2026-12-20")  # within 60 days of 26 November 2026
    QApplication.processEvents()
    assert "Expires within 60 days" in page.expiry_notes[expiring].text()
    settle(qtbot, window)
    complete_and_submit(qtbot, window, page)
    assert status(window, ident) == "in_review"
    assert window.editing.failures == 0


def test_undo_and_redo_across_every_kind_of_edit(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    ident, page = new_assessment(qtbot, window, "DPIA", "DPIA: undo walk", "Undo walk")
    assert window.context is not None
    service = window.context.assessments
    initial = service.document(ident)
    empty = content_hash(initial)
    page.sections.setCurrentRow(row_of(page, "Step 1"))
    text = page.fields["step1.aims"].widget
    text.setFocus()
    qtbot.keyClicks(text, "Read plates at the boundary")
    pick(qtbot, page.fields["step1.regime"].widget, "Both")
    register = page.register
    assert register is not None
    page.sections.setCurrentRow(row_of(page, "Risk register"))
    register.add_button.setFocus()
    qtbot.keyClick(register.add_button, Qt.Key.Key_Space)
    qtbot.keyClicks(register.title, "Over-collection")
    pick(qtbot, register.likelihood, "Probable")  # a risk rating
    settle(qtbot, window)
    scan = tmp_path / "notice.txt"
    scan.write_text("Privacy notice v3", "utf-8")
    window.editing.attach_file(scan)  # what the Add a file button and drag and drop call
    qtbot.waitUntil(lambda: len(page.attachments.files) == 1, timeout=10_000)
    page.sections.setCurrentRow(row_of(page, "Actions"))
    panel = page.actions_panel
    panel.add_button.setFocus()
    qtbot.keyClick(panel.add_button, Qt.Key.Key_Space)
    qtbot.keyClicks(panel.description, "Publish the privacy notice")
    settle(qtbot, window)
    full = service.document(ident)
    assert (len(full.risks), len(full.attachments), len(full.actions)) == (1, 1, 1)
    assert full.risks[0].likelihood == "probable"
    done = content_hash(full)
    steps = page.undo_stack.count()
    assert steps >= 6
    for _ in range(steps):
        qtbot.keyClick(QApplication.focusWidget() or page, Qt.Key.Key_Z, CTRL)
        settle(qtbot, window)
    assert service.document(ident).to_data() == initial.to_data()
    assert content_hash(service.document(ident)) == empty
    for _ in range(steps):
        qtbot.keyClick(QApplication.focusWidget() or page, Qt.Key.Key_Z, CTRL | SHIFT)
        settle(qtbot, window)
    assert content_hash(service.document(ident)) == done
    assert window.editing.failures == 0
