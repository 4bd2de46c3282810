"""Every Qt item model the app uses, checked by pytest-qt's model tester on real demo data.

qtmodeltester.check() attaches Qt's own QAbstractItemModelTester, which reports a broken
model contract as a "FAIL!" warning in the qt.modeltest category and keeps watching the
model as it is reset, paged and filtered. pytest-qt fails a test that logged one at its end;
`checker` also asserts there are none right after each change (so the failure points at the
change), and runs pytest-qt's Python tester too (which asserts directly).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QStandardItemModel
from pytestqt.modeltest import ModelTester

from ccassure.domain.summary import AssessmentSummary, ItemPage
from ccassure.domain.templates import KINDS
from ccassure.services.context import Context, build_demo_context
from ccassure.services.dashboard import Dashboard
from ccassure.services.demo import SYNTHETIC_FIRST_REF, add_synthetic_issues
from ccassure.services.item_query import ISSUE_STATUSES, SEVERITIES, ItemQuery
from ccassure.services.paths import AppPaths
from ccassure.ui.dashboard import DashboardPage
from ccassure.ui.find import FindDialog
from ccassure.ui.models import ROW_ROLE, STATUS_LABELS, CountsModel, ItemsModel, StatusMatrixModel
from ccassure.ui.navigation import (
    DUE_ROLE,
    ID_ROLE,
    KIND_ROLE,
    OWNER_ROLE,
    REVIEW_WINDOW,
    STATUS_ROLE,
    NavigationFilter,
    build_model,
)
from ccassure.ui.pages import HEADINGS, ItemsPage

TODAY = date(2026, 11, 26)
DISPLAY = Qt.ItemDataRole.DisplayRole
ACCESSIBLE = Qt.ItemDataRole.AccessibleTextRole
SYNTHETIC = 1000


# --- fixtures -------------------------------------------------------------------------------
def _demo_context(folder: Path) -> Context:
    return build_demo_context(AppPaths(folder / "data", folder / "data" / "x.db"), lambda: TODAY)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    """The demo programme as shipped (read only in this module)."""
    context = _demo_context(tmp_path_factory.mktemp("models-demo"))
    yield context
    context.close()


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    """The demo plus 1,000 synthetic accessibility issues, so item lists page many times."""
    context = _demo_context(tmp_path_factory.mktemp("models-big"))
    accessibility = next(
        s.id for s in context.assessments.list_summaries() if s.kind == "accessibility"
    )
    add_synthetic_issues(context.assessments, accessibility, SYNTHETIC, 1)
    yield context
    context.close()


@pytest.fixture(scope="module")
def summaries(demo: Context) -> list[AssessmentSummary]:
    return list(demo.assessments.list_summaries())


@pytest.fixture(scope="module")
def data(demo: Context) -> Dashboard:
    return demo.dashboard.build(TODAY)


class Checker:
    """Attach both model testers to a model; `clean()` fails on anything they reported."""

    def __init__(self, qtmodeltester: ModelTester, qtlog: object) -> None:
        self._qt = qtmodeltester
        self._log = qtlog
        self._py: list[ModelTester] = []

    def __call__(self, model: QAbstractItemModel) -> None:
        self._qt.check(model)  # Qt's C++ QAbstractItemModelTester, kept attached
        python = ModelTester(None)
        python.check(model, force_py=True)  # asserts at once, and on every later signal
        self._py.append(python)
        self.clean()

    def failures(self) -> list[str]:
        return [
            r.message
            for r in self._log.records  # type: ignore[attr-defined]
            if r.message.startswith("FAIL!")
            or (r.context is not None and r.context.category == "qt.modeltest")
        ]

    def clean(self) -> None:
        assert self.failures() == []

    def close(self) -> None:
        for python in self._py:
            python._cleanup()


@pytest.fixture
def checker(qtmodeltester: ModelTester, qtlog: object) -> Iterator[Checker]:
    found = Checker(qtmodeltester, qtlog)
    yield found
    found.close()


def cells(model: QAbstractItemModel, parent: QModelIndex | None = None) -> list[QModelIndex]:
    parent = parent or QModelIndex()
    return [
        model.index(r, c, parent)
        for r in range(model.rowCount(parent))
        for c in range(model.columnCount(parent))
    ]


def walk(model: QAbstractItemModel, parent: QModelIndex | None = None) -> list[QModelIndex]:
    """Every index in column 0 of a tree, depth first."""
    parent = parent or QModelIndex()
    found = []
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        found.append(index)
        found.extend(walk(model, index))
    return found


def leaf_ids(model: QAbstractItemModel) -> set[int]:
    return {int(i.data(ID_ROLE)) for i in walk(model) if i.data(ID_ROLE) is not None}


def count(model: CountsModel, row_key: str, column_key: str) -> int:
    row, column = model.row_keys.index(row_key), model.column_keys.index(column_key)
    return int(str(model.index(row, column).data()).replace(",", ""))


# --- the dashboard's table models ------------------------------------------------------------
@pytest.fixture
def page(qtbot, checker: Checker, data: Dashboard) -> DashboardPage:  # type: ignore[no-untyped-def]
    """A dashboard page whose models are watched by the testers from empty to loaded."""
    built = DashboardPage()
    qtbot.addWidget(built)
    for model in (built.matrix, built.issues, built.bars_table, built.heat_table):
        checker(model)
    built.show_dashboard(data, "Command and Control replacement")
    checker.clean()
    return built


def test_status_matrix_model_passes_the_tester_and_says_where_each_assessment_stands(
    page: DashboardPage, checker: Checker, data: Dashboard
) -> None:
    model = page.matrix
    assert isinstance(model, StatusMatrixModel)
    assert model.rowCount() == len(data.components) == 3
    assert model.columnCount() == len(KINDS) == 4
    row = data.components.index("Core C&C solution")
    assert model.headerData(row, Qt.Orientation.Vertical) == "Core C&C solution"
    assert model.index(row, KINDS.index("dpia")).data() == "Approved v1"
    assert model.index(row, KINDS.index("eia")).data() == "Draft v2"
    unisys = data.components.index("Interim improvements to the Unisys platform")
    assert model.index(unisys, KINDS.index("dpia")).data() == "None yet"
    approved = model.index(row, KINDS.index("dpia"))
    assert isinstance(approved.data(Qt.ItemDataRole.BackgroundRole), QBrush)
    assert "DPIA for Core C&C solution" in approved.data(ACCESSIBLE)
    assert "Approved v1" in approved.data(ACCESSIBLE)
    for index in cells(model):
        text = index.data(ACCESSIBLE)
        assert isinstance(text, str) and text.strip(), (index.row(), index.column())
        assert model.components[index.row()] in text
    shown = {
        (model.components[i.row()], model.kinds[i.column()])
        for i in cells(model)
        if i.data() != "None yet"
    }
    assert shown == set(data.matrix)
    model.load(data.components[:1], data.matrix)  # a reset while both testers watch
    checker.clean()
    assert model.rowCount() == 1


def test_issue_counts_model_passes_the_tester_and_matches_the_store(
    page: DashboardPage, checker: Checker, data: Dashboard
) -> None:
    model = page.issues
    assert (model.rowCount(), model.columnCount()) == (len(SEVERITIES), len(ISSUE_STATUSES))
    for severity in SEVERITIES:
        for status in ISSUE_STATUSES:
            assert count(model, severity, status) == data.issues.get((severity, status), 0)
    assert count(model, "serious", "open") == 12
    assert sum(int(i.data().replace(",", "")) for i in cells(model)) == 37
    for index in cells(model):
        text = index.data(ACCESSIBLE)
        assert isinstance(text, str) and "accessibility issues" in text
        assert model.row_headings[index.row()] in text and model.headings[index.column()] in text
        assert index.data(Qt.ItemDataRole.TextAlignmentRole) is not None
    bars = page.bars_table
    assert [count(bars, s, "open") for s in SEVERITIES] == [
        data.issues_by_severity[s] for s in SEVERITIES
    ]
    model.load({})
    checker.clean()
    assert {i.data() for i in cells(model)} == {"0"}


def test_heat_map_table_model_passes_the_tester_and_matches_the_risk_grid(
    page: DashboardPage, checker: Checker, data: Dashboard
) -> None:
    model = page.heat_table
    assert model.row_keys == tuple(reversed(data.likelihoods))
    assert model.column_keys == tuple(data.severities)
    assert (model.rowCount(), model.columnCount()) == (3, 3)
    for likelihood in data.likelihoods:
        for severity in data.severities:
            assert count(model, likelihood, severity) == data.risk_grid.get(
                (likelihood, severity), 0
            )
    assert count(model, "remote", "significant") == 7
    assert sum(int(i.data()) for i in cells(model)) == sum(data.risk_grid.values()) == 15
    for index in cells(model):
        text = index.data(ACCESSIBLE)
        assert isinstance(text, str) and text.endswith(
            f"{model.row_headings[index.row()]}, {model.headings[index.column()]}"
        )
    assert model.headerData(0, Qt.Orientation.Vertical) == "Probable"
    page.show_dashboard(data, "again")  # a second load resets the model under the testers
    checker.clean()
    smaller = dataclasses.replace(
        data, likelihoods=("remote",), severities=("minimal",), risk_grid={("remote", "minimal"): 4}
    )
    page.show_dashboard(smaller, "smaller")  # the grid changes shape under the testers
    checker.clean()
    assert (model.rowCount(), model.columnCount()) == (1, 1)
    assert model.index(0, 0).data() == "4"


# --- item pages --------------------------------------------------------------------------------
class Pager:
    """Issue pages from the big store, noting every offset asked for."""

    def __init__(self, context: Context, query: ItemQuery | None = None) -> None:
        self.context, self.query = context, query or ItemQuery("issues")
        self.offsets: list[int] = []

    def __call__(self, offset: int, limit: int) -> ItemPage:
        self.offsets.append(offset)
        return self.context.dashboard.items(self.query, TODAY, offset, limit)


def assert_every_issue_once(model: ItemsModel, total: int) -> None:
    assert model.rowCount() == model.total == total
    refs = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert len(set(refs)) == len(refs) == total, "some issues are repeated"
    first = SYNTHETIC_FIRST_REF
    assert {f"AT-{n:04d}" for n in range(first, first + SYNTHETIC)} <= set(refs)


def test_items_model_pages_through_every_issue_without_gaps_or_repeats(
    checker: Checker, big: Context
) -> None:
    fetch = Pager(big)
    model = ItemsModel(HEADINGS["issues"])
    assert not model.canFetchMore(QModelIndex())  # nothing to fetch from yet
    first = fetch(0, ItemsModel.PAGE)
    total = first.total
    assert total == 37 + SYNTHETIC > 5 * ItemsModel.PAGE
    model.reset(HEADINGS["issues"], fetch, first)
    assert model.rowCount() == ItemsModel.PAGE
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, a, b: inserted.append((a, b)))
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert_every_issue_once(model, total)
    assert fetch.offsets == list(range(0, total, ItemsModel.PAGE))  # each page fetched once
    assert inserted == [
        (start, min(start + ItemsModel.PAGE, total) - 1)
        for start in range(ItemsModel.PAGE, total, ItemsModel.PAGE)
    ]
    checker(model)  # the whole list, fetched, passes both testers
    severities = [row.details[0] for row in model.rows]
    ranks = [SEVERITIES.index(s) for s in severities]
    assert ranks == sorted(ranks)  # most severe first, across page boundaries
    for row in range(model.rowCount()):
        for column in (0, 1):
            assert str(model.index(row, column).data(ACCESSIBLE)).strip(), (row, column)
        assert isinstance(model.index(row, 0).data(ROW_ROLE), int)
    assert model.index(0, 2).data() == "critical"  # severities are shown as stored
    assert {model.index(r, 3).data() for r in range(total)} <= set(STATUS_LABELS.values())
    fetched = len(fetch.offsets)
    model.fetchMore(QModelIndex())  # nothing left: no fetch, no change
    assert len(fetch.offsets) == fetched and model.rowCount() == total


def test_items_page_view_scrolled_to_the_end_fetches_every_issue(qtbot, big: Context) -> None:  # type: ignore[no-untyped-def]
    """As in the app: the table view asks for more rows as it is scrolled."""
    fetch = Pager(big)
    page = ItemsPage()
    qtbot.addWidget(page)
    page.resize(900, 600)
    page.show()
    first = fetch(0, ItemsModel.PAGE)
    page.show_items("issues", "Issues", first, fetch)
    assert page.model.rowCount() == ItemsModel.PAGE

    def scrolled_to_end() -> bool:
        page.view.scrollToBottom()
        return page.model.rowCount() == first.total

    qtbot.waitUntil(scrolled_to_end, timeout=20_000)
    assert_every_issue_once(page.model, first.total)
    assert fetch.offsets == list(range(0, first.total, ItemsModel.PAGE))


def test_items_model_passes_the_model_testers_while_paging(checker: Checker, big: Context) -> None:
    """Both testers watch from empty, through reset() and every page (they call fetchMore
    themselves from inside the model's own signals, as a view may)."""
    fetch = Pager(big)
    model = ItemsModel(HEADINGS["issues"])
    checker(model)
    first = fetch(0, ItemsModel.PAGE)
    model.reset(HEADINGS["issues"], fetch, first)
    checker.clean()
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
        checker.clean()
    assert_every_issue_once(model, first.total)
    assert fetch.offsets == list(range(0, first.total, ItemsModel.PAGE))


def test_items_model_stops_when_a_page_comes_back_empty(checker: Checker, big: Context) -> None:
    """If the store shrank between pages, paging ends instead of asking again forever."""
    query = ItemQuery("issues", severity="critical")
    real = big.dashboard.items(query, TODAY, 0, ItemsModel.PAGE)
    assert real.total > ItemsModel.PAGE
    calls: list[int] = []

    def fetch(offset: int, limit: int) -> ItemPage:
        calls.append(offset)
        return ItemPage((), real.total)

    model = ItemsModel(HEADINGS["issues"])
    checker(model)
    model.reset(HEADINGS["issues"], fetch, real)
    checker.clean()
    model.fetchMore(QModelIndex())
    assert model.rowCount() == ItemsModel.PAGE == model.total
    assert not model.canFetchMore(QModelIndex())
    assert calls and set(calls) == {ItemsModel.PAGE}


def test_items_model_for_a_dashboard_list_other_than_issues(
    checker: Checker, demo: Context
) -> None:
    query = ItemQuery("risks")
    page = demo.dashboard.items(query, TODAY, 0, ItemsModel.PAGE)
    model = ItemsModel(HEADINGS["risks"])
    checker(model)
    model.reset(HEADINGS["risks"], lambda o, n: demo.dashboard.items(query, TODAY, o, n), page)
    checker.clean()
    assert model.rowCount() == page.total == 15
    assert model.columnCount() == 4
    assert {model.index(r, 2).data() for r in range(model.rowCount())} <= {
        "low",
        "medium",
        "high",
    }


def test_find_results_model_passes_the_tester(qtbot, checker: Checker, demo: Context) -> None:  # type: ignore[no-untyped-def]
    dialog = FindDialog(lambda text, done: done(demo.dashboard.search(text)))
    qtbot.addWidget(dialog)
    checker(dialog.model)
    dialog.show()
    qtbot.keyClicks(dialog.query, "keyboard")
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0, timeout=5_000)
    checker.clean()
    assert dialog.model.columnCount() == len(HEADINGS["find"])
    for index in cells(dialog.model):
        if index.column() < 2:
            assert str(index.data(ACCESSIBLE)).strip()
    dialog.query.clear()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0, timeout=5_000)
    checker.clean()


