"""The editor's one undo history: Ctrl+Z / Ctrl+Shift+Z anywhere in it, showing what changed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:
    from ccassure.ui.editor import EditorPage

REDO_KEYS = ("Ctrl+Shift+Z",)


class EditorHistory(QObject):
    """Undo and redo reach every input of the editor (not the input's own typing history),
    and after each step the changed item is shown and keeps the focus."""

    def __init__(self, editor: EditorPage) -> None:
        super().__init__(editor)
        self.editor = editor
        self.stack = QUndoStack(self)
        for key, extra, step in (
            (QKeySequence.StandardKey.Undo, (), self.undo),
            (QKeySequence.StandardKey.Redo, REDO_KEYS, self.redo),
        ):
            action = QAction(editor)
            action.setShortcuts([QKeySequence(key), *(QKeySequence(k) for k in extra)])
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(step)
            editor.addAction(action)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def undo(self) -> None:
        command = self.stack.command(self.stack.index() - 1)
        self.stack.undo()
        self._show(command)

    def redo(self) -> None:
        command = self.stack.command(self.stack.index())
        self.stack.redo()
        self._show(command)

    def _show(self, command: QUndoCommand | None) -> None:
        if command is not None:
            QTimer.singleShot(0, lambda: self._reveal(command))

    def _reveal(self, command: QUndoCommand) -> None:
        """Go to the section of what changed; focus it unless the focus is already there."""
        editor = self.editor
        target: QWidget | None = getattr(command, "panel", None)
        focus_on = getattr(target, "table", target)
        key = getattr(getattr(command, "after", None), "item", None)
        key = key or getattr(getattr(command, "item", None), "key", None)
        if target is None and key in editor.boxes:
            target, focus_on = editor.boxes[key], editor.fields[key].widget
        if target is None or focus_on is None:
            target = focus_on = editor.sections
        for row in range(editor.forms.count()):
            form = editor.forms.widget(row)
            if form is not None and (form is target or form.isAncestorOf(target)):
                editor.sections.setCurrentRow(row)
                editor.scroller.ensureWidgetVisible(target)
        focused = QApplication.focusWidget()
        if focused is None or not (focused is target or target.isAncestorOf(focused)):
            focus_on.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and _is_undo_or_redo(event)
            and isinstance(watched, QWidget)
            and self.editor.isAncestorOf(watched)
        ):
            return True  # not accepted, so the editor's own Undo / Redo shortcut runs
        return super().eventFilter(watched, event)


def _is_undo_or_redo(event: QKeyEvent) -> bool:
    return (
        event.matches(QKeySequence.StandardKey.Undo)
        or event.matches(QKeySequence.StandardKey.Redo)
        or event.keyCombination()
        == (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier | Qt.Key.Key_Z)
    )
