"""Changes made from the issue log: quick add, an issue's window, retests, bulk status."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QIODevice, QObject, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog

from ccassure.domain.document import Attachment, Issue, Retest
from ccassure.domain.issue_log import Facets, log_row
from ccassure.services.errors import ServiceError
from ccassure.ui.issue_detail import OUTCOME_LABELS, IssueDialog
from ccassure.ui.issue_dialogs import QuickAddDialog, RetestDialog, StatusDialog
from ccassure.ui.models import STATUS_LABELS

if TYPE_CHECKING:
    from ccassure.ui.issue_log import IssueLogPanel, IssueSource


class IssueLogEditing(QObject):
    """Owns the log's windows; saves of one issue coalesce (only the newest waits)."""

    def __init__(self, panel: IssueLogPanel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.source: IssueSource | None = None
        self.quick: QuickAddDialog | None = None
        self.detail: IssueDialog | None = None
        self.tester = ""
        self.suggestions: dict[str, list[str]] = {}
        self._latest: dict[str, Issue] = {}
        self._in_flight: set[str] = set()
        self._saved_any = False
        panel.add_button.clicked.connect(self.quick_add)
        panel.open_button.clicked.connect(self.open_current)
        panel.retest_button.clicked.connect(self.retest_current)
        panel.status_button.clicked.connect(self.set_status_of_selected)

    def attach(self, source: IssueSource) -> None:
        self.source = source

    def close_windows(self) -> None:
        for window in (self.quick, self.detail):
            if window is not None:
                window.close()

    def suggest(self, facets: Facets) -> None:
        """Assistive technologies and screens already in the log, offered while typing."""
        for field in ("assistive_tech", "screen"):
            known = set(self.suggestions.get(field, ())) | {v for v, _ in facets.get(field, ())}
            self.suggestions[field] = sorted(known, key=str.casefold)
        if self.quick is not None:
            for field, values in self.suggestions.items():
                self.quick.fields.suggest(field, values)

    def _say(self, text: str) -> None:
        if self.source is not None:
            self.source.say(text)

    def _refuse_read_only(self) -> bool:
        if not self.panel.editable:
            self._say("This version is read-only: its issues cannot be changed")
        return not self.panel.editable

    # --- quick add -------------------------------------------------------------------------
    def quick_add(self) -> None:
        if self._refuse_read_only() or self.source is None:
            return
        if self.quick is None:
            self.quick = QuickAddDialog(self.panel.known, self.panel)
            self.quick.submitted.connect(self._add)
            self.quick.finished.connect(lambda _result: self._back_to_log())
            for field, values in self.suggestions.items():
                self.quick.fields.suggest(field, values)
        self.quick.start()

    def _add(self, draft: Issue) -> None:
        source = self.source
        if source is None:
            return
        source.write(
            "add an issue",
            lambda s: s.add(source.assessment_id, draft),
            self._added,
            lambda error: self._add_refused(draft, error),
        )

    def _added(self, issue: Issue) -> None:
        if self.quick is not None:
            self.quick.added(issue)
        self.panel.requery(force=True)

    def _add_refused(self, draft: Issue, error: BaseException) -> None:
        if self.quick is not None:
            self.quick.refused(draft, str(error))
        if not isinstance(error, ServiceError) and self.source is not None:
            self.source.report(error)

    def _back_to_log(self) -> None:
        self.panel.window().activateWindow()
        self.panel.view.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- the issue's own window ------------------------------------------------------------
    def _read_issue(self, ref: str, then: Callable[[Issue], None]) -> None:
        source = self.source
        if source is None or not ref:
            self._say("Choose an issue first")
            return
        source.read(
            f"read {ref}",
            lambda s: s.get(source.assessment_id, ref),
            lambda issue: None if self.panel.retired else then(self._newest(issue)),
            None,
        )

    def _newest(self, issue: Issue) -> Issue:
        """A save still on its way is newer than what the store holds."""
        return self._latest.get(issue.ref, issue)

    def open_current(self) -> None:
        self._read_issue(self.panel.current_ref(), self._show_detail)

    def _show_detail(self, issue: Issue) -> None:
        names = {sha: a.name for sha, a in self.panel.attachments.items()}
        dialog = IssueDialog(issue, self.panel.known, names, self.panel.editable, self.panel)
        dialog.changed.connect(self.save)
        dialog.paste_screenshot.connect(self.paste_screenshot)
        dialog.open_screenshot.connect(self._open_screenshot)
        dialog.retest.connect(lambda _ref: self._ask_retest(dialog.issue))
        dialog.finished.connect(lambda _result: self._detail_closed(dialog))
        self.detail = dialog
        dialog.open()

    def _detail_closed(self, dialog: IssueDialog) -> None:
        if self.detail is dialog:
            self.detail = None
        dialog.deleteLater()
        self._back_to_log()
        if self._saved_any:
            self._saved_any = False
            self.panel.requery(force=True)

    def save(self, issue: Issue) -> None:
        """Save at once; while a save of the same issue is under way, only the newest waits."""
        self._latest[issue.ref] = issue
        if issue.ref not in self._in_flight:
            self._start_save(issue.ref)

    def _start_save(self, ref: str) -> None:
        source, issue = self.source, self._latest[ref]
        if source is None:
            return
        self._in_flight.add(ref)
        source.write(
            f"save {ref}",
            lambda s: s.save(source.assessment_id, issue),
            lambda _result: self._saved(issue),
            lambda error: self._save_failed(ref, error),
        )

    def _saved(self, issue: Issue) -> None:
        self._in_flight.discard(issue.ref)
        if self._latest.get(issue.ref) != issue:
            self._start_save(issue.ref)  # typed on while it was saving: save the newest too
            return
        self._latest.pop(issue.ref, None)
        self._saved_any = True
        self.panel.model.replace(log_row(issue))
        self._say("Saved")

    def _save_failed(self, ref: str, error: BaseException) -> None:
        self._in_flight.discard(ref)
        self._latest.pop(ref, None)
        if self.source is not None:
            self.source.report(error)

    # --- retests ---------------------------------------------------------------------------
    def retest_current(self) -> None:
        if not self._refuse_read_only():
            self._read_issue(self.panel.current_ref(), self._ask_retest)

    def _ask_retest(self, issue: Issue) -> None:
        source = self.source
        if source is None:
            return
        parent = self.detail if self.detail is not None else self.panel
        dialog = RetestDialog(issue, self.tester, source.today(), parent)
        dialog.accepted.connect(lambda: self._retest(issue.ref, dialog.retest()))
        dialog.finished.connect(lambda _result: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: QDialog) -> None:
        """Back to where the dialog was opened from, with the focus where it was."""
        dialog.deleteLater()
        detail = self.detail
        if detail is not None and dialog.parent() is detail:
            detail.activateWindow()
            detail.retest_button.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self._back_to_log()

    def _retest(self, ref: str, retest: Retest) -> None:
        source = self.source
        if source is None:
            return
        self.tester = retest.tester
        source.write(
            f"retest {ref}",
            lambda s: s.add_retest(source.assessment_id, ref, retest),
            self._retested,
            None,
        )

    def _retested(self, issue: Issue) -> None:
        retest = issue.retests[-1]
        if self.detail is not None and self.detail.issue.ref == issue.ref:
            self.detail.show_issue(issue)
        self.panel.model.replace(log_row(issue))
        outcome = OUTCOME_LABELS.get(retest.outcome, retest.outcome).lower()
        status = STATUS_LABELS.get(issue.status, issue.status).lower()
        self._say(f"Retest of {issue.ref} recorded: {outcome}; the issue is now {status}")
        self.panel.requery(force=True)

    # --- one status for several ------------------------------------------------------------
    def set_status_of_selected(self) -> None:
        if self._refuse_read_only() or self.source is None:
            return
        refs = self.panel.selected_refs() or [r for r in [self.panel.current_ref()] if r]
        if not refs:
            self._say("Choose issues first: Shift or Ctrl with the arrows, and Space")
            return
        dialog = StatusDialog(len(refs), self.panel)
        dialog.accepted.connect(
            lambda: self._set_status(refs, dialog.status.currentData(), dialog.reason.text())
        )
        dialog.finished.connect(lambda _result: self._closed(dialog))
        dialog.open()

    def _set_status(self, refs: list[str], status: str, reason: str) -> None:
        source = self.source
        if source is None:
            return
        source.write(
            "set the status of issues",
            lambda s: s.set_status(source.assessment_id, refs, status, reason),
            lambda count: self._statuses_set(count, status),
            None,
        )

    def _statuses_set(self, count: int, status: str) -> None:
        label = STATUS_LABELS.get(status, status).lower()
        self._say(f"{count:,} issue{'s' if count != 1 else ''} set to {label}")
        self.panel.requery(force=True)

    # --- screenshots -----------------------------------------------------------------------
    def paste_screenshot(self, ref: str) -> None:
        image = QGuiApplication.clipboard().image()
        if image.isNull():
            if self.detail is not None:
                self.detail.say("The clipboard holds no image: copy a screenshot first.")
            return
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs want bytes; Qt wants str
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        shot = Attachment.of(f"{ref}-{stamp}.png", "image/png", bytes(buffer.data().data()))
        source = self.source
        if source is None:
            return
        source.write(
            f"keep a screenshot of {ref}",
            lambda s: s.attach_screenshot(source.assessment_id, ref, shot),
            lambda issue: self._screenshot_kept(issue, shot),
            None,
        )

    def _screenshot_kept(self, issue: Issue, shot: Attachment) -> None:
        self.panel.keep_attachment(shot)
        if self.detail is not None and self.detail.issue.ref == issue.ref:
            self.detail.names[shot.sha256] = shot.name
            self.detail.show_issue(issue)
            self.detail.say(f"Screenshot {shot.name} kept with {issue.ref}")
        self._say(f"Screenshot kept with {issue.ref}")

    def _open_screenshot(self, sha256: str) -> None:
        attachment = self.panel.attachments.get(sha256)
        if attachment is not None:
            self.panel.open_attachment.emit(attachment)
