"""Tools → Templates by keyboard: copy, edit with live checks, save, drafts kept on close."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ccassure.services.context import Context
from ccassure.services.template_library import TemplateLibrary
from ccassure.ui.main_window import MainWindow
from ccassure.ui.template_library import TemplateLibraryDialog
from tests.ui_helpers import accessible_name, focusable, tab_cycle

Ctrl = Qt.KeyboardModifier.ControlModifier
Alt = Qt.KeyboardModifier.AltModifier
Shift = Qt.KeyboardModifier.ShiftModifier


def choose(qtbot, dialog: TemplateLibraryDialog, words: str) -> None:  # type: ignore[no-untyped-def]
    """Arrow down the list to the first entry whose text has these words."""
    qtbot.keyClick(dialog.list, Qt.Key.Key_Home)
    for _ in range(dialog.list.count()):
        item = dialog.list.currentItem()
        if item is not None and words in item.text():
            return
        qtbot.keyClick(dialog.list, Qt.Key.Key_Down)
    raise AssertionError(f"no entry with {words!r}")


def replace_line(qtbot, dialog: TemplateLibraryDialog, start: str, typed: str) -> None:  # type: ignore[no-untyped-def]
    """Go to the first line beginning with `start` by arrow keys and type over it."""
    editor = dialog.editor
    lines = editor.toPlainText().split("\n")
    target = next(n for n, line in enumerate(lines) if line.startswith(start))
    qtbot.keyClick(editor, Qt.Key.Key_Home, Ctrl)
    while editor.textCursor().blockNumber() < target:  # long lines wrap: Down goes by rows
        qtbot.keyClick(editor, Qt.Key.Key_Down)
    qtbot.keyClick(editor, Qt.Key.Key_Home)
    while not editor.textCursor().atBlockEnd():  # End would stop at the end of a wrapped row
        qtbot.keyClick(editor, Qt.Key.Key_Right, Shift)
    qtbot.keyClicks(editor, typed)


def mnemonic(qtbot, dialog: TemplateLibraryDialog, key: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    """Alt+letter on a button: Qt presses it and lets go 100 ms later, so wait for the click."""
    target = {Qt.Key.Key_C: dialog.copy_button, Qt.Key.Key_E: dialog.edit_button}.get(
        key, dialog.revert_button
    )
    with qtbot.waitSignal(target.clicked, timeout=5_000):
        qtbot.keyClick(dialog.focusWidget() or dialog.list, key, Alt)


def wait_for(qtbot, dialog: TemplateLibraryDialog, words: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: words in dialog.validation.text(), timeout=5_000)


def show(qtbot, dialog: TemplateLibraryDialog) -> TemplateLibraryDialog:  # type: ignore[no-untyped-def]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    dialog.list.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.list, timeout=5_000)
    return dialog


@pytest.fixture
def dialog(qtbot, context: Context) -> TemplateLibraryDialog:  # type: ignore[no-untyped-def]
    library = TemplateLibrary.for_paths(context.paths)
    return show(qtbot, TemplateLibraryDialog(library, context.reload_templates))


def test_copy_edit_check_and_save_by_keyboard_from_the_menu(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    context = window.context
    assert context is not None
    window.actions_by_name["templates"].trigger()
    dialog = window.findChild(TemplateLibraryDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.list, timeout=5_000)
    user_dir = context.paths.user_templates

    choose(qtbot, dialog, "Data Protection Impact Assessment")
    assert not dialog.edit_button.isEnabled()  # a built-in one is copied, never edited
    mnemonic(qtbot, dialog, Qt.Key.Key_C)
    assert QApplication.focusWidget() is dialog.editor
    assert 'id = "dpia-ico-copy"' in dialog.editor.toPlainText()
    wait_for(qtbot, dialog, "Copied")

    replace_line(qtbot, dialog, "title", 'title = ""')
    wait_for(qtbot, dialog, "Not valid: title: String should have at least 1 character")
    qtbot.keyClick(dialog.editor, Qt.Key.Key_S, Ctrl)
    assert dialog.validation.text().startswith("Not saved.")
    assert "title" in dialog.validation.text()
    assert list(user_dir.glob("*.toml")) == []  # refused: nothing written
    assert 'title = ""' in (dialog.library.load_draft("dpia-ico-copy") or "")  # yet kept

    qtbot.keyClick(dialog.editor, Qt.Key.Key_Home, Shift)
    qtbot.keyClicks(dialog.editor, 'title = "DPIA for Acme systems"')
    wait_for(qtbot, dialog, "Valid: DPIA for Acme systems, id dpia-ico-copy, version 1")
    qtbot.keyClick(dialog.editor, Qt.Key.Key_S, Ctrl)

    assert dialog.validation.text().startswith("Saved DPIA for Acme systems")
    assert window.status.text() == dialog.validation.text()
    saved = context.templates.get("dpia-ico-copy")
    assert saved is not None and saved.title == "DPIA for Acme systems"
    assert context.assessments.templates is context.templates
    assert context.dashboard.templates is context.templates
    assert [p.name for p in user_dir.glob("*.toml")] == ["dpia-ico-copy.toml"]
    assert dialog.library.draft_names() == []
    assert "DPIA for Acme systems" in dialog.list.currentItem().text()
    assert dialog.edit_button.isEnabled()


def test_closing_keeps_the_draft_and_edit_offers_it_again(
    qtbot, dialog: TemplateLibraryDialog
) -> None:  # type: ignore[no-untyped-def]
    choose(qtbot, dialog, "Equality")
    mnemonic(qtbot, dialog, Qt.Key.Key_C)
    qtbot.keyClick(dialog.editor, Qt.Key.Key_S, Ctrl)  # saved as it was copied
    wait_for(qtbot, dialog, "Saved")
    saved_text = dialog.editor.toPlainText()
    replace_line(qtbot, dialog, "title", 'title = "Half typed')  # not valid TOML
    messages: list[str] = []
    dialog.message.connect(messages.append)
    qtbot.keyClick(dialog.editor, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert messages and "kept as a draft" in messages[-1]

    again = show(qtbot, TemplateLibraryDialog(dialog.library, lambda: None))
    choose(qtbot, again, "unsaved changes kept")
    mnemonic(qtbot, again, Qt.Key.Key_E)
    assert 'title = "Half typed' in again.editor.toPlainText()
    assert again.draft_note.isVisible() and again.revert_button.isVisible()
    assert "Not valid: not valid TOML" in again.validation.text()

    mnemonic(qtbot, again, Qt.Key.Key_V)  # Revert to saved
    assert again.editor.toPlainText() == saved_text
    assert again.library.load_draft("eia-psed-copy-v1") is None
    qtbot.keyClick(again.editor, Qt.Key.Key_Z, Ctrl)  # and the draft comes back
    assert 'title = "Half typed' in again.editor.toPlainText()
    assert 'title = "Half typed' in (again.library.load_draft("eia-psed-copy-v1") or "")


def test_a_copy_never_saved_is_listed_as_a_draft(qtbot, dialog: TemplateLibraryDialog) -> None:  # type: ignore[no-untyped-def]
    choose(qtbot, dialog, "Accessibility")
    mnemonic(qtbot, dialog, Qt.Key.Key_C)
    qtbot.keyClicks(dialog.editor, "# our notes")
    qtbot.keyClick(dialog.editor, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.editor, Qt.Key.Key_Tab, Shift)  # out of the text, back to the list
    choose(qtbot, dialog, "Environmental")
    mnemonic(qtbot, dialog, Qt.Key.Key_C)  # a second copy; the first is kept
    choose(qtbot, dialog, "a copy not saved yet")
    qtbot.keyClick(dialog.list, Qt.Key.Key_Return)
    assert dialog.editor.toPlainText().startswith("# our notes\n")
    assert 'id = "accessibility-wcag22-copy"' in dialog.editor.toPlainText()
    assert not dialog.revert_button.isVisible()


def test_every_control_is_named_and_tab_goes_round(qtbot, dialog: TemplateLibraryDialog) -> None:  # type: ignore[no-untyped-def]
    choose(qtbot, dialog, "Data Protection")
    mnemonic(qtbot, dialog, Qt.Key.Key_C)
    controls = focusable(dialog)
    names = {accessible_name(w) for w in controls}
    assert all(accessible_name(w).strip() for w in controls), names
    assert {"Templates", "Copy", "Template text (TOML)", "Save", "Close"} <= names
    assert accessible_name(dialog.edit_button) == "Edit"  # disabled for a built-in one
    visited = tab_cycle(qtbot, dialog.list)
    assert set(visited) == set(controls)
    assert accessible_name(dialog) == "Templates"
