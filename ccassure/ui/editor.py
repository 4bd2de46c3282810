"""The checklist editor: sections, items with guidance, autosave, undo and submit-for-review."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
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

from ccassure.domain.checklist import CUSTOM_TITLE, as_item, checklist_for
from ccassure.domain.document import CUSTOM_SECTION, AssessmentDocument, CustomItem, Response
from ccassure.domain.scoring import RISK_MATRIX
from ccassure.domain.screening import screening_verdict
from ccassure.domain.templates import Item, Template
from ccassure.ui.a11y import announce, name
from ccassure.ui.custom_items import AddCustomItem, CustomItemDialog, RemoveCustomItem
from ccassure.ui.editor_fields import (
    EVIDENCE_HINT,
    Field,
    SetAnswer,
    escaped,
    evidence_list,
    expiry_text,
    guidance_text,
    is_date,
    note_label,
)
from ccassure.ui.editor_history import EditorHistory
from ccassure.ui.pages import _Page

if TYPE_CHECKING:
    from ccassure.ui.evaluation_sections import EvaluationSections
    from ccassure.ui.issue_log import IssueLogPanel
    from ccassure.ui.risk_register import RiskRegister

SAVE_DELAY_MS = 0  # every change is saved at once (the saves coalesce while one runs)
CUSTOM_GUIDANCE = "Questions or checks this assessment needs beyond its template."


class EditorPage(_Page):
    """Every change is saved as it is made (through the write worker); Ctrl+Z undoes it."""

    save = Signal(int, object)  # assessment id, Response
    save_custom_item = Signal(int, object)  # assessment id, CustomItem
    remove_custom_item = Signal(int, str)  # assessment id, key
    save_risk = Signal(int, object)  # assessment id, Risk
    remove_risk = Signal(int, str)  # assessment id, ref
    save_action = Signal(int, object)  # assessment id, Action
    save_impact = Signal(int, object)  # assessment id, Impact
    attach_file = Signal(object)  # Path to read and attach
    save_copy = Signal(object, object)  # Attachment, Path
    open_attachment = Signal(object)  # Attachment
    save_attachment = Signal(int, object)  # assessment id, Attachment
    remove_attachment = Signal(int, object)  # assessment id, Attachment
    remove_action = Signal(int, str)
    submit = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Assessment editor", parent)
        self.assessment_id = 0
        self.template: Template | None = None  # the template with this assessment's own items
        self.base_template: Template | None = None
        self.custom_items: list[CustomItem] = []
        self.editable = False
        self.section_keys: list[str] = []
        self.item_layouts: dict[str, QVBoxLayout] = {}
        self.section_notes: dict[str, QLabel] = {}
        self.boxes: dict[str, QWidget] = {}
        self.evidence: dict[str, QLineEdit] = {}
        self.prompts: dict[str, QLabel] = {}
        self.register: RiskRegister | None = None
        self.evaluation: EvaluationSections | None = None
        self.issue_log: IssueLogPanel | None = None
        self.today = date.today()
        self.expiry_notes: dict[str, QLabel] = {}
        self.date_notes: dict[str, QLabel] = {}
        self.verdict: QLabel | None = None
        self.fields: dict[str, Field] = {}
        self.comments: dict[str, QLineEdit] = {}
        self.saved: dict[str, Response] = {}
        self.history = EditorHistory(self)
        self.undo_stack = self.history.stack
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
        from ccassure.ui.issue_log_model import QUICK_ADD_KEY

        quick_add = QShortcut(QKeySequence(QUICK_ADD_KEY), self, self._quick_add)
        quick_add.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def _bar(self) -> None:
        row = QHBoxLayout()
        self.submit_button = QPushButton("S&ubmit for review")
        name(
            self.submit_button,
            "Submit for review",
            "Send the assessment to its reviewers once every required item is answered",
        )
        self.submit_button.clicked.connect(self._submit)
        row.addWidget(self.submit_button)
        row.addStretch(1)
        self.layout_.addLayout(row)

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
        self.base_template, self.editable = template, editable
        self.custom_items = list(document.custom_items)
        self.template = checklist_for(template, self.custom_items)
        self.undo_stack.clear()
        for mapping in (self.fields, self.comments, self.evidence, self.boxes, self._pending):
            mapping.clear()
        self.prompts.clear()
        self.item_layouts, self.section_notes, self.section_keys = {}, {}, []
        self.saved = {r.item: r for r in document.responses}
        while (old := self.forms.widget(0)) is not None:
            self.forms.removeWidget(old)
            old.deleteLater()
        self.sections.clear()
        sections = [(s.key, s.title, s.guidance, s.items) for s in self.template.sections]
        if CUSTOM_SECTION not in {key for key, *_ in sections}:
            sections.append((CUSTOM_SECTION, CUSTOM_TITLE, CUSTOM_GUIDANCE, ()))
        for key, title, guidance, items in sections:
            self.forms.addWidget(self._form(key, title, guidance, items, editable))
            self.sections.addItem(QListWidgetItem(title))
            self.section_keys.append(key)
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
        from ccassure.ui.evaluation_sections import add_evaluation_sections

        self.evaluation = add_evaluation_sections(self, document, template, editable)
        if self.issue_log is not None:
            self.issue_log.retire()
            self.issue_log = None
        if template.kind == "accessibility":
            from ccassure.ui.issue_log import IssueLogPanel

            self.issue_log = IssueLogPanel(template, document, editable)
            self.issue_log.open_attachment.connect(self.open_attachment.emit)
            self.forms.addWidget(self.issue_log)
            self.sections.addItem(QListWidgetItem("Issue log"))
        from ccassure.ui.actions_panel import ActionsPanel
        from ccassure.ui.attachments_panel import AttachmentsPanel

        self.attachments = AttachmentsPanel(self.undo_stack)
        self.attachments.add_file.connect(self.attach_file.emit)
        self.attachments.save_copy.connect(self.save_copy.emit)
        self.attachments.open_file.connect(self.open_attachment.emit)
        self.attachments.saved.connect(self.save_attachment.emit)
        self.attachments.removed.connect(self.remove_attachment.emit)
        self.attachments.load(document, editable)
        if self.issue_log is not None:
            self.issue_log.attachment_added.connect(self.attachments.show_added)
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

    def _quick_add(self) -> None:
        """Ctrl+Shift+I: the issue log, and its quick-add form (accessibility assessments)."""
        if self.issue_log is None:
            announce(self.sections, "Only accessibility assessments have an issue log")
            return
        self.sections.setCurrentRow(self.forms.indexOf(self.issue_log))
        self.issue_log.quick_add()

    def _form(
        self, key: str, title: str, guidance: str, items: tuple[Item, ...], editable: bool
    ) -> QWidget:
        form = QWidget()
        layout = QVBoxLayout(form)
        heading = QLabel(f"<h2>{escaped(title)}</h2>")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        if guidance:
            layout.addWidget(note_label(guidance))
        self.section_notes[key] = note_label("")
        layout.addWidget(self.section_notes[key])
        if any(item.screening for item in items):
            self.verdict = note_label("")
            name(self.verdict, "Screening verdict")
            layout.addWidget(self.verdict)
        self.item_layouts[key] = QVBoxLayout()
        layout.addLayout(self.item_layouts[key])
        for item in items:
            self._item(key, item, editable)
        if editable:
            add = QPushButton("Add an item to this section…")
            name(add, f"Add an item to {title}", "A question or check of your own")
            add.clicked.connect(lambda _checked=False: self._ask_custom(key, title))
            layout.addWidget(add)
        layout.addStretch(1)
        return form

    def _item(self, section: str, item: Item, editable: bool) -> QWidget:
        assert self.template is not None
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 6, 0, 6)
        field = Field(item, self.template)
        response = self.saved.get(item.key, Response(item=item.key))
        field.set_value(response.value)
        field.set_read_only(not editable)
        text = item.prompt.replace("&", "&&")  # plain text: no '&' may become a mnemonic
        prompt = QLabel(f"{text} (required)" if item.required else text)
        prompt.setTextFormat(Qt.TextFormat.PlainText)
        prompt.setWordWrap(True)
        prompt.setBuddy(field.widget)
        font = prompt.font()
        font.setBold(True)
        prompt.setFont(font)
        layout.addWidget(prompt)
        layout.addWidget(field.widget)
        if item.answer == "date":
            self.date_notes[item.key] = note_label("")
            layout.addWidget(self.date_notes[item.key])
        if item.expires:
            self.expiry_notes[item.key] = note_label("")
            layout.addWidget(self.expiry_notes[item.key])
        layout.addWidget(note_label(guidance_text(item)))
        comment = QLineEdit(response.comment)
        comment.setReadOnly(not editable)
        name(comment, f"Comment on: {item.prompt}")
        comment.setPlaceholderText("Comment")
        layout.addWidget(comment)
        evidence = QLineEdit("; ".join(response.evidence))
        evidence.setReadOnly(not editable)
        name(evidence, f"Evidence for: {item.prompt}", EVIDENCE_HINT)
        evidence.setPlaceholderText(f"Evidence: {EVIDENCE_HINT.lower()}")
        layout.addWidget(evidence)
        if editable and item.key.startswith(f"{CUSTOM_SECTION}."):
            remove = QPushButton("Remove this item")
            name(remove, f"Remove the item: {item.prompt}", "Ctrl+Z brings it back")
            remove.clicked.connect(lambda _checked=False: self._remove_custom(item.key))
            layout.addWidget(remove)
        self.fields[item.key], self.comments[item.key] = field, comment
        self.prompts[item.key] = prompt
        self.evidence[item.key] = evidence
        timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        timer.timeout.connect(lambda key=item.key: self._commit(key))
        self._pending[item.key] = timer
        field.edited.connect(timer.start)
        comment.textEdited.connect(lambda _text: timer.start())
        evidence.textEdited.connect(lambda _text: timer.start())
        self.item_layouts[section].addWidget(box)
        self.boxes[item.key] = box
        return box

    def _ask_custom(self, section: str, title: str) -> None:
        dialog = CustomItemDialog(title, self)
        if dialog.exec():
            assert self.template is not None
            taken = {item.key for _, item in self.template.items()}
            self.undo_stack.push(AddCustomItem(self, dialog.item(section, taken)))

    def _remove_custom(self, key: str) -> None:
        self.flush()
        item = next(c for c in self.custom_items if c.key == key)
        self.undo_stack.push(RemoveCustomItem(self, item, self.saved.get(key)))

    def add_custom(self, custom: CustomItem) -> None:
        """Show and save a custom item (when added, or brought back by undo)."""
        assert self.base_template is not None
        self.custom_items.append(custom)
        self.template = checklist_for(self.base_template, self.custom_items)
        section = custom.section if custom.section in self.item_layouts else CUSTOM_SECTION
        self.sections.setCurrentRow(self.section_keys.index(section))
        box = self._item(section, as_item(custom), self.editable)
        self._update_completeness()
        self.save_custom_item.emit(self.assessment_id, custom)
        widget = self.fields[custom.key].widget
        QTimer.singleShot(0, lambda: self.scroller.ensureWidgetVisible(box))
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        announce(widget, f"Added the item {custom.prompt}")

    def drop_custom(self, key: str) -> None:
        """Remove a custom item and its answer (when removed, or taken back by undo)."""
        assert self.base_template is not None
        self.custom_items = [c for c in self.custom_items if c.key != key]
        self.template = checklist_for(self.base_template, self.custom_items)
        box = self.boxes.pop(key)
        box.hide()
        box.deleteLater()
        for mapping in (self.fields, self.comments, self.evidence, self.date_notes, self.saved):
            mapping.pop(key, None)
        self._pending.pop(key).stop()
        self.prompts.pop(key, None)
        self._update_completeness()
        self.remove_custom_item.emit(self.assessment_id, key)
        announce(self.sections, "Removed the item")

    def _commit(self, key: str) -> None:
        """The user's change to one item becomes one undoable, saved step."""
        before = self.saved.get(key, Response(item=key))
        value = self.fields[key].value()
        note = self.date_notes.get(key)
        if note is not None:  # a date being typed is saved once it is a whole date
            if value and not is_date(value):
                note.setText("Use the form YYYY-MM-DD; not saved until it is a date.")
                return
            note.setText("")
        after = before.model_copy(
            update={
                "value": value,
                "comment": self.comments[key].text(),
                "evidence": evidence_list(self.evidence[key].text()),
            }
        )
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
        evidence = self.evidence[response.item]
        if evidence_list(evidence.text()) != response.evidence:
            evidence.setText("; ".join(response.evidence))
        self.saved[response.item] = response
        self._update_completeness()
        self.save.emit(self.assessment_id, response)

    def _answers(self) -> dict[str, str]:
        return {key: field.value() for key, field in self.fields.items()}

    def _missing(self) -> list[tuple[int, Item]]:
        """Unanswered required items of the sections that apply, with their section's row."""
        assert self.template is not None
        answers = self._answers()
        return [
            (self.section_keys.index(section.key), item)
            for section in self.template.sections
            if section.applies(answers)
            for item in section.items
            if item.required and not answers[item.key].strip()
        ]

    def _update_notes(self) -> None:
        """The screening verdict and expiring evidence follow every change."""
        assert self.template is not None
        answers = self._answers()
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
        answers = self._answers()
        sections = {section.key: section for section in self.template.sections}
        for row, key in enumerate(self.section_keys):
            section = sections.get(key)
            entry = self.sections.item(row)
            if section is None:
                entry.setText(f"{CUSTOM_TITLE} — none yet")
                continue
            required = [i for i in section.items if i.required]
            done = sum(1 for i in required if i.key not in missing)
            mark = "complete" if done == len(required) else f"{done} of {len(required)} required"
            applies = section.applies(answers)
            entry.setText(f"{section.title} — {mark if applies else 'does not apply'}")
            note = self.section_notes[key]
            text = "" if applies else f"Does not apply. {section.condition_text(self.template)}"
            if note.text() != text:
                note.setText(text)
                note.setVisible(bool(text))
                for item in required:  # "(required)" only where the section applies
                    self._mark_required(item, applies)

    def _mark_required(self, item: Item, required: bool) -> None:
        prompt, field = self.prompts.get(item.key), self.fields[item.key]
        label = item.prompt + (" (required)" if required else "")
        if prompt is not None:
            prompt.setText(label.replace("&", "&&"))
        field.widget.setAccessibleName(label)

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
