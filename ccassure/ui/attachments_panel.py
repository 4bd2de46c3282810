"""Attachments: add a file (button, drag and drop, or paste an image), save a copy, remove."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, Signal
from PySide6.QtGui import (
    QAction,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ccassure.domain.document import AssessmentDocument, Attachment
from ccassure.ui.a11y import name
from ccassure.ui.record_panel import record_table

COLUMNS = ("Name", "Type", "Size", "SHA-256")


class ChangeAttachment(QUndoCommand):
    """Add (before None) or remove (after None) one attachment."""

    def __init__(
        self, panel: AttachmentsPanel, before: Attachment | None, after: Attachment | None
    ) -> None:
        super().__init__("change the attachments")
        self.panel, self.before, self.after = panel, before, after

    def redo(self) -> None:
        self.panel.apply(self.before, self.after)

    def undo(self) -> None:
        self.panel.apply(self.after, self.before)


class AttachmentsPanel(QWidget):
    """Files kept with the assessment, each with its SHA-256; the bytes come back unchanged."""

    add_file = Signal(object)  # Path: read it (off the UI thread), then attach it
    save_copy = Signal(object, object)  # Attachment, Path
    open_file = Signal(object)  # Attachment to open in the system's viewer
    saved = Signal(int, object)  # assessment id, Attachment added
    removed = Signal(int, object)  # assessment id, Attachment removed

    def __init__(self, undo: QUndoStack) -> None:
        super().__init__()
        self.undo = undo
        self.assessment_id = 0
        self.files: list[Attachment] = []
        self.editable = True
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Attachments</h2>"))
        hint = QLabel("Add a file, drop files here, or paste an image (Ctrl+V on the list).")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.table = record_table(
            COLUMNS, "Attachments", "Files kept with this assessment, with their SHA-256"
        )
        self.table.activated.connect(lambda _index: self._open())
        paste = QAction(self.table)
        paste.setShortcut(QKeySequence.StandardKey.Paste)
        paste.triggered.connect(self.paste_image)
        self.table.addAction(paste)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.add_button = QPushButton("Add a f&ile…")
        self.add_button.clicked.connect(self._choose)
        self.open_button = QPushButton("&Open")
        self.open_button.clicked.connect(self._open)
        self.copy_button = QPushButton("Save a &copy…")
        self.copy_button.clicked.connect(self._save_copy)
        self.remove_button = QPushButton("Remove this &attachment")
        self.remove_button.clicked.connect(self._remove)
        for button in (self.add_button, self.open_button, self.copy_button, self.remove_button):
            name(button, button.text().replace("&", "").rstrip("…"))
            row.addWidget(button)
        name(self.open_button, "Open", "Open the attachment in the program your system uses for it")
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)

    def load(self, document: AssessmentDocument, editable: bool) -> None:
        self.assessment_id = document.assessment.id or 0
        self.files, self.editable = list(document.attachments), editable
        self.add_button.setEnabled(editable)
        self.remove_button.setEnabled(editable)
        self._refresh()

    def attach(self, attachment: Attachment) -> None:
        """A file read and hashed: add it as one undoable step."""
        if self.editable:
            self.undo.push(ChangeAttachment(self, None, attachment))

    def show_added(self, attachment: Attachment) -> None:
        """An attachment kept elsewhere (a screenshot pasted into an issue): list it too."""
        if attachment not in self.files:
            self.files.append(attachment)
            self._refresh()

    def apply(self, before: Attachment | None, after: Attachment | None) -> None:
        if after is not None:
            self.files.append(after)
            self.saved.emit(self.assessment_id, after)
        elif before is not None:
            self.files = [f for f in self.files if f != before]
            self.removed.emit(self.assessment_id, before)
        self._refresh()

    def _current(self) -> Attachment | None:
        row = self.table.currentRow()
        return self.files[row] if 0 <= row < len(self.files) else None

    def _choose(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self,
            "Attach a file",
            "",
            "All files (*)",
            options=QFileDialog.Option.DontUseNativeDialog,
        )
        if chosen:
            self.add_file.emit(Path(chosen))

    def _open(self) -> None:
        current = self._current()
        if current is not None:
            self.open_file.emit(current)

    def _save_copy(self) -> None:
        current = self._current()
        if current is None:
            return
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            "Save a copy",
            current.name,
            "All files (*)",
            options=QFileDialog.Option.DontUseNativeDialog,
        )
        if chosen:
            self.save_copy.emit(current, Path(chosen))

    def _remove(self) -> None:
        current = self._current()
        if current is not None and self.editable:
            self.undo.push(ChangeAttachment(self, current, None))

    def paste_image(self) -> None:
        image = QGuiApplication.clipboard().image()
        if image.isNull() or not self.editable:
            return
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs want bytes; Qt wants str
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        self.attach(Attachment.of(f"pasted-{stamp}.png", "image/png", bytes(buffer.data().data())))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.editable and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.add_file.emit(Path(url.toLocalFile()))
        event.acceptProposedAction()

    def _refresh(self) -> None:
        self.table.setRowCount(len(self.files))
        for row, item in enumerate(self.files):
            values = (item.name, item.media_type, f"{item.size:,} bytes", item.sha256)
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        if self.files:
            self.table.setCurrentCell(len(self.files) - 1, 0)
        self.copy_button.setEnabled(bool(self.files))
        self.open_button.setEnabled(bool(self.files))
