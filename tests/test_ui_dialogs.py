"""Dialogs: the first-run choice by keyboard, error boxes, and a crash that leaves the window up."""

from __future__ import annotations

import errno
import logging
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QPushButton, QWidget

from ccassure.services.paths import AppPaths, demo_store_path
from ccassure.store.errors import StoreError
from ccassure.ui.app import ask_first_run, demo_opener
from ccassure.ui.errors import show_error
from ccassure.ui.first_run import DEMO, NEW, OPEN, FirstRunDialog
from ccassure.ui.main_window import MainWindow
from ccassure.ui.settings import AppSettings
from ccassure.ui.tasks import TaskControl, TaskRunner
from tests.ui_helpers import accessible_name, focusable, tab_cycle

TODAY = date(2026, 11, 26)
TIMEOUT = 30_000
CHOICES = {
    DEMO: "Explore the demo programme",
    NEW: "Create a new store…",
    OPEN: "Open an existing store…",
}


# --- the first-run dialog ----------------------------------------------------------------------
@pytest.fixture
def dialog(qtbot) -> FirstRunDialog:  # type: ignore[no-untyped-def]
    built = FirstRunDialog()
    qtbot.addWidget(built)
    built.show()
    qtbot.waitExposed(built)
    built.activateWindow()
    return built


def button_named(dialog: QDialog, name: str) -> QPushButton:
    (found,) = [b for b in dialog.findChildren(QPushButton) if accessible_name(b) == name]
    return found


def test_every_focusable_control_has_an_accessible_name(dialog: FirstRunDialog) -> None:
    controls = focusable(dialog)
    names = [accessible_name(w) for w in controls]
    assert len(controls) == 4, names  # three choices and Cancel
    assert all(n.strip() for n in names), names
    assert set(names) == {*CHOICES.values(), "Cancel"}
    for control in controls:
        assert control.accessibleDescription().strip(), accessible_name(control)
    assert accessible_name(dialog) == "Welcome to ccassure"


def test_tab_visits_every_control_and_comes_back_round(qtbot, dialog: FirstRunDialog) -> None:  # type: ignore[no-untyped-def]
    controls = focusable(dialog)
    first = button_named(dialog, CHOICES[DEMO])
    visited = tab_cycle(qtbot, first)
    assert visited[0] is first
    assert len(visited) == len(set(visited)) == len(controls)
    assert set(visited) == set(controls)
    assert [accessible_name(w) for w in visited[:3]] == list(CHOICES.values())


@pytest.mark.parametrize("key", [Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter])
@pytest.mark.parametrize("choice", [DEMO, NEW, OPEN])
def test_each_choice_by_keyboard_sets_choice_and_accepts(
    qtbot,  # type: ignore[no-untyped-def]
    dialog: FirstRunDialog,
    choice: str,
    key: Qt.Key,
) -> None:
    button = button_named(dialog, CHOICES[choice])
    button.setFocus(Qt.FocusReason.TabFocusReason)
    assert button.hasFocus()
    with qtbot.waitSignal(dialog.accepted, timeout=5_000):
        qtbot.keyClick(button, key)
    assert dialog.choice == choice
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert not dialog.isVisible()


def test_tab_then_space_chooses_the_second_option(qtbot, dialog: FirstRunDialog) -> None:  # type: ignore[no-untyped-def]
    first = button_named(dialog, CHOICES[DEMO])
    first.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(first, Qt.Key.Key_Tab)
    with qtbot.waitSignal(dialog.accepted, timeout=5_000):
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Space)
    assert dialog.choice == NEW


@pytest.mark.parametrize("start", [DEMO, "Cancel"])
def test_escape_rejects_without_a_choice(qtbot, dialog: FirstRunDialog, start: str) -> None:  # type: ignore[no-untyped-def]
    focus = button_named(dialog, CHOICES.get(start, start))
    focus.setFocus()
    with qtbot.waitSignal(dialog.rejected, timeout=5_000):
        qtbot.keyClick(focus, Qt.Key.Key_Escape)
    assert dialog.choice == ""
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert not dialog.isVisible()


def test_cancel_by_keyboard_rejects(qtbot, dialog: FirstRunDialog) -> None:  # type: ignore[no-untyped-def]
    cancel = button_named(dialog, "Cancel")
    cancel.setFocus()
    with qtbot.waitSignal(dialog.rejected, timeout=5_000):
        qtbot.keyClick(cancel, Qt.Key.Key_Space)
    assert dialog.choice == ""


# --- ask_first_run ----------------------------------------------------------------------------
@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    return AppPaths(tmp_path / "data", tmp_path / "data" / "ccassure.db")


