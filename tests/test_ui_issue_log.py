"""The issue log by keyboard alone: quick add five issues, retest one, filter by severity,
give three issues one status; every step checked in the store."""

from __future__ import annotations

import hashlib
import sqlite3
from collections import Counter
from collections.abc import Callable
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QLabel, QWidget

from ccassure.domain.issue_log import STATUS_LABELS
from ccassure.ui.editor import EditorPage
from ccassure.ui.issue_detail import IssueDialog
from ccassure.ui.issue_dialogs import QuickAddDialog, RetestDialog, StatusDialog
from ccassure.ui.issue_log import IssueLogPanel
from ccassure.ui.main_window import MainWindow
from ccassure.ui.navigation import ID_ROLE
from tests.test_ui_journeys import settle
from tests.ui_helpers import accessible_name, focusable, tab_cycle

pytestmark = pytest.mark.slow
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
FIVE = [
    ("Call timer not announced", "4.1.3", "crit", "1. Answer a call.", "Timer read", "Silence"),
    ("Queue colours only", "1.4.1", "ser", "1. Open the queue.", "Text too", "Colour only"),
    ("Focus lost after transfer", "2.4.3 2.4.7", "crit", "1. Transfer.", "Focus stays", "Lost"),
    ("Low contrast badge", "1.4.3", "mod", "1. Look at the badge.", "4.5:1", "2.1:1"),
    ("Hold button unnamed", "4.1.2", "min", "1. Tab to Hold.", "Hold, button", "button"),
]


