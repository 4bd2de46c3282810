"""The checklist editor: sections, items with guidance, autosave, undo and submit-for-review."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ccassure.domain.document import AssessmentDocument, Response
from ccassure.domain.scoring import RISK_MATRIX
from ccassure.domain.screening import screening_verdict
from ccassure.domain.templates import Item, Section, Template
from ccassure.ui.a11y import announce, name
from ccassure.ui.editor_fields import Field
from ccassure.ui.pages import _Page

if TYPE_CHECKING:
    from ccassure.ui.risk_register import RiskRegister

SAVE_DELAY_MS = 0  # every change is saved at once (the saves coalesce while one runs)


class SetAnswer(QUndoCommand):
    """One change to one answer; typing in the same item merges into one step."""

    def __init__(self, editor: EditorPage, before: Response, after: Response) -> None:
        super().__init__(f"change {after.item}")
        self.editor, self.before, self.after = editor, before, after

    def id(self) -> int:
        return 1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetAnswer) or other.after.item != self.after.item:
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        self.editor.apply(self.after)

    def undo(self) -> None:
        self.editor.apply(self.before)


class EditorPage(_Page):
    """Every change is saved as it is made (through the write worker); Ctrl+Z undoes it."""

    save = Signal(int, object)  # assessment id, Response
    save_risk = Signal(int, object)  # assessment id, Risk
    remove_risk = Signal(int, str)  # assessment id, ref
    save_action = Signal(int, object)  # assessment id, Action
    save_impact = Signal(int, object)  # assessment id, Impact
    attach_file = Signal(object)  # Path to read and attach
    save_copy = Signal(object, object)  # Attachment, Path
    save_attachment = Signal(int, object)  # assessment id, Attachment
    remove_attachment = Signal(int, object)  # assessment id, Attachment
    remove_action = Signal(int, str)
    submit = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Assessment editor", parent)
        self.assessment_id = 0
        self.template: Template | None = None
        self.register: RiskRegister | None = None
        self.today = date.today()
        self.expiry_notes: dict[str, QLabel] = {}
        self.date_notes: dict[str, QLabel] = {}
        self.verdict: QLabel | None = None
        self.fields: dict[str, Field] = {}
        self.comments: dict[str, QLineEdit] = {}
        self.saved: dict[str, Response] = {}
        self.undo_stack = QUndoStack(self)
        self._pending: dict[str, QTimer] = {}
        self._bar()
        split = QSplitter()
        self.sections = QListWidget()
        self.sections.setWordWrap(True)  # long section titles wrap rather than vanish
        self.sections.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.sections.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        name(self.sections, "Sections", "Each section with how many required items are answered")
        self.sections.currentRowChanged.connect(self._show_section)
        self.forms = QStackedWidget()
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroller.setWidget(self.forms)
        split.addWidget(self.sections)
        split.addWidget(self.scroller)
        split.setStretchFactor(1, 3)
        self.layout_.addWidget(split, 1)
        self.missing = QListWidget()
        name(self.missing, "Still missing", "Required items without an answer; Enter goes to one")
        self.missing.itemActivated.connect(self._jump)
        self.missing.hide()
        self.layout_.addWidget(self.missing)
        self.focus_target = self.sections

    def _bar(self) -> None:
        row = QHBoxLayout()
        self.submit_button = QPushButton("&Submit for review")
        name(
            self.submit_button,
            "Submit for review",
            "Send the assessment to its reviewers once every required item is answered",
        )
        self.submit_button.clicked.connect(self._submit)
        row.addWidget(self.submit_button)
        row.addStretch(1)
        self.layout_.addLayout(row)
        for key, slot in (
            (QKeySequence.StandardKey.Undo, self.undo_stack.undo),
            (QKeySequence.StandardKey.Redo, self.undo_stack.redo),
        ):
            action = QAction(self)
            action.setShortcuts(
                [QKeySequence(key)]
                + ([QKeySequence("Ctrl+Shift+Z")] if key == QKeySequence.StandardKey.Redo else [])
            )
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

    def load(
        self,
        document: AssessmentDocument,
        template: Template,
        editable: bool,
        today: date | None = None,
    ) -> None:
        """Build the sections and items for this assessment version."""
        self.today = today or date.today()
        self.expiry_notes = {}
        self.date_notes = {}
        self.verdict = None
        self.assessment_id = document.assessment.id or 0
        self.template = template
        self.undo_stack.clear()
        self.fields.clear()
        self.comments.clear()
        self.saved = {r.item: r for r in document.responses}
        while (old := self.forms.widget(0)) is not None:
            self.forms.removeWidget(old)
            old.deleteLater()
        self.sections.clear()
        for section in template.sections:
            self.forms.addWidget(self._form(section, template, editable))
            self.sections.addItem(QListWidgetItem(section.title))
        self.register = None
        if RISK_MATRIX in template.matrices:
            from ccassure.ui.risk_register import RiskRegister

            self.register = RiskRegister(template, self.undo_stack)
            self.register.saved.connect(self.save_risk.emit)
            self.register.removed.connect(self.remove_risk.emit)
            self.register.load(document, editable)
            self.forms.addWidget(self.register)
            self.sections.addItem(QListWidgetItem("Risk register"))
        if "protected_characteristics" in template.lists and "impact" in template.scales:
            from ccassure.ui.impact_matrix import ImpactMatrix

            self.impacts = ImpactMatrix(template, self.undo_stack)
            self.impacts.saved.connect(self.save_impact.emit)
            self.impacts.load(document, editable)
            self.forms.addWidget(self.impacts)
            self.sections.addItem(QListWidgetItem("Impact matrix"))
        from ccassure.ui.actions_panel import ActionsPanel
        from ccassure.ui.attachments_panel import AttachmentsPanel

        self.attachments = AttachmentsPanel(self.undo_stack)
        self.attachments.add_file.connect(self.attach_file.emit)
        self.attachments.save_copy.connect(self.save_copy.emit)
        self.attachments.saved.connect(self.save_attachment.emit)
        self.attachments.removed.connect(self.remove_attachment.emit)
        self.attachments.load(document, editable)
        self.forms.addWidget(self.attachments)
        self.sections.addItem(QListWidgetItem("Attachments"))

        self.actions_panel = ActionsPanel(self.undo_stack, self.today)
        self.actions_panel.saved.connect(self.save_action.emit)
        self.actions_panel.removed.connect(self.remove_action.emit)
        self.actions_panel.load(document, editable)
        self.forms.addWidget(self.actions_panel)
        self.sections.addItem(QListWidgetItem("Actions"))
        state = document.assessment.status.replace("_", " ")
        self.title = document.assessment.title
        self.heading.setText(
            f"{self.title} — version {document.assessment.version}, {state}"
            + ("" if editable else " (read-only)")
        )
        self.submit_button.setEnabled(editable)
        self.missing.hide()
        self._update_completeness()
        self.sections.setCurrentRow(0)

    def _form(self, section: Section, template: Template, editable: bool) -> QWidget:
        form = QWidget()
        layout = QVBoxLayout(form)
        heading = QLabel(f"<h2>{_html(section.title)}</h2>")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        if section.guidance:
            layout.addWidget(_note(section.guidance))
        if any(item.screening for item in section.items):
            self.verdict = _note("")
            name(self.verdict, "Screening verdict")
            layout.addWidget(self.verdict)
        for item in section.items:
            self._item(layout, item, template, editable)
        layout.addStretch(1)
        return form

    def _item(self, layout: QVBoxLayout, item: Item, template: Template, editable: bool) -> None:
        field = Field(item, template)
        response = self.saved.get(item.key, Response(item=item.key))
        field.set_value(response.value)
        field.set_read_only(not editable)
        text = _html(item.prompt)
        prompt = QLabel(f"<b>{text}</b> (required)" if item.required else text)
        prompt.setWordWrap(True)
        prompt.setBuddy(field.widget)
        layout.addWidget(prompt)
        layout.addWidget(field.widget)
        if item.answer == "date":
            self.date_notes[item.key] = _note("")
            layout.addWidget(self.date_notes[item.key])
        if item.expires:
            self.expiry_notes[item.key] = _note("")
            layout.addWidget(self.expiry_notes[item.key])
        layout.addWidget(_note(f"{item.guidance} Reference: {item.reference}".strip()))
        comment = QLineEdit(response.comment)
        comment.setReadOnly(not editable)
        name(comment, f"Comment on: {item.prompt}")
        comment.setPlaceholderText("Comment")
        layout.addWidget(comment)
        self.fields[item.key], self.comments[item.key] = field, comment
        timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        timer.timeout.connect(lambda key=item.key: self._commit(key))
        self._pending[item.key] = timer
        field.edited.connect(timer.start)
        comment.textEdited.connect(lambda _text: timer.start())

    def _commit(self, key: str) -> None:
        """The user's change to one item becomes one undoable, saved step."""
        before = self.saved.get(key, Response(item=key))
        value = self.fields[key].value()
        note = self.date_notes.get(key)
        if note is not None:  # a date being typed is saved once it is a whole date
            if value and not _is_date(value):
                note.setText("Use the form YYYY-MM-DD; not saved until it is a date.")
                return
            note.setText("")
        after = before.model_copy(update={"value": value, "comment": self.comments[key].text()})
        if after != before:
            self.undo_stack.push(SetAnswer(self, before, after))

    def flush(self) -> None:
        """Save anything still waiting for its pause (before leaving the editor)."""
        for key, timer in self._pending.items():
            if timer.isActive():
                timer.stop()
                self._commit(key)

    def apply(self, response: Response) -> None:
        """Show and save an answer (from an edit, an undo or a redo)."""
        self.fields[response.item].set_value(response.value)
        comment = self.comments[response.item]
        if comment.text() != response.comment:
            comment.setText(response.comment)
        self.saved[response.item] = response
        self._update_completeness()
        self.save.emit(self.assessment_id, response)

    def _missing(self) -> list[tuple[int, Item]]:
        assert self.template is not None
        return [
            (index, item)
            for index, section in enumerate(self.template.sections)
            for item in section.items
            if item.required and not self.fields[item.key].value().strip()
        ]

    def _update_notes(self) -> None:
        """The screening verdict and expiring evidence follow every change."""
        assert self.template is not None
        answers = {key: field.value() for key, field in self.fields.items()}
        verdict = screening_verdict(self.template, answers)
        if (
            self.verdict is not None
            and verdict is not None
            and self.verdict.text() != verdict.text()
        ):
            self.verdict.setText(verdict.text())
            announce(self.verdict, verdict.text())
        for key, note in self.expiry_notes.items():
            note.setText(expiry_text(answers.get(key, ""), self.today))

    def _update_completeness(self) -> None:
        if self.template is None:
            return
        self._update_notes()
        missing = {item.key for _, item in self._missing()}
        for index, section in enumerate(self.template.sections):
            required = [i for i in section.items if i.required]
            done = sum(1 for i in required if i.key not in missing)
            mark = "complete" if done == len(required) else f"{done} of {len(required)} required"
            entry = self.sections.item(index)
            if entry is not None:
                entry.setText(f"{section.title} — {mark}")

    def _show_section(self, row: int) -> None:
        if 0 <= row < self.forms.count():
            self.forms.setCurrentIndex(row)
            self.scroller.verticalScrollBar().setValue(0)

    def _submit(self) -> None:
        self.flush()
        missing = self._missing()
        if not missing:
            self.missing.hide()
            self.submit.emit(self.assessment_id)
            return
        self.missing.clear()
        for index, item in missing:
            entry = QListWidgetItem(f"{item.prompt}")
            entry.setData(Qt.ItemDataRole.UserRole, (index, item.key))
            self.missing.addItem(entry)
        self.missing.show()
        self.missing.setCurrentRow(0)
        self.missing.setFocus()
        announce(self.missing, f"Not submitted: {len(missing)} required items are unanswered")

    def _jump(self, entry: QListWidgetItem) -> None:
        index, key = entry.data(Qt.ItemDataRole.UserRole)
        self.sections.setCurrentRow(index)
        widget = self.fields[key].widget
        self.scroller.ensureWidgetVisible(widget)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)


def expiry_text(value: str, today: date) -> str:
    """Expired, or expiring within 60 days, for an evidence date; empty otherwise."""
    try:
        expires = date.fromisoformat(value)
    except ValueError:
        return ""
    if expires < today:
        return f"⚠ Expired on {expires:%d %B %Y}: ask the supplier for current evidence."
    if expires <= today + timedelta(days=60):
        return f"⚠ Expires within 60 days, on {expires:%d %B %Y}."
    return ""


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def _html(text: str) -> str:
    import html

    return html.escape(text)
