"""Opening lists of items and the programme's actions: read off the UI thread, then shown."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject

from ccassure.domain.summary import ItemPage
from ccassure.services.item_query import ItemQuery
from ccassure.ui.actions_page import ActionsPage
from ccassure.ui.models import ItemsModel
from ccassure.ui.pages import ItemsPage

if TYPE_CHECKING:
    from ccassure.services.actions import ActionChoices
    from ccassure.ui.main_window import MainWindow

Fetch = Callable[[int, int], ItemPage]
Page = TypeVar("Page", bound=ItemsPage)


class ItemLists(QObject):
    """Glue between the list pages and the dashboard service; only the latest request shows."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    @cached_property
    def items_page(self) -> ItemsPage:
        return self._add(ItemsPage())

    @cached_property
    def actions_page(self) -> ActionsPage:
        page = self._add(ActionsPage())
        page.requery.connect(lambda query: self._read_actions(query, reveal=False))
        return page

    def _add(self, page: Page) -> Page:
        page.open_assessment.connect(self.window.open_assessment)
        page.back.connect(self.window.go_back)
        page.model.background = self._page_in_background
        self.window.pages.addWidget(page)
        return page

    def _fetcher(self, query: ItemQuery) -> Fetch | None:
        context, today = self.window.context, self.window.today()
        if context is None:
            return None
        return lambda offset, limit: context.dashboard.items(query, today, offset, limit)

    def open_items(self, query: ItemQuery) -> None:
        """The rows behind a dashboard figure, on the items page."""
        fetch = self._fetcher(query)
        if fetch is None:
            return
        token = self.window.new_request()
        self.window.runner.run(
            "list items",
            lambda _c: fetch(0, ItemsModel.PAGE),
            lambda page: self._items_read(query, page, fetch, token),
        )

    def _items_read(self, query: ItemQuery, page: ItemPage, fetch: Fetch, token: int) -> None:
        if not self.window.is_latest(token):
            return
        title = query.describe().capitalize()
        self.items_page.show_items(query.what, title, page, fetch)
        self.window.go_to(self.items_page, self.items_page.view)
        self.window.say(f"{title}: {page.total:,} items")

    def open_actions(self) -> None:
        """Every action of the programme, with the filters and sort last chosen."""
        self._read_actions(self.actions_page.query, reveal=True)

    def refresh_actions(self) -> None:
        if "actions_page" in self.__dict__ and self.actions_page.isVisible():
            self._read_actions(self.actions_page.query, reveal=False)

    def _read_actions(self, query: ItemQuery, reveal: bool) -> None:
        context, fetch = self.window.context, self._fetcher(query)
        if context is None or fetch is None:
            return
        token = self.window.new_request() if reveal else None

        def read(_control: object) -> tuple[ActionChoices, ItemPage]:
            return context.dashboard.action_choices(), fetch(0, ItemsModel.PAGE)

        self.window.runner.run(
            "list actions",
            read,
            lambda found: self._actions_read(query, found, fetch, token),
        )

    def _actions_read(
        self,
        query: ItemQuery,
        found: tuple[ActionChoices, ItemPage],
        fetch: Fetch,
        token: int | None,
    ) -> None:
        """Shown if still wanted; a token means the page is to be brought to the front."""
        if token is not None and not self.window.is_latest(token):
            return
        summary = self.actions_page.show_actions(query, *found, fetch)
        if token is not None:
            self.window.go_to(self.actions_page, self.actions_page.view)
        if summary and self.actions_page.isVisible():
            self.window.say(summary)

    def _page_in_background(
        self, work: Callable[[], ItemPage], deliver: Callable[[ItemPage], None]
    ) -> None:
        self.window.runner.run("more items", lambda _c: work(), deliver)
