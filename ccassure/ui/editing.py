"""Opening an assessment for editing, saving each change, and submitting it for review."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from ccassure.domain.document import Attachment, Response
from ccassure.ui.editor import EditorPage
from ccassure.ui.tasks import TaskControl

if TYPE_CHECKING:
    from ccassure.domain.document import AssessmentDocument
    from ccassure.domain.templates import Template
    from ccassure.services.context import Context
    from ccassure.ui.evaluation_sections import EvaluationEditing
    from ccassure.ui.issue_log import IssueSource, Task, Work
    from ccassure.ui.main_window import MainWindow


OPENED_FOLDER = "opened"  # private copies of attachments opened in the system's viewer


class EditingController(QObject):
    """Glue between the editor page and the services: every change is a serialised write."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.failures = 0
        self._latest: dict[tuple[int, str], Response] = {}
        self._in_flight: set[tuple[int, str]] = set()

    @cached_property
    def evaluations(self) -> EvaluationEditing:
        from ccassure.ui.evaluation_sections import EvaluationEditing

        return EvaluationEditing(self)

    @cached_property
    def page(self) -> EditorPage:
        page = EditorPage()
        page.save.connect(self.save)
        page.save_risk.connect(
            lambda ident, risk: self.write(lambda c: c.assessments.put_risk(ident, risk))
        )
        page.remove_risk.connect(
            lambda ident, ref: self.write(lambda c: c.assessments.remove_risk(ident, ref))
        )
        page.save_impact.connect(
            lambda ident, impact: self.write(lambda c: c.assessments.put_impact(ident, impact))
        )
        page.save_action.connect(
            lambda ident, action: self.write(lambda c: c.assessments.put_action(ident, action))
        )
        page.remove_action.connect(
            lambda ident, ref: self.write(lambda c: c.assessments.remove_action(ident, ref))
        )
        page.save_custom_item.connect(
            lambda ident, item: self.write(lambda c: c.assessments.put_custom_item(ident, item))
        )
        page.remove_custom_item.connect(
            lambda ident, key: self.write(lambda c: c.assessments.remove_custom_item(ident, key))
        )
        page.submit.connect(self.submit)
        page.back.connect(self._leave)
        page.attach_file.connect(self.attach_file)
        page.save_copy.connect(self.save_copy)
        page.open_attachment.connect(self.open_attachment)
        page.save_attachment.connect(
            lambda ident, item: self.write(lambda c: c.assessments.add_attachment(ident, item))
        )
        page.remove_attachment.connect(
            lambda ident, item: self.write(lambda c: c.assessments.remove_attachment(ident, item))
        )
        self.window.pages.addWidget(page)
        return page

    def edit(self, assessment_id: int, announce: str = "") -> None:
        """Open the editor on an assessment; `announce` is said once it shows."""
        context = self.window.context
        if context is None:
            return

        def load(_control: TaskControl) -> tuple[AssessmentDocument, Template, bool]:
            from ccassure.domain.workflow import EDITABLE

            document = context.assessments.document(assessment_id, with_issues=False)
            template = context.assessments.template_for(document)
            return document, template, document.assessment.status in EDITABLE

        self.window.runner.run("open the editor", load, lambda r: self._loaded(r, announce))

    def _loaded(
        self, result: tuple[AssessmentDocument, Template, bool], announce: str = ""
    ) -> None:
        document, template, editable = result
        self.page.load(document, template, editable, self.window.today())
        self.evaluations.loaded(document)
        if self.page.issue_log is not None:
            from ccassure.ui.issue_log_files import IssueLinks, IssueLogFiles

            ident = document.assessment.id or 0
            self.page.issue_log.attach(self.issue_source(ident))
            self.issue_files = IssueLogFiles(self.window, self.page.issue_log, ident)
            self.issue_links = IssueLinks(self.window, self.page.issue_log, ident)
        self.window.go_to(self.page, self.page.sections)
        self.window.say(
            announce
            or (
                f"Editing {document.assessment.title}"
                if editable
                else f"{document.assessment.title} is not editable in this state"
            )
        )

    def save(self, assessment_id: int, response: Response) -> None:
        """Save at once; while a save of the same item is under way, only the newest waits."""
        key = (assessment_id, response.item)
        self._latest[key] = response
        if key not in self._in_flight:
            self._start(key)

    def _start(self, key: tuple[int, str]) -> None:
        context = self.window.context
        if context is None:
            return
        response = self._latest[key]
        self._in_flight.add(key)
        self.window.runner.run(
            "save an answer",
            lambda _c: context.assessments.set_response(key[0], response),
            lambda _result: self._saved(key, response),
            lambda error: self._save_failed(key, error),
            write=True,
        )

    def _saved(self, key: tuple[int, str], response: Response) -> None:
        self._in_flight.discard(key)
        if self._latest.get(key) != response:
            self._start(key)  # typed on while it was saving: save the newest too
        else:
            self._latest.pop(key, None)
            self.window.say("Saved")

    def _save_failed(self, key: tuple[int, str], error: BaseException) -> None:
        self._in_flight.discard(key)
        self._latest.pop(key, None)
        self.failed(error)

    def write(self, change: Callable[[Context], object]) -> None:
        """One change on the write worker; 'Saved' when done, the error reported if not."""
        context = self.window.context
        if context is not None:
            self.window.runner.run(
                "save a change",
                lambda _c: change(context),
                lambda _r: self.window.say("Saved"),
                self.failed,
                write=True,
            )

    def issue_source(self, assessment_id: int) -> IssueSource:
        """The issue log's way to the issue service: reads on the pool, writes on the worker."""
        from ccassure.ui.issue_log import IssueSource

        return IssueSource(
            assessment_id,
            self._issue_task(write=False),
            self._issue_task(write=True),
            self.failed,
            self.window.say,
            self.window.today,
        )

    def _issue_task(self, write: bool) -> Task:
        def run(
            label: str,
            work: Work,
            done: Callable[[Any], None],
            failed: Callable[[BaseException], None] | None,
        ) -> None:
            context = self.window.context
            if context is not None:
                self.window.runner.run(
                    label,
                    lambda _c: work(context.issues),
                    done,
                    failed or self.failed,
                    write=write,
                )

        return run

    def attach_file(self, path: Path) -> None:
        """Read and hash the file off the UI thread (with progress), then attach it."""
        from ccassure.services.files import read_attachment

        self.window.say(f"Reading {path.name}…")
        self.window.runner.run(
            f"read {path.name}",
            lambda control: read_attachment(path, control.progress, lambda: control.cancelled),
            self.page.attachments.attach,
            self.failed,
        )

    def save_copy(self, attachment: Attachment, path: Path) -> None:
        from ccassure.services.files import write_attachment

        self.window.runner.run(
            f"save {path.name}",
            lambda _c: write_attachment(attachment, path),
            lambda _r: self.window.say(f"Saved a copy as {path}"),
            self.failed,
        )

    def open_attachment(self, attachment: Attachment) -> None:
        """Write a private copy (off the UI thread) and hand it to the system's viewer."""
        from ccassure.services.files import opened_copy

        paths = self.window.paths
        if paths is None:
            return
        self.window.runner.run(
            f"open {attachment.name}",
            lambda _c: opened_copy(attachment, paths.data_dir / OPENED_FOLDER),
            self._show_file,
            self.failed,
        )

    def _show_file(self, path: Path) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self.window.say(f"Opened {path.name}")
        else:
            self.window.say(f"No program is set up to open {path.name}; use Save a copy")

    def failed(self, error: BaseException) -> None:
        self.failures += 1
        self.window.report(error)

    def submit(self, assessment_id: int) -> None:
        context = self.window.context
        if context is None:
            return
        self.window.runner.run(
            "submit for review",
            lambda _c: context.assessments.transition(assessment_id, "submit"),
            lambda _status: self._submitted(assessment_id),
            self.failed,
            write=True,
        )

    def _submitted(self, assessment_id: int) -> None:
        self.window.say("Submitted for review")
        self.window.refresh(quiet=True)
        self.edit(assessment_id)

    def _leave(self) -> None:
        self.page.flush()
        self.window.go_back()
