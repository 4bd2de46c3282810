"""The programme-wide actions list on the demo store: every sort key and filter, checked
against the actions read back from each assessment's own document."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from ccassure.domain.document import Action
from ccassure.domain.workflow import EDITABLE
from ccassure.services.context import Context, build_context
from ccassure.services.errors import ServiceError
from ccassure.services.item_query import (
    ACTION_COLUMNS,
    ACTION_STATUSES,
    OVERDUE,
    OVERDUE_MARK,
    ItemQuery,
)
from ccassure.services.paths import AppPaths
from tests.conftest import TODAY


@dataclass(frozen=True)
class Expected:
    """One action as its assessment's document holds it, with where it belongs."""

    assessment_id: int
    action: Action
    title: str
    kind: str
    component: str

    @property
    def key(self) -> tuple[int, str]:
        return (self.assessment_id, self.action.ref)

    @property
    def overdue(self) -> bool:
        late = self.action.due is not None and self.action.due < TODAY
        return late and self.action.status in ("open", "in_progress")


def open_copy(demo_store: Path, folder: Path) -> Context:
    store = folder / "demo.db"
    shutil.copy(demo_store, store)
    return build_context(AppPaths(folder / "data", store), today=lambda: TODAY)


@pytest.fixture(scope="module")
def demo(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    """A copy of the demo store, only read in this module."""
    context = open_copy(demo_store, tmp_path_factory.mktemp("actions"))
    yield context
    context.close()


def expected_actions(context: Context) -> list[Expected]:
    return [
        Expected(s.id, action, s.title, s.kind, s.component)
        for s in context.assessments.list_summaries()
        for action in context.assessments.document(s.id).actions
    ]


@pytest.fixture(scope="module")
def everything(demo: Context) -> list[Expected]:
    found = expected_actions(demo)
    assert len(found) > 20
    return found


def listed(context: Context, **fields: Any) -> list[tuple[int, str]]:
    page = context.dashboard.items(ItemQuery("all_actions", **fields), TODAY, 0, 10_000)
    assert page.total == len(page.rows)
    return [(row.assessment_id, row.ref) for row in page.rows]


def keys(actions: list[Expected], keep: Callable[[Expected], bool]) -> set[tuple[int, str]]:
    return {e.key for e in actions if keep(e)}


SORT_VALUES: dict[str, Callable[[Expected], object]] = {
    "ref": lambda e: e.action.ref.casefold(),
    "description": lambda e: e.action.description.casefold(),
    "owner": lambda e: e.action.owner.casefold(),
    "due": lambda e: e.action.due,
    "status": lambda e: ACTION_STATUSES.index(e.action.status),
    "component": lambda e: (e.component.casefold(), e.title.casefold()),
    "assessment": lambda e: e.title.casefold(),
}


def test_only_the_latest_version_of_each_assessment_is_listed(
    demo: Context, everything: list[Expected]
) -> None:
    all_versions = demo.assessments.list_summaries(all_versions=True)
    assert len(all_versions) > len(demo.assessments.list_summaries())  # the EIA has two
    rows = listed(demo)
    assert sorted(rows) == sorted(e.key for e in everything)
    assert len(set(rows)) == len(rows)


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("sort", ACTION_COLUMNS)
def test_each_column_sorts_either_way(
    demo: Context, everything: list[Expected], sort: str, descending: bool
) -> None:
    by_key = {e.key: e for e in everything}
    rows = listed(demo, sort=sort, descending=descending)
    assert sorted(rows) == sorted(by_key)
    value = SORT_VALUES[sort]
    values = [value(by_key[k]) for k in rows]
    assert len(set(map(str, values))) > 2, "the demo data would not show a wrong order"
    assert values == sorted(values, reverse=descending)  # type: ignore[type-var]
    for before, after in pairwise(rows):
        first, second = by_key[before], by_key[after]
        if value(first) == value(second) and first.action.due and second.action.due:
            assert first.action.due <= second.action.due  # ties: soonest due first


def test_default_order_is_soonest_due_first(demo: Context, everything: list[Expected]) -> None:
    assert listed(demo) == listed(demo, sort="due")
    page = demo.dashboard.items(ItemQuery("all_actions"), TODAY)
    dues = [row.details[1].removesuffix(OVERDUE_MARK) for row in page.rows]
    assert dues == sorted(dues)


@pytest.mark.parametrize("status", [*ACTION_STATUSES, OVERDUE])
def test_status_filter(demo: Context, everything: list[Expected], status: str) -> None:
    if status == OVERDUE:
        wanted = keys(everything, lambda e: e.overdue)
    else:
        wanted = keys(everything, lambda e: e.action.status == status)
    rows = listed(demo, status=status)
    assert set(rows) == wanted
    assert len(rows) == len(wanted)


def test_overdue_actions_say_so_and_match_the_dashboard_figure(
    demo: Context, everything: list[Expected]
) -> None:
    page = demo.dashboard.items(ItemQuery("all_actions", status=OVERDUE), TODAY)
    assert page.total == demo.dashboard.build(TODAY).overdue_actions > 0
    assert all(row.details[1].endswith(OVERDUE_MARK) for row in page.rows)
    overdue = keys(everything, lambda e: e.overdue)
    others = demo.dashboard.items(ItemQuery("all_actions"), TODAY).rows
    marked = {(r.assessment_id, r.ref) for r in others if r.details[1].endswith(OVERDUE_MARK)}
    assert marked == overdue
    done_late = [e for e in everything if e.action.due and e.action.due < TODAY and not e.overdue]
    assert done_late, "the demo has actions finished after their date, which are not overdue"


def test_owner_kind_and_component_filters(demo: Context, everything: list[Expected]) -> None:
    choices = demo.dashboard.action_choices()
    assert choices.total == len(everything)
    assert set(choices.owners) == {e.action.owner for e in everything if e.action.owner}
    assert set(choices.kinds) == {e.kind for e in everything}
    assert set(choices.components) == {e.component for e in everything}
    for owner in choices.owners:
        wanted = {e.key for e in everything if e.action.owner == owner}
        assert set(listed(demo, owner=owner)) == wanted
    for kind in choices.kinds:
        assert set(listed(demo, kind=kind)) == {e.key for e in everything if e.kind == kind}
    for component in choices.components:
        wanted = {e.key for e in everything if e.component == component}
        assert 0 < len(wanted) < len(everything)
        assert set(listed(demo, component=component)) == wanted


@pytest.mark.parametrize(
    "field", ["description", "owner", "link", "title"], ids=lambda f: f"text in {f}"
)
def test_text_filter_matches_description_owner_link_and_assessment_title(
    demo: Context, everything: list[Expected], field: str
) -> None:
    def text_of(e: Expected) -> str:
        return e.title if field == "title" else str(getattr(e.action, field))

    sample = next(e for e in everything if text_of(e))
    word = max(text_of(sample).split(), key=len)  # a distinctive word from that field
    rows = listed(demo, text=word.swapcase())  # case does not matter
    assert sample.key in rows
    for key in rows:
        found = next(e for e in everything if e.key == key)
        searched = [found.action.description, found.action.owner, found.action.link]
        searched += [found.action.ref, found.title]
        assert any(word.casefold() in s.casefold() for s in searched)


def test_text_filter_wants_every_word_and_combines_with_the_others(
    demo: Context, everything: list[Expected]
) -> None:
    both = keys(
        everything,
        lambda e: (
            "iso" in e.action.description.casefold() and "contract" in e.action.owner.casefold()
        ),
    )
    assert both and set(listed(demo, text="ISO  contract")) == both
    assert set(listed(demo, text="contract")) > both
    narrowed = listed(demo, text="contract", status="open", sort="owner", descending=True)
    assert set(narrowed) == keys(
        everything, lambda e: "contract" in e.action.owner.casefold() and e.action.status == "open"
    )
    assert listed(demo, text="no action says this") == []


def test_pages_of_a_filtered_sorted_list_fit_together(demo: Context) -> None:
    query = ItemQuery("all_actions", sort="owner", descending=True, status="open")
    whole = demo.dashboard.items(query, TODAY)
    pages = [demo.dashboard.items(query, TODAY, offset, 3) for offset in range(0, whole.total, 3)]
    assert {p.total for p in pages} == {whole.total}
    assert tuple(row for p in pages for row in p.rows) == whole.rows


def test_blank_owner_and_due_come_last_either_way(demo_store: Path, tmp_path: Path) -> None:
    context = open_copy(demo_store, tmp_path)
    try:
        draft = next(s for s in context.assessments.list_summaries() if s.status in EDITABLE)
        context.assessments.put_action(draft.id, Action(ref="Z99", description="Unassigned"))
        for sort in ("owner", "due"):
            for descending in (False, True):
                assert listed(context, sort=sort, descending=descending)[-1] == (draft.id, "Z99")
    finally:
        context.close()


def test_an_unknown_sort_is_refused(demo: Context) -> None:
    with pytest.raises(ServiceError, match="cannot be sorted"):
        demo.dashboard.items(ItemQuery("all_actions", sort="colour"), TODAY)


def test_the_query_describes_its_filters() -> None:
    assert ItemQuery("all_actions", sort="owner").describe() == "all actions"
    assert not ItemQuery("all_actions", sort="owner", descending=True).filtered
    query = ItemQuery("all_actions", status=OVERDUE, owner="Head of Radio Services", text=" x ")
    assert query.filtered
    assert query.describe() == "all actions: overdue, owner Head of Radio Services, containing “x”"