# --- navigation --------------------------------------------------------------------------------
def test_navigation_model_passes_the_tester_and_holds_every_assessment(
    checker: Checker, summaries: list[AssessmentSummary]
) -> None:
    model = build_model(summaries)
    assert isinstance(model, QStandardItemModel)
    checker(model)
    assert model.rowCount() == 1
    programme = model.index(0, 0)
    assert programme.data() == "Command and Control replacement"
    assert model.rowCount(programme) == 3
    assert leaf_ids(model) == {s.id for s in summaries}
    by_id = {s.id: s for s in summaries}
    for index in walk(model):
        shown = index.data(ACCESSIBLE) or index.data(DISPLAY)  # Qt falls back to the text
        assert isinstance(shown, str) and shown.strip()
        ident = index.data(ID_ROLE)
        if ident is None:
            assert model.rowCount(index) > 0
            continue
        summary = by_id[ident]
        assert index.data(ACCESSIBLE) == index.data(DISPLAY)
        assert index.data(KIND_ROLE) == summary.kind
        assert index.data(STATUS_ROLE) == summary.status
        assert index.data(OWNER_ROLE) == summary.owner
        assert index.parent().data() == summary.component
        assert model.rowCount(index) == 0
    core_dpia = next(s for s in summaries if s.kind == "dpia" and s.status == "approved")
    (leaf,) = [i for i in walk(model) if i.data(ID_ROLE) == core_dpia.id]
    assert leaf.data().endswith("— Approved v1")


