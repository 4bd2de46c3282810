"""Export report…: choices read, the dialog shown, the file written in the background."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from ccassure.ui.dialog_parts import checked_target, known_failure, say_in_both
from ccassure.ui.export_dialog import FORMAT_NAMES, ExportChoices, ExportDialog, exported_message

if TYPE_CHECKING:
    from ccassure.services.report_export import ExportedReport
    from ccassure.ui.main_window import MainWindow
    from ccassure.ui.tasks import TaskControl


class ExportFlow(QObject):
    """Load the choices, show the dialog, export on a background task, then say what happened."""

    def __init__(self, window: MainWindow, assessment_id: int, parent: QWidget | None = None):
        super().__init__(window)  # the window keeps it alive until the dialog is done
        self.window, self.assessment_id = window, assessment_id
        self.parent_widget = parent or window
        self.dialog: ExportDialog | None = None

    def start(self) -> None:
        context = self.window.context
        if context is None:
            return
        ident = self.assessment_id

        def load(_control: TaskControl) -> ExportChoices:
            from ccassure.services.identities import LOCKED, NO_KEY

            summary = context.assessments.summary(ident)
            usable = tuple(v for v in context.identities.list() if v.key not in (NO_KEY, LOCKED))
            return ExportChoices(ident, summary.title, summary.version, usable)

        self.window.runner.run("read the identities", load, self._show, self.window.report)

    def _show(self, choices: ExportChoices) -> None:
        folder = self.window.export_folder or Path.home()
        self.dialog = ExportDialog(choices, folder, self.parent_widget)
        self.dialog.buttons.accepted.connect(self._export)
        self.dialog.finished.connect(lambda _result: self._done())
        self.dialog.open()

    def _done(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.deleteLater()

    def _export(self) -> None:
        from ccassure.services.report_export import SignWith

        dialog, context = self.dialog, self.window.context
        if dialog is None or context is None or dialog.running is not None:
            return
        path = checked_target(dialog)
        if path is None:
            return
        force = path.exists()
        passphrase = dialog.passphrase.text()
        sign = (
            SignWith(dialog.fingerprint(), lambda _prompt: passphrase, dialog.reason.text())
            if dialog.signing()
            else None
        )
        ident, fmt = self.assessment_id, dialog.fmt()
        written: list[ExportedReport] = []

        def export(control: TaskControl) -> ExportedReport:
            def progress(done: int, total: int) -> None:
                if done < total:  # once the file is written, it is too late to stop
                    control.check()
                control.progress(done * 100 // max(total, 1))

            result = context.report_export.export(
                ident, fmt, path, force=force, sign=sign, progress=progress
            )
            written.append(result)
            return result

        task = self.window.runner.run("export the report", export, self._exported, self._failed)
        task.progress.connect(dialog.progress.setValue)
        task.cancelled.connect(lambda: self._cancelled(written))
        dialog.busy(task)
        signed = " and signing" if sign is not None else ""
        dialog.say(f"Exporting{signed} the report as {FORMAT_NAMES[fmt]}…")

    def _exported(self, done: ExportedReport) -> None:
        self.window.export_folder = done.path.parent
        if self.dialog is not None:
            self.dialog.running = None
            self.dialog.accept()
        self.window.say(exported_message(done))

    def _cancelled(self, written: list[ExportedReport]) -> None:
        if written:  # cancelled too late: the file was already written
            self._exported(written[0])
            return
        if self.dialog is not None:
            self.dialog.busy(None)
            self.dialog.say("Export stopped; no file was written.", assertive=True)
            self.dialog.export_button.setFocus()
        self.window.say("Export stopped; no file was written")

    def _failed(self, error: BaseException) -> None:
        dialog = self.dialog
        if dialog is not None:
            dialog.busy(None)
        shown = dialog if dialog is not None and dialog.isVisible() else None
        known = known_failure(self.window, shown, error)
        if dialog is None or known is None:
            return
        say_in_both(self.window, dialog, f"Not exported: {known}")
        focus = dialog.passphrase if known.kind == "passphrase" else dialog.file
        focus.setFocus()
        focus.selectAll()  # typing replaces what was wrong


def start_export(
    window: MainWindow, assessment_id: int, parent: QWidget | None = None
) -> ExportFlow:
    """Open the export dialog for an assessment version (over `parent`, else the window)."""
    flow = ExportFlow(window, assessment_id, parent)
    flow.start()
    return flow


def export_shown(window: MainWindow) -> ExportFlow | None:
    """File → Export report…: for the assessment shown (its page or its editor)."""
    page = window.pages.currentWidget()
    ident = int(getattr(page, "assessment_id", 0) or 0)
    if window.context is None or not ident:
        window.say("Open an assessment first: the export writes the report of the one shown.")
        return None
    return start_export(window, ident)
