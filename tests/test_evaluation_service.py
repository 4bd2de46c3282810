"""The evaluation service on the demo store: scope, grid cells, conformance, links to the EIA."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ccassure.domain.document import Evaluation, Sample, Scope, content_hash
from ccassure.services.context import Context, build_context
from ccassure.services.errors import ServiceError
from ccassure.services.paths import AppPaths
from ccassure.store.errors import StoreError
from tests.conftest import TODAY


@pytest.fixture
def demo(demo_store: Path, tmp_path: Path) -> Iterator[Context]:
    store = tmp_path / "demo.db"
    shutil.copy(demo_store, store)
    context = build_context(AppPaths(tmp_path / "data", store), today=lambda: TODAY)
    yield context
    context.close()


def first(context: Context, kind: str, status: str | None = "draft") -> int:
    return next(
        s.id
        for s in context.assessments.list_summaries()
        if s.kind == kind and status in (None, s.status)
    )


def row(context: Context, ident: int, number: str):  # type: ignore[no-untyped-def]
    return next(r for r in context.evaluations.grid(ident).rows if r.criterion.number == number)


def test_the_demo_grid_has_every_criterion_over_the_sample(demo: Context) -> None:
    ident = first(demo, "accessibility")
    grid = demo.evaluations.grid(ident)
    assert len(grid.rows) == 86 and len(grid.scope.samples) == 7 and len(grid.evaluations) == 12
    assert grid.editable
    contrast = row(demo, ident, "1.4.3")
    assert [c.outcome for c in contrast.cells if c.outcome != "untested"] == ["failed", "passed"]
    assert contrast.conformance.label == "Partially Supports (so far)"
    assert contrast.conformance.progress == "2 of 7 checked"
    assert row(demo, ident, "2.5.7").conformance.label == "not yet evaluated"
    texts = [s.text() for s in grid.summaries]
    assert texts[0] == "Level A (31 criteria): 1 Partially Supports, 1 Does Not Support, " + (
        "29 not yet evaluated"
    )
    assert texts[2] == "Level AAA (31 criteria): 31 Not Evaluated"


def test_the_grid_filters_by_level_and_principle(demo: Context) -> None:
    ident = first(demo, "accessibility")
    operable = demo.evaluations.grid(ident, levels=["AA"], principle="Operable").rows
    assert [r.criterion.number for r in operable] == [
        "2.4.5",
        "2.4.6",
        "2.4.7",
        "2.4.11",
        "2.5.7",
        "2.5.8",
    ]
    assert len(demo.evaluations.grid(ident, levels=["A", "AA"]).rows) == 55
    assert len(demo.evaluations.grid(ident, principle="Robust").rows) == 2


def test_setting_cells_changes_the_term_and_an_emptied_cell_leaves_no_row(demo: Context) -> None:
    ident = first(demo, "accessibility")
    for sample in ("Log-in", "Call queue", "Incident form", "Search", "Map view"):
        demo.evaluations.set_evaluation(
            ident, Evaluation(criterion="1.4.3", sample=sample, outcome="passed")
        )
    demo.evaluations.set_evaluation(
        ident, Evaluation(criterion="1.4.3", sample="Despatch screen", outcome="inapplicable")
    )
    assert row(demo, ident, "1.4.3").conformance.label == "Supports"
    demo.evaluations.set_evaluation(
        ident, Evaluation(criterion="1.4.3", sample="Map view", outcome="failed", notes="2.1:1")
    )
    result = row(demo, ident, "1.4.3")
    assert result.conformance.label == "Partially Supports"
    assert result.cells[4].notes == "2.1:1"
    before = len(demo.evaluations.grid(ident).evaluations)
    demo.evaluations.set_evaluation(
        ident, Evaluation(criterion="1.4.3", sample="Map view", outcome="untested")
    )
    assert len(demo.evaluations.grid(ident).evaluations) == before - 1
    document = demo.assessments.document(ident)
    demo.assessments.validate(document)  # the whole document still fits its template


def test_cells_outside_the_scope_or_the_criteria_are_refused(demo: Context) -> None:
    ident = first(demo, "accessibility")
    with pytest.raises(ServiceError, match="not in the evaluation scope"):
        demo.evaluations.set_evaluation(
            ident, Evaluation(criterion="1.4.3", sample="Settings", outcome="passed")
        )
    with pytest.raises(ServiceError, match=r"4\.1\.1.*not a WCAG 2\.2 criterion"):
        demo.evaluations.set_evaluation(
            ident, Evaluation(criterion="4.1.1", sample="Log-in", outcome="passed")
        )
    with pytest.raises(ServiceError, match="accessibility"):
        demo.evaluations.grid(first(demo, "dpia", None))


def test_writes_are_refused_out_of_draft_and_when_overtaken(
    demo: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    ident = first(demo, "accessibility")
    cell = Evaluation(criterion="1.4.3", sample="Log-in", outcome="passed")
    monkeypatch.setattr(demo.store.reader(), "stamp", lambda _ident: "an older reading")
    with pytest.raises(StoreError, match="changed elsewhere"):
        demo.evaluations.set_evaluation(ident, cell)
    monkeypatch.undo()
    with demo.store.transaction() as writer:  # as if submitted (the demo has gaps)
        writer.set_status(ident, "in_review", None)
    with pytest.raises(ServiceError) as refused:
        demo.evaluations.set_evaluation(ident, cell)
    assert refused.value.kind == "workflow"
    assert not demo.evaluations.grid(ident).editable


def test_a_renamed_sample_keeps_its_results_and_a_removed_one_gives_them_back(
    demo: Context,
) -> None:
    ident = first(demo, "accessibility")
    scope = demo.evaluations.grid(ident).scope
    samples = [
        s.model_copy(update={"name": "Call queue (999 and 101)"}) if s.name == "Call queue" else s
        for s in scope.samples
        if s.name != "Despatch screen"
    ]
    changed = scope.model_copy(update={"samples": tuple(samples)})
    removed = demo.evaluations.set_scope(
        ident, changed, renamed={"Call queue": "Call queue (999 and 101)"}
    )
    assert sorted(e.criterion for e in removed) == ["2.4.11", "2.4.7", "2.5.8"]
    grid = demo.evaluations.grid(ident)
    assert len(grid.evaluations) == 9
    assert {e.criterion for e in grid.evaluations if e.sample == "Call queue (999 and 101)"} == {
        "1.4.3",
        "4.1.3",
        "1.2.2",
    }
    demo.evaluations.set_scope(
        ident, scope, renamed={"Call queue (999 and 101)": "Call queue"}, restore=removed
    )
    again = demo.evaluations.grid(ident)
    assert again.scope == scope
    assert sorted(again.evaluations, key=str) == sorted(
        demo.evaluations.grid(ident).evaluations, key=str
    )
    assert len(again.evaluations) == 12


def test_samples_may_swap_names_but_not_share_one(demo: Context) -> None:
    ident = first(demo, "accessibility")
    scope = demo.evaluations.grid(ident).scope
    demo.evaluations.set_scope(ident, scope, renamed={"Map view": "Search", "Search": "Map view"})
    moved = {e.criterion for e in demo.evaluations.grid(ident).evaluations if e.sample == "Search"}
    assert moved == {"2.1.1", "2.5.7"}  # the map's results now carry the other name
    twice = scope.model_copy(update={"samples": (Sample(name="Map"), Sample(name="MAP"))})
    with pytest.raises(ServiceError, match="two samples are called"):
        demo.evaluations.set_scope(ident, twice)
    blank = Scope(samples=(Sample(name=" "),))
    with pytest.raises(ServiceError, match="needs a name"):
        demo.evaluations.set_scope(ident, blank)
    assert len(demo.evaluations.grid(ident).evaluations) == 12  # nothing changed


def test_link_choices_put_the_same_components_eia_first(demo: Context) -> None:
    ident = first(demo, "accessibility")
    targets = demo.evaluations.link_targets(ident)
    assert targets and targets[0].same_component
    assert targets[0].title == "Equality impact assessment: Core C&C solution"
    assert targets[0].version == 2 and "same component" in targets[0].label


def test_links_to_the_eia_and_the_reverse_lookup(demo: Context) -> None:
    ident = first(demo, "accessibility")
    target = demo.evaluations.link_targets(ident)[0]
    approved = next(
        s
        for s in demo.assessments.list_summaries(kind="eia", all_versions=True)
        if s.uid == target.uid and s.status == "approved"
    )
    sealed = demo.assessments.document(approved.id)
    demo.evaluations.link(ident, "criterion:1.4.3", target.uid)
    demo.evaluations.link(ident, "criterion:1.4.3", target.uid)  # once is enough
    demo.evaluations.link(ident, "issue:AT-0016", target.uid)
    for eia in (target.assessment_id, approved.id):  # every version of the EIA sees them
        found = demo.evaluations.linked_findings(eia)
        assert [f.label for f in found] == [
            "1.4.3 Contrast (Minimum): Partially Supports (so far)",
            "AT-0016 Incident pins cannot be reached with the keyboard (critical, open)",
        ]
        assert {f.characteristic for f in found} == {"disability"}
    assert row(demo, ident, "1.4.3").links
    document = demo.assessments.document(approved.id)
    assert content_hash(document) == sealed.sealed_hash  # the sealed EIA is untouched
    demo.evaluations.unlink(ident, "criterion:1.4.3", target.uid)
    assert [f.link.source for f in demo.evaluations.linked_findings(target.assessment_id)] == [
        "issue:AT-0016"
    ]


def test_bad_links_are_refused(demo: Context) -> None:
    ident = first(demo, "accessibility")
    target = demo.evaluations.link_targets(ident)[0]
    dpia = demo.assessments.summary(first(demo, "dpia", None))
    for source, uid, line, message in (
        ("criterion:9.9.9", target.uid, "impact:disability", "not a WCAG 2.2 criterion"),
        ("issue:AT-9999", target.uid, "impact:disability", "no issue AT-9999"),
        ("criterion:1.4.3", dpia.uid, "impact:disability", "EIA of the same programme"),
        ("criterion:1.4.3", target.uid, "impact:eyesight", "no impact line eyesight"),
        ("screen:Map", target.uid, "impact:disability", "cannot link"),
    ):
        with pytest.raises(ServiceError, match=message):
            demo.evaluations.link(ident, source, uid, line)
    assert demo.evaluations.grid(ident).links == ()