@pytest.fixture
def parent(qtbot) -> QWidget:  # type: ignore[no-untyped-def]
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def answer(monkeypatch: pytest.MonkeyPatch, choice: str, accepted: int = 1) -> list[str]:
    """Make FirstRunDialog.exec() answer at once; returns the list of choices it gave."""
    given: list[str] = []

    def exec_(self: FirstRunDialog) -> int:
        self.choice = choice if accepted else ""
        given.append(self.choice)
        return accepted

    monkeypatch.setattr(FirstRunDialog, "exec", exec_)
    return given


def _open_in_window(qtbot, paths: AppPaths, result: object) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(AppSettings(paths.data_dir), TaskRunner(), paths.logs / "l", paths=paths)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.dashboard_shown, timeout=30_000):
        window.open_store(*result)  # type: ignore[misc]
    return window


def test_first_run_demo_choice_is_remembered_once_open(  # type: ignore[no-untyped-def]
    qtbot, monkeypatch: pytest.MonkeyPatch, parent: QWidget, paths: AppPaths
) -> None:
    settings = AppSettings(paths.data_dir)
    assert settings.store is None
    given = answer(monkeypatch, DEMO)
    result = ask_first_run(parent, paths, settings)
    assert given == [DEMO]
    assert result is not None
    assert result[1] == "the demo programme"
    assert AppSettings(paths.data_dir).store is None  # nothing remembered until it opens
    window = _open_in_window(qtbot, paths, result)
    try:
        again = AppSettings(paths.data_dir)  # as the next start reads it
        assert again.store == demo_store_path(paths)
        assert window.context is not None and window.context.assessments.list_summaries()
    finally:
        window.runner.wait()
        window.close()


def test_first_run_cancelled_remembers_nothing(
    monkeypatch: pytest.MonkeyPatch, parent: QWidget, paths: AppPaths
) -> None:
    settings = AppSettings(paths.data_dir)
    answer(monkeypatch, DEMO, accepted=0)
    assert ask_first_run(parent, paths, settings) is None
    assert AppSettings(paths.data_dir).store is None


def test_first_run_new_store_remembers_the_chosen_file(  # type: ignore[no-untyped-def]
    qtbot, monkeypatch: pytest.MonkeyPatch, parent: QWidget, paths: AppPaths, tmp_path: Path
) -> None:
    chosen = tmp_path / "mine.db"
    answer(monkeypatch, NEW)
    monkeypatch.setattr(
        "ccassure.ui.store_choice.QFileDialog.getSaveFileName",
        lambda *args, **kwargs: (str(chosen), ""),
    )
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ccassure.ui.store_unlock import NewStoreDialog

    asked: list[bool] = []

    def create_as_offered() -> None:  # the encryption question: accept what is offered
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, NewStoreDialog):
            asked.append(dialog.encrypt.isChecked())
            dialog.create_button.click()
        else:
            QTimer.singleShot(50, create_as_offered)

    QTimer.singleShot(50, create_as_offered)
    result = ask_first_run(parent, paths, AppSettings(paths.data_dir))
    assert result is not None and result[1] == "mine.db"
    assert len(asked) == 1  # asked once, before anything was created
    window = _open_in_window(qtbot, paths, result)
    try:
        assert AppSettings(paths.data_dir).store == chosen
        assert chosen.exists() and window.context is not None
        assert window.context.assessments.list_summaries() == []
    finally:
        window.runner.wait()
        window.close()


# --- error boxes --------------------------------------------------------------------------------
def test_locked_store_gets_a_warning_that_it_is_in_use(
    qtbot,  # type: ignore[no-untyped-def]
    parent: QWidget,
    tmp_path: Path,
) -> None:
    log_path = tmp_path / "logs" / "ccassure.log"
    box = show_error(parent, StoreError("database is locked", kind="locked"), log_path)
    assert box.icon() == QMessageBox.Icon.Warning
    assert "store is in use" in box.text().lower()
    assert "database is locked" in box.informativeText()
    assert "Close it and try again" in box.informativeText()
    assert str(log_path) not in box.informativeText()  # a known problem needs no log
    assert accessible_name(box).strip() and box.accessibleName() == box.windowTitle()
    assert box.accessibleDescription() == box.informativeText()
    assert box.isVisible()  # open(): shown without blocking the event loop
    assert box.windowModality() != Qt.WindowModality.ApplicationModal
    assert box.standardButtons() == QMessageBox.StandardButton.Ok