@pytest.mark.parametrize(
    ("kind", "status", "owner", "days"),
    [
        ("environmental", "", "", None),
        ("environmental", "approved", "", None),
        ("", "in_review", "", None),
        ("", "", "Priya Raman, Information Assurance Lead, C&C Programme", None),
        ("", "", "", REVIEW_WINDOW.days),
        ("dpia", "draft", "", None),  # nothing matches: even the programme row goes
    ],
)
def test_navigation_filter_passes_the_tester_and_keeps_only_matches(
    checker: Checker,
    summaries: list[AssessmentSummary],
    kind: str,
    status: str,
    owner: str,
    days: int | None,
) -> None:
    source = build_model(summaries)
    proxy = NavigationFilter()
    proxy.setSourceModel(source)
    checker(proxy)
    assert leaf_ids(proxy) == {s.id for s in summaries}
    due_by = TODAY + timedelta(days=days) if days is not None else None
    proxy.set_filters(kind, status, owner, due_by)
    checker.clean()

    def matches(s: AssessmentSummary) -> bool:
        return (
            (not kind or s.kind == kind)
            and (not status or s.status == status)
            and (not owner or s.owner == owner)
            and (due_by is None or (s.review_due is not None and s.review_due <= due_by))
        )

    expected = {s.id for s in summaries if matches(s)}
    assert leaf_ids(proxy) == expected
    components = {i.data() for i in walk(proxy) if i.parent().isValid() and not i.data(ID_ROLE)}
    assert components == {s.component for s in summaries if matches(s)}
    assert proxy.rowCount() == (1 if expected else 0)
    for index in walk(proxy):
        if index.data(ID_ROLE) is not None and due_by is not None:
            assert date.fromisoformat(index.data(DUE_ROLE)) <= due_by
    proxy.set_filters("", "", "", None)
    checker.clean()
    assert leaf_ids(proxy) == {s.id for s in summaries}


def test_navigation_filter_expectations_are_not_trivial(
    summaries: list[AssessmentSummary],
) -> None:
    """The parametrised filters above each keep some, but not all, of the demo."""
    due_by = TODAY + REVIEW_WINDOW
    for keep in (
        lambda s: s.kind == "environmental",
        lambda s: s.kind == "environmental" and s.status == "approved",
        lambda s: s.status == "in_review",
        lambda s: s.owner.startswith("Priya Raman"),
        lambda s: s.review_due is not None and s.review_due <= due_by,
    ):
        kept: Callable[[AssessmentSummary], bool] = keep
        assert 0 < sum(1 for s in summaries if kept(s)) < len(summaries)
