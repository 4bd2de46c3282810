"""The main window: navigation on the left, dashboard or assessment in the middle."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from ccassure.domain.summary import ItemRow
from ccassure.services.item_query import ItemQuery
from ccassure.services.paths import AppPaths
from ccassure.ui.a11y import name
from ccassure.ui.backup_timer import BackupTimer
from ccassure.ui.errors import show_error
from ccassure.ui.menus import build_menus
from ccassure.ui.palette import apply_scheme
from ccassure.ui.settings import TEXT_SIZES, AppSettings
from ccassure.ui.status_area import StatusArea
from ccassure.ui.tasks import TaskControl, TaskRunner

if TYPE_CHECKING:
    from ccassure.services.context import Context
    from ccassure.services.dashboard import Dashboard
    from ccassure.ui.actions_page import ActionsPage
    from ccassure.ui.dashboard import DashboardPage
    from ccassure.ui.editing import EditingController
    from ccassure.ui.find import FindDialog
    from ccassure.ui.item_lists import ItemLists
    from ccassure.ui.navigation import NavigationPanel
    from ccassure.ui.pages import AssessmentPage, ItemsPage, ShownAssessment

Opener = Callable[[TaskControl], "Context"]


class MainWindow(QMainWindow):
    """Paints first, then opens the store in the background and fills itself in."""

    dashboard_shown = Signal()
    painted = Signal()  # once, just after the window first paints

    def __init__(
        self,
        settings: AppSettings,
        runner: TaskRunner,
        log_path: Path,
        today: Callable[[], date] = date.today,
        paths: AppPaths | None = None,
    ) -> None:
        super().__init__()
        self.paths = paths
        self.settings, self.runner, self.log_path, self._today = settings, runner, log_path, today
        self.context: Context | None = None
        self._painted = False
        self._closing = False
        self._page_request = 0  # only the latest request may change the main area
        self._history: list[tuple[QWidget, QWidget | None]] = []
        self.fallback: Callable[[], None] | None = None
        self.current_opening: tuple[Opener, str] | None = None
        self.base_point_size = QApplication.font().pointSizeF()
        self.system_palette = QApplication.palette()
        app = QApplication.instance()
        style = app.style() if isinstance(app, QApplication) else None
        self.system_style = style.name() if style is not None else "Fusion"
        self.setWindowTitle("ccassure")
        name(self, "ccassure", "Compliance assurance for the C&C replacement programme")
        self.pages = QStackedWidget()
        self.loading = QLabel("Opening the store…")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.loading.setWordWrap(True)
        self.pages.addWidget(self.loading)
        self.setCentralWidget(self.pages)
        self.dock = QDockWidget("Navigation", self)
        self.dock.setObjectName("navigation")
        title = QLabel("<b>Navigation</b>")  # rich text keeps the palette and the text size
        title.setContentsMargins(8, 4, 8, 4)
        self.dock.setTitleBarWidget(title)
        self.dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
        self.status_area = StatusArea(self.statusBar(), runner)
        self.status = self.status_area.label
        self.progress, self.cancel_button = self.status_area.progress, self.status_area.cancel
        self.find_dialog: FindDialog | None = None  # built on first Ctrl+F
        self.export_folder: Path | None = None  # where the last report was exported
        self.actions_by_name = build_menus(self)
        self.backup_timer = BackupTimer(self)  # automatic backups of the open store
        self.runner.task_failed.connect(lambda exc, _label: self.report(exc))
        geometry, state = settings.window_state()
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            screen = QApplication.primaryScreen()
            area = screen.availableGeometry() if screen is not None else None
            if area is not None:
                self.resize(int(area.width() * 0.92), int(area.height() * 0.92))
        if state is None or not self.restoreState(state):
            self.resizeDocks([self.dock], [380], Qt.Orientation.Horizontal)
        self.apply_text_size(settings.text_size)
        if settings.colour_scheme != "system":
            self.set_scheme(settings.colour_scheme)

    # The panes are built on first use, after the window has painted (fast start).
    @cached_property
    def navigation(self) -> NavigationPanel:
        from ccassure.ui.navigation import NavigationPanel

        panel = NavigationPanel()
        panel.open_assessment.connect(self.open_assessment)
        self.dock.setWidget(panel)
        return panel

    @cached_property
    def dashboard(self) -> DashboardPage:
        from ccassure.ui.dashboard import DashboardPage

        page = DashboardPage()
        page.open_assessment.connect(self.open_assessment)
        page.open_items.connect(self.open_items)
        self.pages.addWidget(page)
        return page

    @cached_property
    def lists(self) -> ItemLists:
        from ccassure.ui.item_lists import ItemLists

        return ItemLists(self)

    @property
    def items(self) -> ItemsPage:
        return self.lists.items_page

    @property
    def all_actions(self) -> ActionsPage:
        return self.lists.actions_page

    @cached_property
    def editing(self) -> EditingController:
        from ccassure.ui.editing import EditingController

        return EditingController(self)

    @cached_property
    def assessment(self) -> AssessmentPage:
        from ccassure.ui.audit_view import open_audit_trail
        from ccassure.ui.export_flow import start_export
        from ccassure.ui.package_send import start_pack
        from ccassure.ui.pages import AssessmentPage
        from ccassure.ui.signoff_dialog import start_signoff
        from ccassure.ui.workflow_steps import start_new_version, withdraw_from_review

        page = AssessmentPage()
        page.back.connect(self.go_back)
        page.edit.connect(self.editing.edit)
        page.sign_off.connect(lambda ident: start_signoff(self, ident))
        page.withdraw.connect(lambda ident: withdraw_from_review(self, ident))
        page.new_version.connect(lambda ident: start_new_version(self, ident))
        page.export.connect(lambda ident: start_export(self, ident))
        page.audit.connect(lambda ident: open_audit_trail(self, ident))
        page.pack.connect(lambda ident: start_pack(self, ident))
        self.pages.addWidget(page)
        return page

    # --- store and data -------------------------------------------------------------------
    def choose_store(self, choice: str) -> None:
        """File → New / Open / demo: pick a store, remember it, and open it."""
        if self.paths is None:
            return
        from ccassure.ui.store_choice import choose_store

        found = choose_store(self, self.paths, self.settings, choice)
        if found is not None:
            self.open_store(*found)

    def open_store(self, opener: Opener, label: str) -> None:
        """Open (and read) the store in one background task, then show what it holds."""
        self.say(f"Opening {label}…")
        self.current_opening = (opener, label)
        today = self._today()

        def work(control: TaskControl) -> tuple[Context, tuple[Any, Dashboard]]:
            context = opener(control)
            try:
                return context, _read(context, today)
            except BaseException:
                context.close()
                raise

        self.runner.run(f"open {label}", work, self._store_opened, self._store_failed, write=True)

    def _store_opened(self, result: tuple[Context, tuple[Any, Dashboard]]) -> None:
        context, data = result
        if self._closing:  # opened while the window was closing: let it go again
            context.close()
            return
        if self.context is not None:
            self.context.close()
        self.context = context
        self.settings.store = context.store.path  # remembered once it has opened
        self.setWindowTitle(f"ccassure — {context.store.path.name}")
        self._loaded(data)

    def _store_failed(self, error: BaseException) -> None:
        from ccassure.ui.store_unlock import unlock_and_retry

        if unlock_and_retry(self, self.current_opening, error):
            return
        self.loading.setText(f"The store could not be opened.\n\n{error}")
        self.report(error)
        if self.context is None and self.fallback is not None:
            self.last_error_box.finished.connect(lambda _result: self._fall_back())

    def _fall_back(self) -> None:
        fallback, self.fallback = self.fallback, None
        if fallback is not None and self.context is None:
            fallback()

    def refresh(self, quiet: bool = False) -> None:
        """Read the store again; `quiet` when another announcement is on its way."""
        context = self.context
        if context is None:
            return
        today = self._today()
        self.runner.run(
            "read the store",
            lambda _control: _read(context, today),
            lambda result: self._loaded(result, quiet),
        )
        self.lists.refresh_actions()

    def _loaded(self, result: tuple[Any, Dashboard], quiet: bool = False) -> None:
        summaries, data = result
        programme = summaries[0].programme if summaries else "No assessments yet"
        self.dashboard.show_dashboard(data, programme)
        if self.pages.currentWidget() is self.loading:
            self.pages.setCurrentWidget(self.dashboard)
            focused = QApplication.focusWidget()
            if focused is None or not self.isAncestorOf(focused):
                self.dashboard.matrix_view.setFocus(Qt.FocusReason.OtherFocusReason)
        self.dashboard_shown.emit()
        self.navigation.load(summaries, data.today)
        if not quiet:
            self.say(f"{len(summaries)} assessments loaded")

    def open_assessment(self, assessment_id: int, announce: str = "") -> None:
        """Show an assessment read-only; `announce` is said once it shows (else its title)."""
        context = self.context
        if context is None:
            return

        def load(_control: TaskControl) -> ShownAssessment:
            from ccassure.ui.document_html import document_html
            from ccassure.ui.pages import ShownAssessment

            document = context.assessments.document(assessment_id)
            template = context.assessments.template_for(document)
            html = document_html(document, template, context.signoffs.views_of(document))
            header = document.assessment
            latest = max(v.version for v in context.assessments.versions(assessment_id))
            return ShownAssessment(
                assessment_id, header.title, html, header.status, header.version, latest
            )

        token = self.new_request()
        self.runner.run(
            "open an assessment",
            load,
            lambda result: self._assessment_loaded(result, token, announce),
        )

    def _assessment_loaded(self, shown: ShownAssessment, token: int, announce: str = "") -> None:
        if not self.is_latest(token):
            return  # the user has asked for something else since
        self.assessment.show_assessment(shown)
        self.go_to(self.assessment, self.assessment.view)
        self.navigation.select(shown.assessment_id)
        self.say(announce or f"Opened {shown.title}")

    def open_items(self, query: ItemQuery) -> None:
        self.lists.open_items(query)

    def open_all_actions(self) -> None:
        self.lists.open_actions()

    def today(self) -> date:
        return self._today()

    def new_request(self) -> int:
        """A token for a page about to be read; only the latest may change the main area."""
        self._page_request += 1
        return self._page_request

    def is_latest(self, token: int) -> bool:
        return token == self._page_request

    def go_to(self, page: QWidget, focus: QWidget) -> None:
        """Show a page; the page left (and where its focus was) goes on the Back history."""
        current = self.pages.currentWidget()
        if current is not None and current is not page and current is not self.loading:
            self._history.append((current, QApplication.focusWidget()))
        self.pages.setCurrentWidget(page)
        focus.setFocus(Qt.FocusReason.OtherFocusReason)

    def go_back(self) -> None:
        """Back to the page before, with the focus where it was."""
        self.new_request()
        if not self._history:
            self.show_dashboard()
            return
        page, focus = self._history.pop()
        self.pages.setCurrentWidget(page)
        self._restore_focus(page, focus)
        self.say(f"Back to {page.accessibleName() or 'the previous page'}")

    def _restore_focus(self, page: QWidget, focus: QWidget | None) -> None:
        alive = focus is not None and (page is focus or page.isAncestorOf(focus))
        target = focus if alive and focus is not None else self._main_focus()
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        if page is self.dashboard:
            self.dashboard.ensureWidgetVisible(target)

    def show_dashboard(self) -> None:
        if self.context is None:
            return
        self.new_request()
        remembered = next((f for p, f in self._history if p is self.dashboard), None)
        self._history.clear()
        self.pages.setCurrentWidget(self.dashboard)
        self._restore_focus(self.dashboard, remembered)
        self.say("Dashboard")

    def show_find(self) -> None:
        if self.find_dialog is None:
            from ccassure.ui.find import FindDialog

            self.find_dialog = FindDialog(self._search, self)
            self.find_dialog.open_assessment.connect(self.open_assessment)
            # F6, Ctrl+1 and the rest work in the Find window too.
            self.find_dialog.addActions(list(self.actions_by_name.values()))
        self.find_dialog.show()
        self.find_dialog.raise_()
        self.find_dialog.activateWindow()
        self.find_dialog.query.setFocus()
        self.find_dialog.query.selectAll()

    def show_templates(self) -> None:
        from ccassure.ui.template_library import open_template_library

        open_template_library(self)

    def preview_report(self) -> None:
        from ccassure.ui.report_preview import open_report_preview

        open_report_preview(self)

    def export_report(self) -> None:
        from ccassure.ui.export_flow import export_shown

        export_shown(self)

    def show_governance(self) -> None:
        from ccassure.ui.governance_window import open_governance

        open_governance(self)

    def _search(self, text: str, done: Callable[[list[ItemRow]], None]) -> None:
        context = self.context
        if context is not None:
            self.runner.run("find", lambda _c: context.dashboard.search(text), done)

    # --- view -----------------------------------------------------------------------------
    def cycle_pane(self, step: int) -> None:
        panes: list[QWidget] = [self.navigation.tree, self._main_focus()]
        if self.find_dialog is not None and self.find_dialog.isVisible():
            panes.append(self.find_dialog.query)
        focused = QApplication.focusWidget()
        current = next(
            (
                i
                for i, p in enumerate(panes)
                if focused is not None and (p is focused or p.isAncestorOf(focused))
            ),
            -1,
        )
        target = panes[(current + step) % len(panes)]
        target.activateWindow()
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _main_focus(self) -> QWidget:
        page = self.pages.currentWidget()
        target = getattr(page, "focus_target", None)
        return target if isinstance(target, QWidget) else page or self.pages

    def apply_text_size(self, percent: int) -> None:
        font = QApplication.font()
        font.setPointSizeF(self.base_point_size * percent / 100)
        QApplication.setFont(font)
        self.settings.text_size = percent
        self.say(f"Text size {percent}%")

    def set_scheme(self, scheme: str) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_scheme(app, scheme, self.system_palette, self.system_style)
        self.settings.colour_scheme = scheme
        self.refresh()
        self.say(f"Colour scheme: {scheme}")

    def step_text(self, step: int) -> None:
        current = self.settings.text_size
        position = TEXT_SIZES.index(current) if current in TEXT_SIZES else 0
        self.apply_text_size(TEXT_SIZES[max(0, min(len(TEXT_SIZES) - 1, position + step))])

    def say(self, message: str) -> None:
        """Status bar text and a screen-reader announcement of the same."""
        self.status_area.say(message)
        if self.pages.currentWidget() is self.loading:
            self.loading.setText(message)

    def report(self, error: BaseException) -> None:
        self.say(f"Problem: {error}")
        self.last_error_box = show_error(self, error, self.log_path)

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            QTimer.singleShot(0, self.painted.emit)
        return handled

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closing = True
        self.settings.save_window_state(self.saveGeometry(), self.saveState())
        self.runner.cancel_reads()
        self.runner.wait(3_000)
        if self.context is not None:
            self.context.close()
        if self.paths is not None:  # copies of attachments opened in other programs go too
            from ccassure.services.files import clear_opened
            from ccassure.ui.editing import OPENED_FOLDER

            clear_opened(self.paths.data_dir / OPENED_FOLDER)
        super().closeEvent(event)


def _read(context: Context, today: date) -> tuple[Any, Dashboard]:
    """Everything the navigation and the dashboard show, read in one go off the UI thread."""
    return context.assessments.list_summaries(), context.dashboard.build(today)
