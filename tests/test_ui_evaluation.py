"""The evaluation scope and grid by keyboard, and the grid's links seen from the EIA."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ccassure.ui.editor import EditorPage
from ccassure.ui.evaluation_grid import EvaluationGridPanel
from ccassure.ui.evaluation_model import SAMPLE_COLUMN
from ccassure.ui.evaluation_sections import GRID_SECTION, SCOPE_SECTION
from ccassure.ui.main_window import MainWindow
from tests.test_ui_editor import open_editor
from tests.test_ui_journeys import pick, settle

pytestmark = pytest.mark.slow
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def to_section(qtbot, page: EditorPage, title: str) -> None:  # type: ignore[no-untyped-def]
    """Walk the section list with the arrow keys to the section."""
    page.sections.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(page.sections, Qt.Key.Key_Home)
    for _ in range(page.sections.count()):
        if page.sections.currentItem().text() == title:
            return
        qtbot.keyClick(page.sections, Qt.Key.Key_Down)
    raise AssertionError(f"no section {title!r}")


def open_grid(qtbot, window: MainWindow) -> tuple[int, EditorPage, EvaluationGridPanel]:  # type: ignore[no-untyped-def]
    ident, page = open_editor(qtbot, window, "accessibility", "draft")
    settle(qtbot, window)
    assert page.evaluation is not None
    to_section(qtbot, page, GRID_SECTION)
    grid = page.evaluation.grid
    assert page.forms.currentWidget() is grid
    return ident, page, grid


def to_row(qtbot, grid: EvaluationGridPanel, number: str) -> int:  # type: ignore[no-untyped-def]
    """Down the grid by keyboard to the criterion's row, on its first sample."""
    table = grid.table
    table.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(table, Qt.Key.Key_Home, CTRL)
    for _ in range(grid.model.rowCount()):
        row = table.currentIndex().row()
        if grid.model.rows[row].criterion.number == number:
            while table.currentIndex().column() < SAMPLE_COLUMN:
                qtbot.keyClick(table, Qt.Key.Key_Right)
            return row
        qtbot.keyClick(table, Qt.Key.Key_Down)
    raise AssertionError(f"{number} is not shown")


def term(grid: EvaluationGridPanel, row: int) -> str:
    return str(grid.model.index(row, 2).data())


def test_outcomes_set_by_letters_change_the_acr_term_and_undo_back(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow
) -> None:
    ident, _, grid = open_grid(qtbot, window)
    row = to_row(qtbot, grid, "1.4.3")
    assert term(grid, row) == "Partially Supports (so far)"
    table = grid.table
    for letter in "PPPPPPN":  # every sample, left to right
        qtbot.keyClick(table, getattr(Qt.Key, f"Key_{letter}"))
        qtbot.keyClick(table, Qt.Key.Key_Right)
    assert term(grid, row) == "Supports"
    assert grid.model.index(row, 1).data() == "7 of 7"
    qtbot.keyClick(table, Qt.Key.Key_Home)
    for _ in range(SAMPLE_COLUMN):
        qtbot.keyClick(table, Qt.Key.Key_Right)
    qtbot.keyClick(table, Qt.Key.Key_F)
    assert term(grid, row) == "Partially Supports"
    qtbot.keyClick(table, Qt.Key.Key_Return)  # to the cell's notes
    assert QApplication.focusWidget() is grid.notes
    qtbot.keyClicks(grid.notes, "Sign-in hint 3.9:1")
    settle(qtbot, window)
    assert window.context is not None
    stored = {
        (e.criterion, e.sample): e for e in window.context.evaluations.grid(ident).evaluations
    }
    assert stored["1.4.3", "Log-in"].outcome == "failed"
    assert stored["1.4.3", "Log-in"].notes == "Sign-in hint 3.9:1"
    assert stored["1.4.3", "Despatch screen"].outcome == "inapplicable"
    assert "Level AA (24 criteria): 1 Partially Supports" in grid.summary.text()
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Z, CTRL)  # the notes
    qtbot.keyClick(table, Qt.Key.Key_Z, CTRL)  # the failure
    assert term(grid, row) == "Supports"
    settle(qtbot, window)
    back = window.context.evaluations.grid(ident)
    contrast = next(r for r in back.rows if r.criterion.number == "1.4.3")
    assert contrast.conformance.label == "Supports"
    assert window.editing.failures == 0


