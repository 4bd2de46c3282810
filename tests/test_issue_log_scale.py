"""The issue log on 100,000 issues: every filter checked against counts made independently
(a token index built here, and plain SQL), and the Qt model checked while it pages and filters."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex
from pytestqt.modeltest import ModelTester

from ccassure.domain.issue_log import IssueFilter, IssueLogPage, IssueSort
from ccassure.services.context import Context, build_context
from ccassure.services.paths import AppPaths
from ccassure.ui.issue_log import IssueLogPanel, IssueSource
from ccassure.ui.issue_log_model import IssueLogModel
from tests.conftest import TODAY

pytestmark = pytest.mark.slow
FTS_COLUMNS = (
    "ref, title, description, steps, expected, actual, screen, assistive_tech, browser, os, "
    "rule_id, url"
)


def tokens(text: str) -> set[str]:
    """Words as FTS5's unicode61 tokenizer (remove_diacritics 2) sees them, found another way."""
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c)
    )
    return set(re.findall(r"[^\W_]+", plain))


@dataclass
class Expected:
    """The assessment's issues read with plain sqlite3, and a word index built in Python."""

    db: sqlite3.Connection
    assessment_id: int
    ids: list[int]
    by_token: dict[str, set[int]]

    def text(self, typed: str) -> set[int]:
        found = set(self.ids)
        for word in typed.split():
            found &= {
                i for token, ids in self.by_token.items() if token.startswith(word) for i in ids
            }
        return found

    def where(self, clause: str, *params: object) -> set[int]:
        rows = self.db.execute(
            f"SELECT id FROM issue WHERE assessment_id = ? AND {clause}",
            (self.assessment_id, *params),
        )
        return {int(r[0]) for r in rows}

    def refs(self, ids: set[int]) -> set[str]:
        rows = self.db.execute(
            "SELECT id, ref FROM issue WHERE assessment_id = ?", (self.assessment_id,)
        )
        return {str(ref) for ident, ref in rows if ident in ids}


