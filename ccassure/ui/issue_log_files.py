"""The issue log's files: save it as CSV or XLSX for suppliers, bring in axe-core results."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ccassure.ui.tasks import TaskControl

if TYPE_CHECKING:
    from ccassure.services.axe_import import AxeImportResult
    from ccassure.ui.issue_log import IssueLogPanel
    from ccassure.ui.main_window import MainWindow

FORMATS = {"CSV, for any spreadsheet (*.csv)": "csv", "Excel workbook (*.xlsx)": "xlsx"}


def export_format(path: Path, chosen_filter: str) -> str:
    """The format the file name asks for, else the one chosen in the dialog."""
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in ("csv", "xlsx") else FORMATS.get(chosen_filter, "csv")


class IssueLogFiles(QObject):
    """Both run off the UI thread with progress in the status bar; the log is read again after
    an import."""

    def __init__(self, window: MainWindow, panel: IssueLogPanel, assessment_id: int) -> None:
        super().__init__(panel)
        self.window, self.panel, self.assessment_id = window, panel, assessment_id
        panel.export_requested.connect(self.export)
        panel.import_requested.connect(self.import_axe)

    def export(self) -> None:
        chosen, chosen_filter = QFileDialog.getSaveFileName(
            self.panel,
            "Save the issue log",
            f"issue-log-{self.assessment_id}.csv",
            ";;".join(FORMATS),
            options=QFileDialog.Option.DontUseNativeDialog,
        )
        if chosen:
            self.export_to(Path(chosen), export_format(Path(chosen), chosen_filter))

    def export_to(self, path: Path, fmt: str) -> None:
        """The dialog has asked before replacing a file, so an existing one is replaced."""
        context = self.window.context
        if context is None:
            return

        def work(control: TaskControl) -> int:
            return context.issue_export.export_issues(
                self.assessment_id,
                fmt,
                path,
                force=True,
                progress=lambda done, total: control.progress(100 * done // max(total, 1)),
            )

        self.window.say(f"Saving the issue log as {path.name}…")
        self.window.runner.run(
            f"save {path.name}",
            work,
            lambda count: self.window.say(f"Saved {count} issues to {path}"),
            self.window.report,
        )

    def import_axe(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self.panel,
            "Import axe-core results",
            "",
            "axe-core results (*.json);;All files (*)",
            options=QFileDialog.Option.DontUseNativeDialog,
        )
        if not chosen:
            return
        answer = QMessageBox.question(
            self.panel,
            "Results that need review",
            "Also import axe-core's “incomplete” results, as issues that need review?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        self.import_from(Path(chosen), answer == QMessageBox.StandardButton.Yes)

    def import_from(self, path: Path, include_incomplete: bool) -> None:
        from ccassure.services.axe_import import import_axe

        context = self.window.context
        if context is None:
            return
        self.window.say(f"Importing {path.name}…")
        self.window.runner.run(
            f"import {path.name}",
            lambda control: import_axe(
                context.assessments,
                self.assessment_id,
                path,
                include_incomplete,
                control.progress,
            ),
            self._imported,
            self.window.report,
            write=True,
        )

    def _imported(self, result: AxeImportResult) -> None:
        self.window.say(
            f"axe-core results: {result.created} issues created, {result.updated} updated, "
            f"{result.unchanged} unchanged, from {result.pages} pages"
        )
        self.panel.requery(force=True)


class IssueLinks(QObject):
    """The current issue to (or from) the disability line of an EIA of the programme."""

    def __init__(self, window: MainWindow, panel: IssueLogPanel, assessment_id: int) -> None:
        super().__init__(panel)
        self.window, self.panel, self.assessment_id = window, panel, assessment_id
        panel.link_requested.connect(self.choose)

    def choose(self) -> None:
        context, ref = self.window.context, self.panel.current_ref()
        if context is None or not ref:
            self.window.say("Choose an issue in the log first")
            return
        source = f"issue:{ref}"

        def read(_control: TaskControl) -> tuple[list[Any], set[str]]:
            targets = context.evaluations.link_targets(self.assessment_id)
            linked = {
                link.target_uid
                for link in context.evaluations.links(self.assessment_id)
                if link.source == source
            }
            return targets, linked

        self.window.runner.run(
            "read the EIAs", read, lambda found: self._ask(ref, *found), self.window.report
        )

    def _ask(self, ref: str, targets: list[Any], linked: set[str]) -> None:
        from PySide6.QtWidgets import QInputDialog

        if not targets:
            self.window.say("No EIA in this programme to link to")
            return
        choices = [
            (f"Remove the link to: {t.label}" if t.uid in linked else f"Link to: {t.label}", t)
            for t in targets
        ]
        text, chosen = QInputDialog.getItem(
            self.panel,
            f"Link {ref} to an EIA",
            f"{ref} bears on the disability line of:",
            [label for label, _ in choices],
            0,
            False,
        )
        if chosen:
            target = next(t for label, t in choices if label == text)
            self.toggle(ref, target.uid, target.uid in linked)

    def toggle(self, ref: str, target_uid: str, remove: bool) -> None:
        context = self.window.context
        if context is None:
            return
        change = context.evaluations.unlink if remove else context.evaluations.link
        self.window.runner.run(
            "link the issue",
            lambda _c: change(self.assessment_id, f"issue:{ref}", target_uid),
            lambda _r: self.window.say(
                f"{ref} {'no longer linked to' if remove else 'linked to'} the EIA's "
                "disability line"
            ),
            self.window.report,
            write=True,
        )