def test_filter_by_level_aa_and_principle_operable(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    _, _, grid = open_grid(qtbot, window)
    assert grid.model.rowCount() == 86
    pick(qtbot, grid.level, "Level AA")
    pick(qtbot, grid.principle, "Operable")
    assert [r.criterion.number for r in grid.model.rows] == [
        "2.4.5",
        "2.4.6",
        "2.4.7",
        "2.4.11",
        "2.5.7",
        "2.5.8",
    ]
    assert grid.summary.text().startswith("Showing 6 of 86 criteria over 7 samples.")
    assert "Level AA (6 criteria): 2 Does Not Support, 4 not yet evaluated" in grid.summary.text()
    headings = [grid.model.headerData(c, Qt.Orientation.Horizontal) for c in range(4, 11)]
    assert headings[0] == "Log-in" and headings[-1] == "Despatch screen"


def test_a_failed_criterion_linked_by_keyboard_shows_on_the_eia(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow
) -> None:
    _, page, grid = open_grid(qtbot, window)
    qtbot.waitUntil(lambda: grid.target.count() > 0, timeout=10_000)
    assert "same component" in grid.target.currentText()
    to_row(qtbot, grid, "2.1.1")
    assert grid.link_button.text().replace("&", "").startswith("Link this criterion")
    qtbot.keyClick(grid.table, Qt.Key.Key_I, ALT)  # the button's mnemonic clicks it
    qtbot.waitUntil(lambda: grid.link_button.text().replace("&", "").startswith("Unlink"))
    assert "Core C&C solution" in grid.link_note.text()
    settle(qtbot, window)
    assert window.context is not None
    eia = next(
        s.id
        for s in window.context.assessments.list_summaries()
        if s.kind == "eia" and s.status == "draft"
    )
    window.editing.edit(eia)
    qtbot.waitUntil(lambda: page.title.startswith("Equality"), timeout=10_000)
    to_section(qtbot, page, "Impact matrix")
    matrix = page.impacts
    qtbot.waitUntil(lambda: bool(matrix.findings), timeout=10_000)
    matrix.table.setFocus()
    qtbot.keyClick(matrix.table, Qt.Key.Key_Home, CTRL)
    while not matrix.table.item(matrix.table.currentRow(), 0).text().startswith("Disability"):
        qtbot.keyClick(matrix.table, Qt.Key.Key_Down)
    assert matrix.linked.isVisible()
    text = matrix.linked.item(0).text()
    assert text.startswith("2.1.1 Keyboard: Partially Supports (so far) — Accessibility")
    qtbot.keyClick(matrix.table, Qt.Key.Key_Up)
    assert not matrix.linked.isVisible()  # only the disability line has links
    assert window.editing.failures == 0


def test_scope_by_keyboard_sample_renamed_and_removed_with_undo(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow
) -> None:
    ident, page, grid = open_grid(qtbot, window)
    assert page.evaluation is not None and window.context is not None
    original = window.context.evaluations.grid(ident)
    scope = page.evaluation.scope
    to_section(qtbot, page, SCOPE_SECTION)
    assert page.forms.currentWidget() is scope
    scope.table.setFocus()
    qtbot.keyClick(scope.table, Qt.Key.Key_Home, CTRL)
    while scope.table.item(scope.table.currentRow(), 0).text() != "Map view":
        qtbot.keyClick(scope.table, Qt.Key.Key_Down)
    qtbot.keyClick(scope, Qt.Key.Key_N, ALT)  # Sample name
    assert QApplication.focusWidget() is scope.sample_name
    scope.sample_name.selectAll()
    qtbot.keyClicks(scope.sample_name, "Map and resources")
    qtbot.keyClick(scope, Qt.Key.Key_M, ALT)  # Add a sample (a click, after a moment)
    qtbot.waitUntil(lambda: len(page.evaluation.state.samples) == 8)  # type: ignore[union-attr]
    assert QApplication.focusWidget() is scope.sample_name
    qtbot.keyClicks(scope.sample_name, "Settings")
    qtbot.keyClick(scope, Qt.Key.Key_N, ALT)
    settle(qtbot, window)
    assert window.context is not None
    stored = window.context.evaluations.grid(ident)
    assert [s.name for s in stored.scope.samples][-1] == "Settings"
    assert {e.criterion for e in stored.evaluations if e.sample == "Map and resources"} == {
        "2.1.1",
        "2.5.7",
    }
    assert grid.model.headerData(SAMPLE_COLUMN + 7, Qt.Orientation.Horizontal) == "Settings"
    scope.table.setFocus()
    while scope.table.item(scope.table.currentRow(), 0).text() != "Despatch screen":
        qtbot.keyClick(scope.table, Qt.Key.Key_Up)
    qtbot.keyClick(scope, Qt.Key.Key_R, ALT)  # Remove this sample: its 3 results go too
    qtbot.waitUntil(lambda: len(page.evaluation.state.samples) == 7)  # type: ignore[union-attr]
    settle(qtbot, window)
    assert len(window.context.evaluations.grid(ident).evaluations) == 9
    qtbot.keyClick(scope.table, Qt.Key.Key_Z, CTRL)
    settle(qtbot, window)
    back = window.context.evaluations.grid(ident)
    assert len(back.evaluations) == 12
    assert [s.name for s in back.scope.samples][-2:] == ["Despatch screen", "Settings"]
    for _ in range(3):  # the new sample, its name, the rename
        qtbot.keyClick(scope.table, Qt.Key.Key_Z, CTRL)
    settle(qtbot, window)
    assert window.context.evaluations.grid(ident).scope == original.scope
    assert sorted(map(str, window.context.evaluations.grid(ident).evaluations)) == sorted(
        map(str, original.evaluations)
    )
    assert window.editing.failures == 0


def test_the_grid_model_passes_the_model_tester(qtbot, window: MainWindow, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    _, _, grid = open_grid(qtbot, window)
    qtmodeltester.check(grid.model)
    pick(qtbot, grid.principle, "Robust")
    qtmodeltester.check(grid.model)