def key(
    qtbot, code: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:  # type: ignore[no-untyped-def]
    """A key press where the keyboard focus is, as a person would press it."""
    target = QApplication.focusWidget()
    assert target is not None, "nothing has the keyboard focus"
    qtbot.keyClick(target, code, modifier)
    QApplication.processEvents()  # as between one keystroke and the next


def typed(qtbot, text: str) -> None:  # type: ignore[no-untyped-def]
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClicks(target, text)


def pause_then_type(qtbot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type into a list after a pause, as a person would: letters typed within the keyboard
    interval of the last ones would extend that search instead of starting a new one."""
    qtbot.wait(QApplication.keyboardInputInterval() + 50)
    typed(qtbot, text)


def mnemonic(qtbot, letter: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    key(qtbot, letter, ALT)
    qtbot.wait(250)  # a mnemonic "animates" its button: the click comes 100 ms later


def store_rows(window: MainWindow, query: str, *params: object) -> list[tuple[object, ...]]:
    assert window.context is not None
    with sqlite3.connect(window.context.store.path) as db:
        return list(db.execute(query, params))


def open_log_by_keyboard(qtbot, window: MainWindow) -> tuple[int, EditorPage, IssueLogPanel]:  # type: ignore[no-untyped-def]
    """F6 to the navigation, down to the accessibility draft, Enter, then Edit answers."""
    assert window.context is not None
    aid = next(
        s.id for s in window.context.assessments.list_summaries() if s.kind == "accessibility"
    )
    window.dashboard.matrix_view.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F6)
    tree = window.navigation.tree
    assert QApplication.focusWidget() is tree
    for _ in range(20):
        if tree.currentIndex().data(ID_ROLE) == aid:
            break
        key(qtbot, Qt.Key.Key_Down)
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.assessment, timeout=10_000)
    mnemonic(qtbot, Qt.Key.Key_A)
    page = window.editing.page
    qtbot.waitUntil(lambda: window.pages.currentWidget() is page, timeout=10_000)
    panel = page.issue_log
    assert panel is not None
    qtbot.waitUntil(lambda: panel.model.rowCount() == 37, timeout=10_000)
    return aid, page, panel


def wait_for_window(qtbot, kind: type[QDialog]) -> QDialog:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(
        lambda: isinstance(QApplication.activeModalWidget() or QApplication.activeWindow(), kind),
        timeout=10_000,
    )
    found = QApplication.activeModalWidget() or QApplication.activeWindow()
    assert isinstance(found, kind)
    return found


def back_in(qtbot, window: MainWindow, focus: Callable[[], QWidget | None]) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is focus(), timeout=5_000)


def test_log_five_issues_retest_filter_and_close_three_by_keyboard(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    aid, page, panel = open_log_by_keyboard(qtbot, window)
    key(qtbot, Qt.Key.Key_I, CTRL | SHIFT)
    quick = wait_for_window(qtbot, QuickAddDialog)
    assert page.forms.currentWidget() is panel  # the log is shown behind the form
    assert QApplication.focusWidget() is quick.fields.widgets["title"]
    for number, (title, criteria, severity, steps, expected, actual) in enumerate(FIVE):
        typed(qtbot, title)
        key(qtbot, Qt.Key.Key_Return)
        if number == 0:
            typed(qtbot, "Call queue")  # the screen, assistive technology, version, browser
        key(qtbot, Qt.Key.Key_Return)  # and OS are typed once and kept for the next issues
        typed(qtbot, criteria)
        for value in ("NVDA", "2025.3", "desktop client 2.3", "Windows 11 24H2"):
            key(qtbot, Qt.Key.Key_Return)
            if number == 0:
                typed(qtbot, value)
        key(qtbot, Qt.Key.Key_Return)
        assert QApplication.focusWidget() is quick.fields.severity
        pause_then_type(qtbot, severity)
        key(qtbot, Qt.Key.Key_Return)
        typed(qtbot, steps)
        if number == 4:  # Ctrl+Enter adds from any field
            key(qtbot, Qt.Key.Key_Return, CTRL)
        else:
            key(qtbot, Qt.Key.Key_Tab)
            typed(qtbot, expected)
            key(qtbot, Qt.Key.Key_Return)
            typed(qtbot, actual)
            key(qtbot, Qt.Key.Key_Return)
        ref = f"AT-{38 + number:04d}"
        qtbot.waitUntil(lambda ref=ref: f"Added {ref}" in quick.note.text(), timeout=10_000)
        assert QApplication.focusWidget() is quick.fields.widgets["title"]
        assert quick.fields.text("title") == "" and quick.fields.text("assistive_tech") == "NVDA"
    settle(qtbot, window)
    stored = store_rows(
        window,
        "SELECT ref, title, criteria, severity, screen, assistive_tech, at_version, browser, os, "
        "steps, expected, actual FROM issue WHERE assessment_id = ? AND id > "
        "(SELECT MAX(id) - 5 FROM issue) ORDER BY id",
        aid,
    )
    severities = {"crit": "critical", "ser": "serious", "mod": "moderate", "min": "minor"}
    assert stored == [
        (
            f"AT-{38 + n:04d}",
            title,
            criteria,
            severities[severity],
            "Call queue",
            "NVDA",
            "2025.3",
            "desktop client 2.3",
            "Windows 11 24H2",
            steps,
            expected if n < 4 else "",
            actual if n < 4 else "",
        )
        for n, (title, criteria, severity, steps, expected, actual) in enumerate(FIVE)
    ]
    criteria_rows = store_rows(
        window,
        "SELECT c.criterion FROM issue_criterion c JOIN issue i ON i.id = c.issue_id "
        "WHERE i.ref = 'AT-0040' ORDER BY c.criterion",
    )
    assert criteria_rows == [("2.4.3",), ("2.4.7",)]
    typed(qtbot, "Not a criterion")  # refused in the form: nothing is written
    key(qtbot, Qt.Key.Key_Return)
    key(qtbot, Qt.Key.Key_Return)
    typed(qtbot, "9.9.9")
    key(qtbot, Qt.Key.Key_Return, CTRL)
    assert quick.note.text() == "Not added: 9.9.9 is not a WCAG 2.2 criterion."
    assert QApplication.focusWidget() is quick.fields.widgets["criteria"]
    key(qtbot, Qt.Key.Key_Escape)
    back_in(qtbot, window, lambda: panel.view)
    qtbot.waitUntil(lambda: panel.count.text() == "42 issues", timeout=10_000)
    assert store_rows(window, "SELECT COUNT(*) FROM issue WHERE assessment_id = ?", aid) == [(42,)]

    # retest AT-0040: find it by text, Enter to the list, Alt+R, Passed is the first result
    mnemonic(qtbot, Qt.Key.Key_X)
    assert QApplication.focusWidget() is panel.text
    typed(qtbot, "AT-0040")
    qtbot.waitUntil(lambda: panel.count.text() == "1 of 42 issues", timeout=10_000)
    key(qtbot, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is panel.view and panel.current_ref() == "AT-0040"
    mnemonic(qtbot, Qt.Key.Key_R)
    retest = wait_for_window(qtbot, RetestDialog)
    assert QApplication.focusWidget() is retest.outcome
    key(qtbot, Qt.Key.Key_Tab)
    typed(qtbot, "Sam Okoro")
    key(qtbot, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert store_rows(window, "SELECT status FROM issue WHERE ref = 'AT-0040'") == [
        ("retest_passed",)
    ]
    assert store_rows(
        window,
        "SELECT r.outcome, r.tester, r.assistive_tech FROM retest r JOIN issue i "
        "ON i.id = r.issue_id WHERE i.ref = 'AT-0040'",
    ) == [("passed", "Sam Okoro", "NVDA 2025.3")]
    qtbot.waitUntil(lambda: "now retest passed" in window.status.text(), timeout=10_000)

    # filter by severity: clear the text, Alt+Y, type the first letters
    mnemonic(qtbot, Qt.Key.Key_X)
    key(qtbot, Qt.Key.Key_A, CTRL)
    key(qtbot, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: panel.count.text() == "42 issues", timeout=10_000)
    qtbot.waitUntil(lambda: panel.combos["severity"].count() > 2, timeout=10_000)
    mnemonic(qtbot, Qt.Key.Key_Y)
    assert QApplication.focusWidget() is panel.combos["severity"]
    pause_then_type(qtbot, "crit")
    critical = store_rows(
        window,
        "SELECT ref FROM issue WHERE assessment_id = ? AND severity = 'critical' ORDER BY id",
        aid,
    )
    qtbot.waitUntil(lambda: panel.count.text() == f"{len(critical)} of 42 issues", timeout=10_000)
    assert [r.ref for r in panel.model.rows] == [r[0] for r in critical]
    assert {"AT-0038", "AT-0040"} <= {r[0] for r in critical}

    # three issues, one status: clear the filters, Alt+X and Enter to the list, Shift+Down
    # twice, Alt+D
    mnemonic(qtbot, Qt.Key.Key_L)
    qtbot.waitUntil(lambda: panel.count.text() == "42 issues", timeout=10_000)
    mnemonic(qtbot, Qt.Key.Key_X)
    key(qtbot, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is panel.view
    key(qtbot, Qt.Key.Key_Home, CTRL)
    key(qtbot, Qt.Key.Key_Down, SHIFT)
    key(qtbot, Qt.Key.Key_Down, SHIFT)
    assert panel.selected_refs() == ["AT-0001", "AT-0002", "AT-0003"]
    mnemonic(qtbot, Qt.Key.Key_D)
    change = wait_for_window(qtbot, StatusDialog)
    assert "3 issues" in change.windowTitle()
    pause_then_type(qtbot, "Won")
    key(qtbot, Qt.Key.Key_Return)  # refused: won't fix needs a reason
    assert change.isVisible() and QApplication.focusWidget() is change.reason
    typed(qtbot, "Screen replaced in release 3")
    key(qtbot, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert store_rows(
        window,
        "SELECT ref, status, status_reason FROM issue WHERE ref IN ('AT-0001', 'AT-0002', "
        "'AT-0003', 'AT-0004') ORDER BY ref",
    ) == [
        ("AT-0001", "wont_fix", "Screen replaced in release 3"),
        ("AT-0002", "wont_fix", "Screen replaced in release 3"),
        ("AT-0003", "wont_fix", "Screen replaced in release 3"),
        ("AT-0004", "open", ""),
    ]
    qtbot.waitUntil(lambda: "3 issues set to won't fix" in window.status.text(), timeout=10_000)

    # and the log as CSV (Alt+G): the five typed issues come back whole through csv
    import csv

    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "log.csv"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    mnemonic(qtbot, Qt.Key.Key_G)
    qtbot.waitUntil(lambda: "Saved 42 issues" in window.status.text(), timeout=20_000)
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["Ref"]: row for row in csv.DictReader(handle)}
    for n, (title, criteria, _severity, steps, expected, actual) in enumerate(FIVE):
        row = rows[f"AT-{38 + n:04d}"]
        assert (row["Title"], row["WCAG criteria"], row["Steps to reproduce"]) == (
            title,
            criteria,
            steps,
        )
        assert (row["Expected"], row["Actual"]) == ((expected, actual) if n < 4 else ("", ""))
        assert (row["Screen"], row["Assistive technology"], row["AT version"]) == (
            "Call queue",
            "NVDA",
            "2025.3",
        )
    assert (
        rows["AT-0040"]["Status"] == "Retest passed"
        and "Sam Okoro" in (rows["AT-0040"]["Retest history"])
    )
    assert rows["AT-0001"]["Status reason"] == "Screen replaced in release 3"
    assert window.editing.failures == 0


def test_issue_window_edits_are_saved_and_its_dialogs_are_named_and_unambiguous(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow
) -> None:
    aid, page, panel = open_log_by_keyboard(qtbot, window)
    page.sections.setCurrentRow(page.forms.indexOf(panel))
    panel.view.setFocus()
    key(qtbot, Qt.Key.Key_Down)
    key(qtbot, Qt.Key.Key_Return)  # AT-0002
    detail = wait_for_window(qtbot, IssueDialog)
    assert isinstance(detail, IssueDialog) and detail.issue.ref == "AT-0002"
    assert QApplication.focusWidget() is detail.fields.widgets["title"]
    key(qtbot, Qt.Key.Key_End)
    typed(qtbot, " (all screens)")
    settle(qtbot, window)
    assert store_rows(window, "SELECT title FROM issue WHERE ref = 'AT-0002'") == [
        ("Focus skips the telephone number field (all screens)",)
    ]
    # won't fix without a reason is not saved, and says why
    detail.status.setFocus()
    pause_then_type(qtbot, "Won")
    qtbot.waitUntil(lambda: "needs a reason" in detail.note.text(), timeout=5_000)
    settle(qtbot, window)
    assert store_rows(window, "SELECT status FROM issue WHERE ref = 'AT-0002'") == [("fixed",)]
    detail.reason.setFocus()
    typed(qtbot, "Replaced in release 3")
    settle(qtbot, window)
    assert store_rows(window, "SELECT status, status_reason FROM issue WHERE ref = 'AT-0002'") == [
        ("wont_fix", "Replaced in release 3")
    ]
    # a screenshot pasted from the clipboard: kept as an attachment, linked by its SHA-256
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    QApplication.clipboard().setImage(image)
    mnemonic(qtbot, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: detail.shots.count() == 1, timeout=10_000)
    settle(qtbot, window)
    ((sha, name, data),) = store_rows(
        window, "SELECT sha256, name, data FROM attachment WHERE assessment_id = ?", aid
    )
    assert hashlib.sha256(data).hexdigest() == sha and name.startswith("AT-0002-")
    assert store_rows(window, "SELECT screenshots FROM issue WHERE ref = 'AT-0002'") == [(sha,)]
    assert [a.sha256 for a in page.attachments.files] == [sha]  # listed in Attachments too
    check_dialog(qtbot, detail)
    key(qtbot, Qt.Key.Key_Escape)
    back_in(qtbot, window, lambda: panel.view)
    issue = window.context.issues.get(aid, "AT-0002") if window.context else None
    assert issue is not None
    for other in (
        QuickAddDialog(panel.known, panel),
        RetestDialog(issue, "", date(2026, 11, 26), panel),
        StatusDialog(3, panel),
    ):
        check_dialog(qtbot, other)
        other.close()
    assert window.editing.failures == 0


def check_dialog(qtbot, dialog: QWidget) -> None:  # type: ignore[no-untyped-def]
    """Every control named, Tab reaches each, and no two share an Alt+letter."""
    dialog.show()
    QApplication.processEvents()
    controls = focusable(dialog)
    assert [w for w in controls if not accessible_name(w).strip()] == []
    visited = tab_cycle(qtbot, controls[0], limit=200)
    assert [w for w in controls if w not in visited] == []
    keys = mnemonics_of(dialog)
    assert [k for k, n in keys.items() if n > 1] == [], keys


def mnemonics_of(root: QWidget) -> dict[str, int]:
    found: Counter[str] = Counter()
    for widget in root.findChildren(QWidget):
        if widget.isVisible() and (
            isinstance(widget, QAbstractButton)
            or (isinstance(widget, QLabel) and widget.buddy() is not None)
        ):
            letter = QKeySequence.mnemonic(widget.text()).toString()
            if letter:
                found[letter] += 1
    return dict(found)


def test_save_the_log_as_csv_and_import_axe_by_keyboard(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import csv
    from pathlib import Path

    from PySide6.QtWidgets import QFileDialog, QMessageBox

    aid, page, panel = open_log_by_keyboard(qtbot, window)
    page.sections.setFocus()
    row = next(
        i for i in range(page.sections.count()) if page.sections.item(i).text() == "Issue log"
    )
    page.sections.setCurrentRow(row)
    assert page.forms.currentWidget() is panel
    assert window.context is not None
    issues = window.context.issues
    hostile = 'Łukasz Żółć: "quoted", comma,\nnew line — Nguyễn Thị Minh \U0001f642'
    first = issues.get(aid, "AT-0001")
    issues.save(aid, first.model_copy(update={"title": hostile, "steps": "=1+1", "actual": "@x"}))
    target = tmp_path / "log.csv"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    mnemonic(qtbot, Qt.Key.Key_G)
    qtbot.waitUntil(lambda: "Saved 37 issues" in window.status.text(), timeout=20_000)
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    stored = store_rows(
        window,
        "SELECT ref, title, severity, status, assistive_tech, screen, steps, expected, actual "
        "FROM issue WHERE assessment_id = ?",
        aid,
    )
    by_ref = {r["Ref"]: r for r in rows}
    assert len(rows) == len(stored) == 37
    for ref, title, severity, status, tech, screen, steps, expected, actual in stored:
        row = by_ref[str(ref)]
        assert (row["Title"], row["Severity"]) == (title, severity)
        assert row["Status"] == STATUS_LABELS[str(status)]
        assert (row["Assistive technology"], row["Screen"], row["Expected"]) == (
            tech,
            screen,
            expected,
        )
        guarded = {"=1+1": "'=1+1", "@x": "'@x"}
        assert (row["Steps to reproduce"], row["Actual"]) == (
            guarded.get(str(steps), steps),
            guarded.get(str(actual), actual),
        )
    assert by_ref["AT-0001"]["Title"] == hostile

    scan = Path(__file__).resolve().parent / "fixtures" / "axe" / "login.json"
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(scan), ""))
    )
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.No)
    )
    mnemonic(qtbot, Qt.Key.Key_M)
    qtbot.waitUntil(lambda: "issues created" in window.status.text(), timeout=20_000)
    created = int(window.status.text().split("axe-core results: ")[1].split(" ")[0])
    assert created > 0
    total = 37 + created
    qtbot.waitUntil(lambda: panel.count.text() == f"{total} issues", timeout=10_000)
    assert window.editing.failures == 0


def test_an_open_serious_issue_linked_to_the_eia_shows_on_both_sides(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QInputDialog

    aid, page, panel = open_log_by_keyboard(qtbot, window)
    page.sections.setCurrentRow(
        next(i for i in range(page.sections.count()) if page.sections.item(i).text() == "Issue log")
    )
    assert window.context is not None
    serious = store_rows(
        window,
        "SELECT ref, title FROM issue WHERE assessment_id = ? AND severity = 'serious' "
        "AND status = 'open' ORDER BY id LIMIT 1",
        aid,
    )[0]
    mnemonic(qtbot, Qt.Key.Key_X)
    typed(qtbot, str(serious[0]))
    qtbot.waitUntil(lambda: panel.count.text().startswith("1 of"), timeout=10_000)
    key(qtbot, Qt.Key.Key_Return)
    assert panel.current_ref() == serious[0]
    offered: list[list[str]] = []

    def first(_parent, _title, _label, items, *_args):  # type: ignore[no-untyped-def]
        offered.append(list(items))
        return items[0], True

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(first))
    panel.link_button.setFocus()
    key(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: "linked to the EIA" in window.status.text(), timeout=10_000)
    assert offered[0][0].startswith("Link to: ") and "Core C&C solution" in offered[0][0]
    eia = next(
        s.id
        for s in window.context.assessments.list_summaries()
        if s.kind == "eia" and s.status == "draft"
    )
    found = window.context.evaluations.linked_findings(eia)
    assert [f.link.source for f in found] == [f"issue:{serious[0]}"]
    assert found[0].label.startswith(f"{serious[0]} {serious[1]} (serious, open)")
    panel.link_button.setFocus()  # the same button takes the link away again
    key(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: "no longer linked" in window.status.text(), timeout=10_000)
    assert offered[1][0].startswith("Remove the link to: ")
    assert window.context.evaluations.linked_findings(eia) == []
    assert window.editing.failures == 0
