"""The issue log service on the demo store: pages, text and facet filters, refs, saving,
retests, status changes in bulk and screenshots, each checked in the store itself."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccassure.domain.document import Attachment, Issue, Retest
from ccassure.domain.issue_log import FACETS, IssueFilter, IssueSort, parse_criteria
from ccassure.services.context import Context, build_context
from ccassure.services.errors import ServiceError
from ccassure.services.paths import AppPaths
from ccassure.store.issue_log import match_expression
from tests.conftest import TODAY

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000201a5d6a1d30000000049454e44ae426082"
)


def open_copy(demo_store: Path, folder: Path) -> Context:
    store = folder / "demo.db"
    shutil.copy(demo_store, store)
    return build_context(AppPaths(folder / "data", store), today=lambda: TODAY)


@pytest.fixture
def demo(demo_store: Path, tmp_path: Path) -> Iterator[Context]:
    """A fresh copy of the demo store for each test (they write)."""
    context = open_copy(demo_store, tmp_path)
    yield context
    context.close()


def ident(context: Context, kind: str = "accessibility", status: str = "draft") -> int:
    return next(
        s.id for s in context.assessments.list_summaries() if s.kind == kind and s.status == status
    )


def sql(context: Context, query: str, *params: object) -> list[tuple[object, ...]]:
    """Read the store directly, as an independent check of what the service says."""
    with sqlite3.connect(context.store.path) as db:
        return list(db.execute(query, params))


def refs_of(page_rows: tuple[object, ...]) -> list[str]:
    return [row.ref for row in page_rows]  # type: ignore[attr-defined]


def issue(**fields: object) -> Issue:
    base: dict[str, object] = {
        "ref": "new",
        "title": "Call timer not announced",
        "severity": "serious",
        "criteria": ("4.1.3",),
        "assistive_tech": "NVDA",
        "at_version": "2025.3",
        "browser": "desktop client 2.3",
        "os": "Windows 11 23H2",
        "screen": "Call queue",
    }
    return Issue.model_validate({**base, **fields})


# --- reads --------------------------------------------------------------------------------
def test_the_whole_log_in_ref_order_with_counts(demo: Context) -> None:
    aid = ident(demo)
    page = demo.issues.page(aid)
    stored = [
        r[0] for r in sql(demo, "SELECT ref FROM issue WHERE assessment_id=? ORDER BY id", aid)
    ]
    assert page.total == page.everything == len(stored) == 37
    assert refs_of(page.rows) == stored
    second = demo.issues.page(aid, offset=30, limit=5)
    assert refs_of(second.rows) == stored[30:35] and second.total == 37
    backwards = demo.issues.page(aid, sort=IssueSort("ref", descending=True))
    assert refs_of(backwards.rows) == stored[::-1]


@pytest.mark.parametrize("key", ["title", "severity", "status", "screen", "found_on"])
def test_every_sort_keeps_every_issue_once(demo: Context, key: str) -> None:
    aid = ident(demo)
    for descending in (False, True):
        rows = demo.issues.page(aid, sort=IssueSort(key, descending)).rows
        assert sorted(refs_of(rows)) == sorted(refs_of(demo.issues.page(aid).rows))
    severities = [r.severity for r in demo.issues.page(aid, sort=IssueSort("severity")).rows]
    order = ("blocker", "critical", "serious", "moderate", "minor")
    assert [order.index(s) for s in severities] == sorted(order.index(s) for s in severities)


def test_bad_sort_or_page_is_refused(demo: Context) -> None:
    aid = ident(demo)
    with pytest.raises(ServiceError, match="cannot be sorted"):
        demo.issues.page(aid, sort=IssueSort("id; DROP TABLE issue"))
    for offset, limit in ((-1, 10), (0, 0), (0, 100_000)):
        with pytest.raises(ServiceError, match="page"):
            demo.issues.page(aid, offset=offset, limit=limit)


@pytest.mark.parametrize(
    ("facet", "column"),
    [("severity", "severity"), ("status", "status"), ("assistive_tech", "assistive_tech")],
)
def test_each_facet_filters_and_counts_like_sql(demo: Context, facet: str, column: str) -> None:
    aid = ident(demo)
    counted = dict(
        sql(
            demo,
            f"SELECT {column}, COUNT(*) FROM issue WHERE assessment_id=? AND {column} != '' "
            f"GROUP BY {column}",
            aid,
        )
    )
    facets = demo.issues.facets(aid)
    assert dict(facets[facet]) == counted
    for value, count in counted.items():
        page = demo.issues.page(aid, IssueFilter(**{facet: str(value)}))
        assert page.total == count and len(page.rows) == count
        assert {getattr(r, column) for r in page.rows} == {value}


def test_criterion_facet_uses_every_criterion_of_an_issue(demo: Context) -> None:
    aid = ident(demo)
    counted = dict(
        sql(
            demo,
            "SELECT c.criterion, COUNT(*) FROM issue_criterion c JOIN issue i ON i.id = "
            "c.issue_id WHERE i.assessment_id = ? GROUP BY c.criterion",
            aid,
        )
    )
    assert dict(demo.issues.facets(aid)["criterion"]) == counted
    page = demo.issues.page(aid, IssueFilter(criterion="4.1.2"))
    assert page.total == counted["4.1.2"]
    assert all("4.1.2" in r.criteria.split() for r in page.rows)


def test_a_facets_counts_follow_the_other_choices_but_not_its_own(demo: Context) -> None:
    aid = ident(demo)
    chosen = IssueFilter(severity="serious", status="open")
    facets = demo.issues.facets(aid, chosen)
    by_severity = dict(
        sql(
            demo,
            "SELECT severity, COUNT(*) FROM issue WHERE assessment_id=? AND status='open' "
            "GROUP BY severity",
            aid,
        )
    )
    assert dict(facets["severity"]) == by_severity  # every severity, among the open issues
    by_status = dict(
        sql(
            demo,
            "SELECT status, COUNT(*) FROM issue WHERE assessment_id=? AND "
            "severity='serious' GROUP BY status",
            aid,
        )
    )
    assert dict(facets["status"]) == by_status
    assert set(facets) == set(FACETS)


def test_text_filter_matches_the_start_of_words_everywhere(demo: Context) -> None:
    aid = ident(demo)
    page = demo.issues.page(aid, IssueFilter(text="keyb"))
    expected = sql(
        demo,
        "SELECT ref FROM issue WHERE assessment_id=? AND (' ' || lower(title || ' ' || "
        "description || ' ' || steps || ' ' || expected || ' ' || actual || ' ' || screen || ' ' "
        "|| assistive_tech) LIKE '% keyb%') ORDER BY id",
        aid,
    )
    assert refs_of(page.rows) == [r[0] for r in expected] and page.total == len(expected) > 0
    both = demo.issues.page(aid, IssueFilter(text="KEYB trap"))  # every word, any case
    assert 0 < both.total < page.total
    assert demo.issues.page(aid, IssueFilter(text="eyboard")).total == 0  # not inside a word
    assert demo.issues.page(aid, IssueFilter(text="AT-0005")).rows[0].ref == "AT-0005"
    with_facet = demo.issues.page(aid, IssueFilter(text="keyb", severity="critical"))
    assert {r.severity for r in with_facet.rows} == {"critical"}
    assert with_facet.total == sum(1 for r in page.rows if r.severity == "critical")


@pytest.mark.parametrize(
    "typed",
    [
        '"',
        '""*',
        "NEAR(a b)",
        "title:focus",
        "a OR b AND NOT c",
        "*",
        "-focus",
        "(",
        "^start",
        "x\x00y",
        "\ud800broken",
        "'; DROP TABLE issue; --",
        "café naïve Ölgemälde",
        "🙂 ☃",
        "日本語",
        " ".join(["focus"] * 500),
        "a" * 100_000,
    ],
)
def test_any_typed_text_is_a_filter_never_an_error(demo: Context, typed: str) -> None:
    aid = ident(demo)
    page = demo.issues.page(aid, IssueFilter(text=typed))
    assert 0 <= page.total <= page.everything == 37
    assert demo.issues.facets(aid, IssueFilter(text=typed)) is not None


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=40))
def test_random_text_never_breaks_the_query(demo: Context, typed: str) -> None:
    aid = ident(demo)
    page = demo.issues.page(aid, IssueFilter(text=typed))
    assert 0 <= page.total <= 37
    expression = match_expression(typed)
    assert expression is None or expression.count('"') % 2 == 0


def test_get_and_next_ref(demo: Context) -> None:
    aid = ident(demo)
    found = demo.issues.get(aid, "AT-0001")
    assert found.title.startswith("Incident type combo box") and found.retests
    with pytest.raises(ServiceError, match="no issue"):
        demo.issues.get(aid, "AT-9999")
    assert demo.issues.next_ref(aid) == "AT-0038"
    for odd in ("AT-12x", "X-9999", "AT-999"):
        demo.issues.save(aid, issue(ref=odd))
    assert demo.issues.next_ref(aid) == "AT-0038"  # refs of other shapes do not count
    demo.issues.save(aid, issue(ref="AT-99999"))
    assert demo.issues.next_ref(aid) == "AT-100000"


# --- writes -------------------------------------------------------------------------------
def test_add_gives_the_next_ref_and_keeps_criteria_in_step(demo: Context) -> None:
    aid = ident(demo)
    added = demo.issues.add(aid, issue(criteria=("1.4.3", "2.4.7"), title="Timer unvoiced"))
    assert demo.issues.page(aid, IssueFilter(text="unvoic")).rows[0].ref == "AT-0038"
    assert added.ref == "AT-0038"
    assert demo.issues.get(aid, "AT-0038") == added
    rows = sql(
        demo,
        "SELECT c.criterion FROM issue_criterion c JOIN issue i ON i.id = c.issue_id "
        "WHERE i.ref = 'AT-0038' ORDER BY c.criterion",
    )
    assert rows == [("1.4.3",), ("2.4.7",)]
    changed = added.model_copy(update={"criteria": ("2.4.7", "1.3.1"), "title": "Timer quietude"})
    demo.issues.save(aid, changed)
    rows = sql(
        demo,
        "SELECT c.criterion FROM issue_criterion c JOIN issue i ON i.id = c.issue_id "
        "WHERE i.ref = 'AT-0038' ORDER BY c.criterion",
    )
    assert rows == [("1.3.1",), ("2.4.7",)]
    assert demo.issues.page(aid, IssueFilter(text="quietud")).rows[0].ref == "AT-0038"
    assert demo.issues.page(aid, IssueFilter(text="unvoic")).total == 0  # the old words go
    assert demo.issues.page(aid).everything == 38


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"criteria": ("9.9.9",)}, "not a WCAG 2.2 criterion"),
        ({"status": "wont_fix"}, "won't fix needs a reason"),
        ({"screenshots": ("a" * 64,)}, "screenshot is not among the attachments"),
    ],
)
def test_an_issue_that_does_not_fit_is_refused_and_nothing_changes(
    demo: Context, change: dict[str, object], message: str
) -> None:
    aid = ident(demo)
    before = sql(demo, "SELECT COUNT(*), MAX(updated_at) FROM issue, assessment")
    with pytest.raises(ServiceError, match=message):
        demo.issues.save(aid, issue(ref="AT-0001", **change))
    assert sql(demo, "SELECT COUNT(*), MAX(updated_at) FROM issue, assessment") == before
    assert demo.issues.get(aid, "AT-0001").title.startswith("Incident type")


def test_only_editable_accessibility_assessments_take_issues(demo: Context) -> None:
    with pytest.raises(ServiceError, match="accessibility"):
        demo.issues.add(ident(demo, "eia", "draft"), issue())
    aid = ident(demo)
    with sqlite3.connect(demo.store.path) as db:  # as if it had been submitted for review
        db.execute("UPDATE assessment SET status = 'in_review' WHERE id = ?", (aid,))
    for change in (
        lambda: demo.issues.add(aid, issue()),
        lambda: demo.issues.save(aid, issue(ref="AT-0001")),
        lambda: demo.issues.set_status(aid, ["AT-0001"], "closed"),
        lambda: demo.issues.add_retest(
            aid, "AT-0001", Retest(tested_on=date(2026, 11, 20), outcome="passed")
        ),
    ):
        with pytest.raises(ServiceError) as caught:
            change()
        assert caught.value.kind == "workflow"
    assert demo.issues.page(aid).everything == 37


def test_retests_move_the_status(demo: Context) -> None:
    aid = ident(demo)
    passed = demo.issues.add_retest(
        aid, "AT-0003", Retest(tested_on=date(2026, 11, 20), outcome="passed", tester="Sam")
    )
    assert passed.status == "retest_passed"
    stored = demo.issues.get(aid, "AT-0003")
    assert stored.status == "retest_passed" and stored.retests[-1].tester == "Sam"
    failed = demo.issues.add_retest(
        aid, "AT-0003", Retest(tested_on=date(2026, 11, 21), outcome="failed")
    )
    assert failed.status == "retest_failed" and len(failed.retests) == 2
    unknown = demo.issues.add_retest(
        aid, "AT-0003", Retest(tested_on=date(2026, 11, 22), outcome="cannot_test")
    )
    assert unknown.status == "retest_failed"
    assert demo.issues.get(aid, "AT-0003") == unknown
    count = sql(
        demo, "SELECT COUNT(*) FROM retest r JOIN issue i ON i.id=r.issue_id WHERE i.ref='AT-0003'"
    )
    assert count == [(3,)]


def test_status_of_several_issues_in_one_step(demo: Context) -> None:
    aid = ident(demo)
    refs = ["AT-0002", "AT-0004", "AT-0009"]
    assert demo.issues.set_status(aid, refs, "closed") == 3
    stored = sql(demo, "SELECT ref, status FROM issue WHERE ref IN ('AT-0002','AT-0004','AT-0009')")
    assert {s for _, s in stored} == {"closed"}
    with pytest.raises(ServiceError, match="reason"):
        demo.issues.set_status(aid, refs, "wont_fix", "  ")
    with pytest.raises(ServiceError, match="AT-9999"):
        demo.issues.set_status(aid, ["AT-0005", "AT-9999"], "fixed")
    assert demo.issues.get(aid, "AT-0005").status != "fixed"  # all or nothing
    with pytest.raises(ServiceError, match="not an issue status"):
        demo.issues.set_status(aid, refs, "gone")
    demo.issues.set_status(aid, refs, "wont_fix", "Supplier replaces the screen in 2027")
    reasons = sql(
        demo,
        "SELECT DISTINCT status, status_reason FROM issue WHERE ref IN "
        "('AT-0002','AT-0004','AT-0009')",
    )
    assert reasons == [("wont_fix", "Supplier replaces the screen in 2027")]


def test_a_pasted_screenshot_is_kept_and_linked_once(demo: Context) -> None:
    aid = ident(demo)
    shot = Attachment.of("AT-0001-shot.png", "image/png", PNG)
    linked = demo.issues.attach_screenshot(aid, "AT-0001", shot)
    assert linked.screenshots == (shot.sha256,)
    again = demo.issues.attach_screenshot(aid, "AT-0001", shot)
    assert again.screenshots == (shot.sha256,)
    kept = sql(demo, "SELECT name, sha256, data FROM attachment WHERE assessment_id=?", aid)
    assert kept == [("AT-0001-shot.png", shot.sha256, PNG)]
    demo.issues.attach_screenshot(aid, "AT-0002", shot)  # the same image on another issue
    assert len(sql(demo, "SELECT 1 FROM attachment WHERE assessment_id=?", aid)) == 1
    document = demo.assessments.document(aid)
    assert document.issues[0].screenshots == (shot.sha256,)


def test_a_change_prepared_on_an_old_reading_is_refused(
    demo: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    aid = ident(demo)
    real = demo.issues._editable

    def then_someone_else_writes(assessment_id: int) -> str:
        stamp = real(assessment_id)
        demo.assessments.update_header(assessment_id, summary="changed meanwhile")
        return stamp

    monkeypatch.setattr(demo.issues, "_editable", then_someone_else_writes)
    with pytest.raises(Exception, match="changed elsewhere"):
        demo.issues.add(aid, issue())
    assert demo.issues.page(aid).everything == 37


def test_parse_criteria_accepts_spaces_commas_and_semicolons() -> None:
    assert parse_criteria(" 1.4.3, 2.4.7;1.4.3  4.1.2 ") == ("1.4.3", "2.4.7", "4.1.2")