def test_disk_full_gets_its_own_advice(parent: QWidget, tmp_path: Path) -> None:
    error = OSError(errno.ENOSPC, "No space left on device")
    box = show_error(parent, error, tmp_path / "ccassure.log")
    assert box.icon() == QMessageBox.Icon.Warning
    assert box.text() == "The disk is full"
    assert accessible_name(box).strip()


def test_a_tampered_audit_trail_gets_its_own_advice(parent: QWidget, tmp_path: Path) -> None:
    error = StoreError("nothing was saved: the audit trail was changed", kind="tampered")
    box = show_error(parent, error, tmp_path / "ccassure.log")
    assert box.icon() == QMessageBox.Icon.Warning
    assert box.text() == "The audit trail was changed outside ccassure"
    assert "restore the store from a backup" in box.informativeText()
    assert "nothing was saved" in box.informativeText()


def test_unexpected_error_says_something_went_wrong_and_where_the_log_is(
    parent: QWidget, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    log_path = tmp_path / "logs" / "ccassure.log"
    with caplog.at_level(logging.ERROR, logger="ccassure"):
        box = show_error(parent, RuntimeError("gremlins"), log_path)
    assert box.icon() == QMessageBox.Icon.Critical
    assert box.windowTitle() == "Something went wrong"
    assert "Something unexpected went wrong" in box.text()
    assert "still running" in box.text()
    assert str(log_path) in box.informativeText()
    assert "RuntimeError: gremlins" in box.informativeText()
    assert accessible_name(box) == "Something went wrong"
    assert str(log_path) in box.accessibleDescription()
    assert box.isVisible()
    logged = [r for r in caplog.records if r.name == "ccassure"]
    assert logged and "RuntimeError: gremlins" in logged[-1].getMessage()


# --- a crash inside a task -------------------------------------------------------------------
@pytest.fixture
def window(qtbot, paths: AppPaths, tmp_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    settings = AppSettings(paths.data_dir)
    built = MainWindow(settings, TaskRunner(), tmp_path / "ccassure.log", lambda: TODAY)
    qtbot.addWidget(built)
    built.show()
    with qtbot.waitSignal(built.dashboard_shown, timeout=TIMEOUT):
        built.open_store(demo_opener(paths), "the demo programme")
    yield built
    built.runner.wait()
    built.close()


def test_a_task_that_crashes_shows_the_crash_box_and_the_window_stays(
    qtbot,  # type: ignore[no-untyped-def]
    window: MainWindow,
) -> None:
    assert not hasattr(window, "last_error_box")

    def work(_control: TaskControl) -> None:
        raise RuntimeError("the flux capacitor failed")

    window.runner.run("explode", work)  # no error handler of its own
    qtbot.waitUntil(lambda: hasattr(window, "last_error_box"), timeout=TIMEOUT)
    box = window.last_error_box
    assert box.windowTitle() == "Something went wrong"
    assert "RuntimeError: the flux capacitor failed" in box.informativeText()
    assert str(window.log_path) in box.informativeText()
    assert box.isVisible() and box.parent() is window
    assert accessible_name(box).strip()
    assert "the flux capacitor failed" in window.status.text()
    assert window.isVisible()
    assert window.context is not None
    assert window.runner.running == 0
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # the box goes with Escape...
    assert not box.isVisible()
    window.activateWindow()  # offscreen has no window manager to hand activation back
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    with qtbot.waitSignal(window.dashboard_shown, timeout=TIMEOUT):  # ...and the window works
        qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.pages.currentWidget() is window.dashboard


def test_dialogs_hold_no_more_text_than_the_document_takes(qtbot, context) -> None:  # type: ignore[no-untyped-def]
    """A pasted 3,000-character prompt or title is cut to what a save accepts, not refused."""
    from ccassure.domain.document import PROMPT_LIMIT, TITLE_LIMIT
    from ccassure.ui.custom_items import CustomItemDialog
    from ccassure.ui.new_assessment import NewAssessmentDialog

    item_dialog = CustomItemDialog("Step 2")
    qtbot.addWidget(item_dialog)
    item_dialog.prompt.insert("Q" * 3_000)
    item = item_dialog.item("step2", set())
    assert len(item.prompt) == PROMPT_LIMIT
    new = NewAssessmentDialog(context.templates, [])
    qtbot.addWidget(new)
    new.title.insert("T" * 3_000)
    new.programme.setEditText("Programme")
    new.component.setEditText("Component")
    value = new.result_value()
    assert len(value.title) == TITLE_LIMIT
    ident = context.assessments.create(
        value.kind, value.title, value.programme, value.component, value.owner, value.template_id
    )
    assert context.assessments.summary(ident).title == value.title
