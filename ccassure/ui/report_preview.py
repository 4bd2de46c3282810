"""Preview report: the current assessment's report as it will be exported, and Save as HTML."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ccassure.ui.a11y import announce, name
from ccassure.ui.tasks import TaskControl

if TYPE_CHECKING:
    from ccassure.services.context import Context
    from ccassure.ui.main_window import MainWindow

PREVIEW_KEY = "Ctrl+Shift+P"


def ask_html_path(parent: QWidget, suggested: str) -> Path | None:
    chosen, _ = QFileDialog.getSaveFileName(
        parent,
        "Save the report as HTML",
        suggested,
        "HTML pages (*.html)",
        options=QFileDialog.Option.DontUseNativeDialog,
    )
    return Path(chosen) if chosen else None


class ReportPreview(QDialog):
    """Read-only, keyboard only: Tab to the buttons, Esc or Close to leave."""

    def __init__(self, window: MainWindow, context: Context, assessment_id: int) -> None:
        super().__init__(window)
        self.window_ = window
        self.context = context
        self.assessment_id = assessment_id
        self.html = ""
        self.title = ""
        self.ask_path: Callable[[QWidget, str], Path | None] = ask_html_path
        self.setWindowTitle("Preview report")
        name(self, "Preview report", "The report as it will be exported; Esc closes")
        layout = QVBoxLayout(self)
        self.status = QLabel("Building the report…")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.status)
        self.view = QTextBrowser()
        self.view.setOpenLinks(False)  # in-page links only; nothing is ever loaded
        self.view.setOpenExternalLinks(False)
        self.view.setTabChangesFocus(True)
        self.view.anchorClicked.connect(self._anchor)
        name(self.view, "Report", "The report, read-only; Tab moves to the buttons")
        layout.addWidget(self.view, 1)
        buttons = QDialogButtonBox()
        self.save_button = QPushButton("Save as &HTML…")
        name(self.save_button, "Save as HTML", "Write this report to an HTML file")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save_html)
        self.export_button = QPushButton("&Export…")
        name(
            self.export_button, "Export", "Export this report as PDF (signed or not), HTML or JSON"
        )
        self.export_button.clicked.connect(self.export)
        self.close_button = QPushButton("&Close")
        name(self.close_button, "Close", "Close the preview (Esc)")
        self.close_button.clicked.connect(self.reject)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(buttons)
        self.resize(window.width() * 3 // 4 or 900, window.height() * 9 // 10 or 700)
        self.load()

    def load(self) -> None:
        context, ident = self.context, self.assessment_id

        def work(control: TaskControl) -> tuple[str, str, int]:
            from ccassure.reports.html import render_html

            report = context.reports.report(ident)
            control.check()
            return report.title, render_html(report), len(report.sections)

        self.window_.runner.run("build the report", work, self._loaded, self._failed)

    def _loaded(self, result: tuple[str, str, int]) -> None:
        self.title, self.html, sections = result
        self.view.setHtml(self.html)
        self.setWindowTitle(f"Preview report — {self.title}")
        name(self.view, f"Report: {self.title}", "The report, read-only")
        self.save_button.setEnabled(True)
        self._say(
            f"Report of {self.title}: {sections} sections. "
            "Tab moves through the contents, then to Save as HTML."
        )
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _failed(self, error: BaseException) -> None:
        self._say(f"The report could not be built: {error}")
        self.window_.report(error)

    def _anchor(self, url: QUrl) -> None:
        if url.hasFragment() and not url.scheme() and not url.path():
            self.view.scrollToAnchor(url.fragment())

    def export(self) -> None:
        from ccassure.ui.export_flow import start_export

        start_export(self.window_, self.assessment_id, self)

    def save_html(self) -> None:
        if not self.html:
            return
        suggested = "".join(c if c.isalnum() or c in " -_" else "-" for c in self.title)
        path = self.ask_path(self, f"{suggested.strip() or 'report'}.html")
        if path is None:
            return
        context, text = self.context, self.html
        self.window_.runner.run(
            "save the report",
            lambda _control: context.reports.save_html(text, path, force=True),
            lambda _result: self._say(f"Saved the report to {path}"),
            self._failed_save,
        )

    def _failed_save(self, error: BaseException) -> None:
        self._say(f"The report was not saved: {error}")
        self.window_.report(error)

    def _say(self, message: str) -> None:
        self.status.setText(message)
        announce(self.status, message)
        self.window_.say(message)


def open_report_preview(window: MainWindow) -> ReportPreview | None:
    """For the assessment shown (its page or its editor); says so when there is none."""
    page = window.pages.currentWidget()
    ident = int(getattr(page, "assessment_id", 0) or 0)
    if window.context is None or not ident:
        window.say("Open an assessment first: the preview shows the report of the one shown.")
        return None
    preview = ReportPreview(window, window.context, ident)
    preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    preview.show()
    preview.raise_()
    preview.activateWindow()
    return preview
