"""Tools → Templates: copy a checklist template, edit its TOML and save it as your own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ccassure.domain.errors import CcassureError
from ccassure.domain.templates import Template, TemplateError, TemplateFile, parse_template
from ccassure.services.template_library import TemplateLibrary
from ccassure.ui.a11y import announce, name
from ccassure.ui.models import KIND_LABELS

if TYPE_CHECKING:
    from ccassure.ui.main_window import MainWindow

VALIDATE_DELAY_MS = 400
START_MESSAGE = "Choose a template: Copy makes your own copy to edit; Edit opens one of yours."


@dataclass(frozen=True)
class Row:
    """One line of the list: a template (built-in or the user's) or a copy never saved."""

    draft_name: str
    entry: TemplateFile | None = None


@dataclass(frozen=True)
class Session:
    """What is being edited: its draft's name, the file it came from, and the saved text."""

    draft_name: str
    editing: Path | None = None
    saved_text: str | None = None


def draft_name_of(template: Template) -> str:
    return f"{template.id}-v{template.version}"


def message_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # file names and TOML errors print literally
    label.setWordWrap(True)
    return label


class TemplateLibraryDialog(QDialog):
    """The templates on the left; the TOML of the one being edited, checked as you type."""

    message = Signal(str)  # for the main window's status bar

    def __init__(
        self, library: TemplateLibrary, reload: Callable[[], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.library, self._reload = library, reload
        self.session: Session | None = None
        self._rows: list[Row] = []
        self._loading = False
        self._last_said = ""
        self.setWindowTitle("Templates")
        name(self, "Templates", "Copy a checklist template, edit it and save it as your own")
        self.list = QListWidget()
        name(self.list, "Templates", "Built-in templates and yours; Enter edits or copies one")
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSpacing(2)
        self.problems = message_label()
        self.copy_button = self._button("&Copy", "Make your own copy of the chosen template")
        self.edit_button = self._button("&Edit", "Edit the chosen template of yours")
        self.editor = QPlainTextEdit()
        name(self.editor, "Template text (TOML)", "Checked as you type; every change is kept")
        self.editor.setTabChangesFocus(True)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.editor.setReadOnly(True)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(QApplication.font().pointSizeF())
        self.editor.setFont(font)
        self.draft_note = message_label()
        self.revert_button = self._button(
            "Re&vert to saved", "Replace the draft with the saved template (Ctrl+Z brings it back)"
        )
        self.validation = message_label(START_MESSAGE)
        name(self.validation, "Template check", "Whether the text is a valid template")
        self.save_button = self._button("&Save", "Save the template as yours (Ctrl+S)")
        self.close_button = self._button("Close", "Close; unsaved changes stay as a draft")
        self._lay_out()
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.list.activated.connect(self._activated)
        self.copy_button.clicked.connect(self.copy_template)
        self.edit_button.clicked.connect(self.edit_template)
        self.revert_button.clicked.connect(self.revert_to_saved)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self).activated.connect(self.save)
        self._timer = QTimer(self, singleShot=True, interval=VALIDATE_DELAY_MS)
        self._timer.timeout.connect(self.validate)
        self.editor.textChanged.connect(self._changed)
        self.fill()
        self.resize(1040, 660)

    def _button(self, text: str, description: str) -> QPushButton:
        button = QPushButton(text)
        button.setAutoDefault(False)  # Enter in the list opens; it must not press a button
        name(button, text.replace("&", ""), description)
        return button

    def _lay_out(self) -> None:
        left = QVBoxLayout()
        list_label = QLabel("&Templates:")
        list_label.setBuddy(self.list)
        left.addWidget(list_label)
        left.addWidget(self.list, 1)
        left.addWidget(self.problems)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        left.addLayout(buttons)
        right = QVBoxLayout()
        editor_label = QLabel("Template te&xt (TOML):")
        editor_label.setBuddy(self.editor)
        right.addWidget(editor_label)
        right.addWidget(self.editor, 1)
        note = QHBoxLayout()
        note.addWidget(self.draft_note, 1)
        note.addWidget(self.revert_button)
        right.addLayout(note)
        columns = QHBoxLayout()
        columns.addLayout(left, 2)
        columns.addLayout(right, 3)
        bottom = QHBoxLayout()
        bottom.addWidget(self.validation, 1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addLayout(bottom)
        self.draft_note.hide()
        self.revert_button.hide()

    # --- the list ------------------------------------------------------------------------------
    def fill(self, select: str | None = None) -> None:
        """List every template and every unsaved copy; keep (or move to) the chosen one."""
        current = self.current_row()
        wanted = select or (current.draft_name if current else None)
        try:
            loaded = self.library.load()
            drafts = set(self.library.draft_names())
        except CcassureError as exc:
            self.say(f"The templates could not be read: {exc}", assertive=True)
            return
        rows = [Row(draft_name_of(f.template), f) for f in loaded.files]
        known = {row.draft_name for row in rows if row.entry and not row.entry.builtin}
        rows += [Row(draft) for draft in sorted(drafts - known)]
        self._rows = rows
        self.list.clear()
        for row in rows:
            has_draft = row.draft_name in drafts and row.draft_name in known
            self.list.addItem(QListWidgetItem(self._describe(row, has_draft)))
        chosen = next((i for i, r in enumerate(rows) if r.draft_name == wanted), 0)
        self.list.setCurrentRow(chosen)
        problems = "\n".join(f"Not loaded: {error}" for error in loaded.errors)
        self.problems.setText(problems)
        self.problems.setVisible(bool(problems))
        self._update_buttons()

    @staticmethod
    def _describe(row: Row, has_draft: bool) -> str:
        if row.entry is None:
            return f"{row.draft_name}\na copy not saved yet (draft)"
        template = row.entry.template
        origin = "built-in" if row.entry.builtin else f"yours, {row.entry.path.name}"
        draft = "; unsaved changes kept" if has_draft else ""
        kind = KIND_LABELS.get(template.kind, template.kind)
        return f"{template.title}\n{kind}, version {template.version}, {origin}{draft}"

    def current_row(self) -> Row | None:
        index = self.list.currentRow()
        return self._rows[index] if 0 <= index < len(self._rows) else None

    def _update_buttons(self) -> None:
        row = self.current_row()
        self.copy_button.setEnabled(row is not None and row.entry is not None)
        self.edit_button.setEnabled(
            row is not None and (row.entry is None or not row.entry.builtin)
        )

    def _activated(self, _index: QModelIndex) -> None:
        row = self.current_row()
        if row is not None and row.entry is not None and row.entry.builtin:
            self.copy_template()
        else:
            self.edit_template()

    # --- starting an edit ----------------------------------------------------------------------
    def copy_template(self) -> None:
        row = self.current_row()
        if row is None or row.entry is None:
            return
        try:
            text = self.library.copy_text(row.entry.template.id)
        except CcassureError as exc:
            self.say(f"Not copied: {exc}", assertive=True)
            return
        copy = parse_template(text, "the copy")
        self._start(
            Session(copy.id),
            text,
            f"Copied {row.entry.template.title} as {copy.id}. Edit the text, then save it "
            "with Ctrl+S; until then every change is kept as a draft.",
        )

    def edit_template(self) -> None:
        row = self.current_row()
        if row is None or (row.entry is not None and row.entry.builtin):
            return
        try:
            saved = self.library.source_text(row.entry) if row.entry else None
            draft = self.library.load_draft(row.draft_name)
        except CcassureError as exc:
            self.say(f"Not opened: {exc}", assertive=True)
            return
        session = Session(row.draft_name, row.entry.path if row.entry else None, saved)
        if draft is not None and draft != saved:
            note = (
                "This is your unsaved draft from earlier; the saved template is unchanged."
                if saved is not None
                else "This is a copy you have not saved yet."
            )
            self._start(session, draft, f"{note} It is not saved until you press Ctrl+S.", note)
        elif saved is not None:
            self._start(session, saved, f"Editing {row.entry.path.name if row.entry else ''}.")

    def _start(self, session: Session, text: str, intro: str, note: str = "") -> None:
        """Show a template's text for editing; what was being edited before stays as a draft."""
        if self.session is not None:
            self.fill()
        self.session = session
        self._loading = True
        self.editor.setPlainText(text)
        self._loading = False
        self.editor.setReadOnly(False)
        self.draft_note.setText(note)
        self.draft_note.setVisible(bool(note))
        self.revert_button.setVisible(bool(note) and session.saved_text is not None)
        self.say(f"{intro} {self.check()[1]}")
        self.editor.moveCursor(QTextCursor.MoveOperation.Start)
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def revert_to_saved(self) -> None:
        if self.session is None or self.session.saved_text is None:
            return
        cursor = self.editor.textCursor()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(self.session.saved_text)  # one undo step, unlike setPlainText
        self.draft_note.hide()
        self.revert_button.hide()
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)
        self.say("Back to the saved template; Ctrl+Z brings the draft back.")

    # --- as you type ---------------------------------------------------------------------------
    def _changed(self) -> None:
        if self._loading or self.session is None:
            return
        text = self.editor.toPlainText()
        try:
            if text == self.session.saved_text:
                self.library.discard_draft(self.session.draft_name)
            else:
                self.library.save_draft(self.session.draft_name, text)
        except CcassureError as exc:
            self.say(f"Your draft could not be kept: {exc}", assertive=True)
        self._timer.start()

    def validate(self) -> Template | None:
        """Check the text now and say whether it is a valid template (and if not, where)."""
        self._timer.stop()
        if self.session is None:
            return None
        template, message = self.check()
        self.say(message, assertive=template is None)
        return template

    def check(self) -> tuple[Template | None, str]:
        """The template in the editor if it is valid, and what to say about it."""
        try:
            template = parse_template(self.editor.toPlainText(), "Not valid")
        except TemplateError as exc:
            return None, str(exc)
        unsaved = "not saved yet (Ctrl+S saves it)" if self.unsaved() else "saved"
        return template, (
            f"Valid: {template.title}, id {template.id}, version {template.version}, "
            f"{template.item_count} items; {unsaved}."
        )

    def unsaved(self) -> bool:
        return self.session is not None and self.editor.toPlainText() != self.session.saved_text

    # --- saving and closing --------------------------------------------------------------------
    def save(self) -> None:
        session = self.session
        if session is None:
            self.say("Nothing to save yet: copy a template or edit one of yours first.", True)
            return
        if self.validate() is None:
            self.say(f"Not saved. {self.validation.text()}", assertive=True)
            return
        text = self.editor.toPlainText()
        try:
            template = self.library.save_user_template(text, session.editing)
        except CcassureError as exc:
            self.say(f"Not saved: {exc}", assertive=True)
            return
        message = f"Saved {template.title} (id {template.id}, version {template.version})"
        try:
            self.library.discard_draft(session.draft_name)
            path = self._saved_path(template)
            self._reload()
            message += f" to {path}. New assessments can use it now."
        except CcassureError as exc:
            path = None
            message += f", but it could not be made available yet: {exc}"
        self.session = Session(draft_name_of(template), path, text)
        self.draft_note.hide()
        self.revert_button.hide()
        self.fill(select=self.session.draft_name)
        self.say(message)
        self.message.emit(message)

    def _saved_path(self, template: Template) -> Path | None:
        identity = (template.id, template.version)
        return next(
            (
                f.path
                for f in self.library.entries()
                if not f.builtin and (f.template.id, f.template.version) == identity
            ),
            None,
        )

    def done(self, result: int) -> None:
        session = self.session
        if session is not None and self.library.draft_path(session.draft_name).is_file():
            self._timer.stop()
            self.message.emit(
                "Your unsaved template changes are kept as a draft: open Tools → Templates "
                "and Edit it to carry on."
            )
        super().done(result)

    def say(self, message: str, assertive: bool = False) -> None:
        """Show the message under the editor and announce it (once, if it has not changed)."""
        self.validation.setText(message)
        if message != self._last_said:
            self._last_said = message
            announce(self.validation, message, assertive)


def open_template_library(window: MainWindow) -> TemplateLibraryDialog | None:
    """Open the dialog over the window; a saved template reaches the open store's services."""
    context = window.context
    paths = context.paths if context is not None else window.paths
    if paths is None:
        return None

    def reload() -> None:
        if window.context is not None:
            window.context.reload_templates()

    dialog = TemplateLibraryDialog(TemplateLibrary.for_paths(paths), reload, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.message.connect(window.say)
    dialog.open()
    dialog.list.setFocus(Qt.FocusReason.OtherFocusReason)
    return dialog