@pytest.fixture(scope="module")
def big(big_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    folder = tmp_path_factory.mktemp("big-log")
    context = build_context(AppPaths(folder / "data", big_store), today=lambda: TODAY)
    yield context
    context.close()


@pytest.fixture(scope="module")
def aid(big: Context) -> int:
    return next(s.id for s in big.assessments.list_summaries() if s.kind == "accessibility")


@pytest.fixture(scope="module")
def expected(big_store: Path, aid: int) -> Iterator[Expected]:
    db = sqlite3.connect(f"file:{big_store}?mode=ro", uri=True)
    by_token: dict[str, set[int]] = defaultdict(set)
    ids = []
    for ident, *texts in db.execute(
        f"SELECT id, {FTS_COLUMNS} FROM issue WHERE assessment_id = ?", (aid,)
    ):
        ids.append(int(ident))
        for token in tokens(" ".join(str(t) for t in texts)):
            by_token[token].add(int(ident))
    assert len(ids) == 100_037
    yield Expected(db, aid, ids, by_token)
    db.close()


TYPED = ["s", "sy", "syn", "synthetic", "synthetic inc", "incident", "jaws", "jaws call", "zz"]


@pytest.mark.parametrize("typed", TYPED)
def test_text_filter_letter_by_letter_matches_an_independent_index(
    big: Context, aid: int, expected: Expected, typed: str
) -> None:
    wanted = expected.text(typed)
    page = big.issues.page(aid, IssueFilter(text=typed))
    assert page.total == len(wanted)
    assert page.everything == 100_037
    refs = [r.ref for r in page.rows]
    assert set(refs) <= expected.refs(wanted)
    assert len(refs) == min(200, len(wanted))


@pytest.mark.parametrize(
    ("chosen", "clause", "params"),
    [
        (IssueFilter(severity="critical"), "severity = ?", ("critical",)),
        (IssueFilter(status="retest_failed"), "status = ?", ("retest_failed",)),
        (IssueFilter(assistive_tech="JAWS 2025"), "assistive_tech = ?", ("JAWS 2025",)),
        (IssueFilter(screen="Map view"), "screen = ?", ("Map view",)),
        (
            IssueFilter(criterion="1.4.3"),
            "id IN (SELECT issue_id FROM issue_criterion WHERE criterion = ?)",
            ("1.4.3",),
        ),
        (
            IssueFilter(severity="serious", status="open", screen="Call queue"),
            "severity = ? AND status = ? AND screen = ?",
            ("serious", "open", "Call queue"),
        ),
    ],
)
def test_facet_filters_match_sql_alone_and_with_text(
    big: Context,
    aid: int,
    expected: Expected,
    chosen: IssueFilter,
    clause: str,
    params: tuple[object, ...],
) -> None:
    wanted = expected.where(clause, *params)
    page = big.issues.page(aid, chosen)
    assert page.total == len(wanted) > 0
    assert {r.ref for r in page.rows} <= expected.refs(wanted)
    typed = IssueFilter(**{**chosen.__dict__, "text": "synth"})
    both = wanted & expected.text("synth")
    assert big.issues.page(aid, typed).total == len(both) > 0


def test_facet_counts_match_sql_for_the_current_filter(
    big: Context, aid: int, expected: Expected
) -> None:
    chosen = IssueFilter(text="synthetic", severity="minor")
    facets = big.issues.facets(aid, chosen)
    synthetic = expected.text("synthetic")
    minor = expected.where("severity = 'minor'")
    for facet, column in (("status", "status"), ("screen", "screen")):
        counts: dict[str, int] = defaultdict(int)
        for ident, value in expected.db.execute(
            f"SELECT id, {column} FROM issue WHERE assessment_id = ?", (aid,)
        ):
            if ident in synthetic and ident in minor and value:
                counts[str(value)] += 1
        assert dict(facets[facet]) == dict(counts)
    by_severity: dict[str, int] = defaultdict(int)
    for ident, severity in expected.db.execute(
        "SELECT id, severity FROM issue WHERE assessment_id = ?", (aid,)
    ):
        if ident in synthetic:
            by_severity[str(severity)] += 1
    assert dict(facets["severity"]) == dict(by_severity)  # its own choice is let go


# --- the Qt model, paging and filtering under both model testers -------------------------------
def reader(big: Context, aid: int, chosen: IssueFilter, sort: IssueSort) -> Any:
    asked: list[int] = []

    def read(offset: int, limit: int, deliver: Callable[[IssueLogPage], None]) -> None:
        asked.append(offset)
        deliver(big.issues.page(aid, chosen, offset, limit, sort))

    read.asked = asked  # type: ignore[attr-defined]
    return read


def test_log_model_passes_the_model_testers_while_paging_and_filtering(
    qtmodeltester: ModelTester, qtlog: Any, big: Context, aid: int, expected: Expected
) -> None:
    model = IssueLogModel()
    qtmodeltester.check(model)
    python = ModelTester(None)
    python.check(model, force_py=True)

    def clean() -> None:
        failures = [r.message for r in qtlog.records if r.message.startswith("FAIL!")]
        assert failures == []

    for chosen, sort, pages in (
        (IssueFilter(), IssueSort(), 12),
        (IssueFilter(text="syn", severity="critical"), IssueSort("severity"), 10),
        (IssueFilter(text="incident", criterion="2.4.7"), IssueSort("title", True), 1000),
        (IssueFilter(text="nothing-matches-this"), IssueSort(), 1000),
    ):
        read = reader(big, aid, chosen, sort)
        model.reset(big.issues.page(aid, chosen, 0, IssueLogModel.PAGE, sort), read)
        clean()
        for _ in range(pages):
            if not model.canFetchMore(QModelIndex()):
                break
            model.fetchMore(QModelIndex())
            clean()
        refs = [r.ref for r in model.rows]
        assert len(refs) == len(set(refs)), "an issue is repeated across pages"
        assert read.asked == list(range(IssueLogModel.PAGE, len(refs), IssueLogModel.PAGE))
        if pages == 1000:  # paged to the end
            assert len(refs) == model.total
    python._cleanup()
    wanted = expected.text("incident") & expected.where(
        "id IN (SELECT issue_id FROM issue_criterion WHERE criterion = '2.4.7')"
    )
    assert model.total == 0 and len(wanted) > 0


def test_panel_filters_as_you_type_and_counts_in_its_heading(  # type: ignore[no-untyped-def]
    qtbot, big: Context, aid: int, expected: Expected
) -> None:
    document = big.assessments.document(aid, with_issues=False)
    panel = IssueLogPanel(big.assessments.template_for(document), document, editable=True)
    qtbot.addWidget(panel)
    panel.resize(1200, 700)
    panel.show()
    spoken: list[str] = []

    def run(_label: str, work: Any, done: Any, _failed: Any) -> None:
        done(work(big.issues))

    def fail(error: BaseException) -> None:
        raise error

    panel.attach(IssueSource(aid, run, run, fail, spoken.append, lambda: TODAY))
    assert panel.count.text() == "100,037 issues"
    for typed in "incid":
        qtbot.keyClicks(panel.text, typed)
    wanted = expected.text("incid")
    assert panel.count.text() == f"{len(wanted):,} of 100,037 issues"
    assert panel.model.total == len(wanted) and panel.model.rowCount() == IssueLogModel.PAGE
    qtbot.waitUntil(lambda: panel.combos["severity"].count() > 1, timeout=10_000)
    critical = panel.combos["severity"].findData("critical")
    count = len(wanted & expected.where("severity = 'critical'"))
    assert panel.combos["severity"].itemText(critical) == f"Critical ({count:,})"
    panel.combos["severity"].setCurrentIndex(critical)
    assert panel.model.total == count
    assert {r.severity for r in panel.model.rows} == {"critical"}

    def scrolled_to_end() -> bool:
        panel.view.scrollToBottom()
        return panel.model.rowCount() == count

    qtbot.waitUntil(scrolled_to_end, timeout=60_000)
    assert {r.ref for r in panel.model.rows} == expected.refs(
        wanted & expected.where("severity = 'critical'")
    )
    panel.clear_filters()
    assert panel.count.text() == "100,037 issues"
