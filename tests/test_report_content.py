"""What each kind's report says: every section and item, counts that match the data, user
text kept verbatim, Part 3 that does not apply, and sign-off states."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ccassure.domain.checklist import checklist_for
from ccassure.domain.document import AssessmentDocument, CustomItem, Response
from ccassure.domain.report import Facts, HeatMap, Report, Section, Table, Text
from ccassure.domain.reporting.build import build_report
from ccassure.domain.reporting.signoffs import plain_signoff_views
from ccassure.domain.signoff import STATE_TEXT
from ccassure.domain.templates import Template
from ccassure.services.context import Context
from tests.conftest import TODAY
from tests.test_actions import open_copy

HOSTILE = '<img src="http://example.invalid/x.png" onerror="alert(1)"> & <b>bold</b>'


@pytest.fixture(scope="module")
def demo(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    context = open_copy(demo_store, tmp_path_factory.mktemp("reports"))
    yield context
    context.close()


def sections(report: Report) -> list[Section]:
    found: list[Section] = []

    def walk(section: Section) -> None:
        found.append(section)
        for child in section.children:
            walk(child)

    for section in report.sections:
        walk(section)
    return found


def texts(report: Report) -> list[str]:
    """Every string a reader can see in the report's blocks."""
    found: list[str] = []
    for section in sections(report):
        found.append(section.title)
        for block in section.blocks:
            if isinstance(block, Text):
                found.append(block.text)
            elif isinstance(block, Facts):
                found.extend(value for pair in block.pairs for value in pair)
            elif isinstance(block, Table):
                found.extend(cell for row in block.rows for cell in row)
    return found


def document_of(demo: Context, kind: str, status: str | None = None) -> AssessmentDocument:
    summary = next(
        s
        for s in demo.assessments.list_summaries(kind, all_versions=True)
        if status is None or s.status == status
    )
    return demo.assessments.document(summary.id)


def build(document: AssessmentDocument, template: Template) -> Report:
    return build_report(document, template, plain_signoff_views(document, template), (), TODAY)


def every_id(demo: Context) -> list[int]:
    return [s.id for s in demo.assessments.list_summaries(all_versions=True)]


def test_every_template_section_of_every_demo_assessment_is_in_its_report(demo: Context) -> None:
    for ident in every_id(demo):
        document = demo.assessments.document(ident)
        template = demo.assessments.template_for(document)
        report = demo.reports.report(ident)
        titles = {s.title for s in sections(report)}
        wanted = {s.title for s in checklist_for(template, document.custom_items).sections}
        assert wanted <= titles, (ident, wanted - titles)
        assert report.sections[0].title == "Executive summary"
        assert report.sections[-1].title == "Content hash and how to verify it"
        assert {"Sign-off", "Version history"} <= titles
        assert report.marking == document.assessment.marking
        assert report.version == document.assessment.version


def test_every_answer_of_every_demo_assessment_is_in_its_report(demo: Context) -> None:
    for ident in every_id(demo):
        document = demo.assessments.document(ident)
        template = demo.assessments.template_for(document)
        shown = "\n".join(texts(demo.reports.report(ident)))
        for response in document.responses:
            if response.comment:
                assert response.comment in shown, (ident, response.item)
            item = template.item(response.item)
            if item is not None and item.answer == "text" and response.value:
                assert response.value in shown, (ident, response.item)


def heat_maps(report: Report) -> list[HeatMap]:
    return [b for s in sections(report) for b in s.blocks if isinstance(b, HeatMap)]


def test_heat_map_counts_are_the_open_risks_in_each_cell(demo: Context) -> None:
    for summary in demo.assessments.list_summaries("dpia", all_versions=True):
        document = demo.assessments.document(summary.id)
        template = demo.assessments.template_for(document)
        inherent, residual = heat_maps(demo.reports.report(summary.id))
        likelihood = {lv.label: lv.key for lv in template.scales["likelihood"].levels}
        severity = {lv.label: lv.key for lv in template.scales["severity"].levels}
        open_risks = [r for r in document.risks if r.status == "open"]
        for heat, residual_map in ((inherent, False), (residual, True)):
            for row, row_label in enumerate(heat.row_labels):
                for column, column_label in enumerate(heat.column_labels):
                    cell = (likelihood[row_label], severity[column_label])
                    expected = sum(
                        1
                        for r in open_risks
                        if (
                            (
                                r.residual_likelihood or r.likelihood,
                                r.residual_severity or r.severity,
                            )
                            if residual_map
                            else (r.likelihood, r.severity)
                        )
                        == cell
                        and not (residual_map and r.effect == "eliminated")
                    )
                    assert heat.counts[row][column] == expected, (summary.id, residual_map, cell)
        assert sum(map(sum, inherent.counts)) == len(open_risks)
        assert inherent.row_labels[0] == template.scales["likelihood"].levels[-1].label
        assert set(k for row in inherent.ratings for k in row) <= {"low", "medium", "high"}


def test_the_issue_log_has_a_row_per_issue_and_the_summary_adds_up(demo: Context) -> None:
    document = document_of(demo, "accessibility")
    report = demo.reports.report(document.assessment.id or 0)
    by_title = {s.title: s for s in sections(report)}
    log = next(b for b in by_title["Issue log"].blocks if isinstance(b, Table))
    assert len(log.rows) == len(document.issues) > 0
    assert [row[0] for row in log.rows] == [i.ref for i in document.issues]
    summary = next(b for b in by_title["Issue summary"].blocks if isinstance(b, Table))
    assert summary.rows[-1][-1] == str(len(document.issues))
    critical = next(row for row in summary.rows if row[0] == "Critical")
    assert critical[-1] == str(sum(1 for i in document.issues if i.severity == "critical"))
    matrix = next(b for b in by_title["Assistive-technology matrix"].blocks if isinstance(b, Table))
    assert sum(int(row[-1]) for row in matrix.rows) == len(document.issues)


def test_part3_says_it_does_not_apply_and_why(demo: Context) -> None:
    document = document_of(demo, "dpia", "approved")
    template = demo.assessments.template_for(document)
    part3 = next(s for s in template.sections if s.key == "part3")
    applying = next(s for s in sections(build(document, template)) if s.title == part3.title)
    assert any(isinstance(b, Table) for b in applying.blocks)
    other = [
        r for r in document.responses if r.item != "step1.regime" and not r.item.startswith("part3")
    ]
    gdpr = Response(item="step1.regime", value="uk-gdpr")
    changed = document.model_copy(update={"responses": (*other, gdpr)})
    section = next(s for s in sections(build(changed, template)) if s.title == part3.title)
    reasons = [b.text for b in section.blocks if isinstance(b, Text)]
    assert reasons[0].startswith("Does not apply")
    assert "UK GDPR and DPA 2018 Part 2" in reasons[0]
    assert not any(isinstance(b, Table) for b in section.blocks)


def test_custom_items_and_hostile_text_appear_verbatim(demo: Context) -> None:
    for kind in ("dpia", "eia", "accessibility", "environmental"):
        document = document_of(demo, kind)
        template = demo.assessments.template_for(document)
        custom = (
            CustomItem(
                key="custom.extra", section=template.sections[0].key, prompt="Our own check"
            ),
            CustomItem(key="custom.loose", section="custom", prompt=f"Loose {HOSTILE}"),
        )
        answers = (
            Response(item="custom.extra", value=HOSTILE, comment="a comment of ours"),
            Response(item="custom.loose", value="answered"),
        )
        header = document.assessment.model_copy(update={"title": f"Title {HOSTILE}"})
        changed = document.model_copy(
            update={
                "assessment": header,
                "custom_items": custom,
                "responses": (*document.responses, *answers),
            }
        )
        report = build(changed, template)
        shown = texts(report)
        assert report.title == f"Title {HOSTILE}"
        assert HOSTILE in shown and "Our own check" in shown and f"Loose {HOSTILE}" in shown
        assert "a comment of ours" in shown
        assert "Additional items" in {s.title for s in sections(report)}


def test_the_executive_summary_counts_the_residual_ratings(demo: Context) -> None:
    document = document_of(demo, "dpia", "approved")
    summary = next(s for s in demo.reports.report(document.assessment.id or 0).sections)
    open_risks = [r for r in document.risks if r.status == "open"]
    text = " ".join(b.text for b in summary.blocks if isinstance(b, Text))
    assert f"the {len(open_risks)} open risks rate" in text
    assert "prior consultation with the ICO" in text


def test_a_residual_high_risk_flags_prior_consultation(demo: Context) -> None:
    document = document_of(demo, "dpia", "approved")
    template = demo.assessments.template_for(document)
    high = document.risks[0].model_copy(
        update={
            "status": "open",
            "effect": "accepted",
            "residual_likelihood": "probable",
            "residual_severity": "severe",
        }
    )
    report = build(document.model_copy(update={"risks": (high, *document.risks[1:])}), template)
    flag = next(s for s in report.sections if s.title.startswith("Prior consultation"))
    warning = flag.blocks[0]
    assert isinstance(warning, Text) and warning.tone == "warning"
    assert high.ref in warning.text and "Art 36" in warning.text


def test_sign_offs_are_stale_or_altered_when_the_content_changed_and_unsigned_without_signature(
    demo: Context,
) -> None:
    document = document_of(demo, "dpia", "approved")
    template = demo.assessments.template_for(document)
    views = plain_signoff_views(document, template)
    assert len(views) == len(document.signoffs) > 0
    assert {v.state for v in views} == {"unsigned"}
    changed = document.model_copy(update={"responses": document.responses[1:]})
    # Sealed, then changed: every sign-off says the sealed content has changed since.
    assert {v.state for v in plain_signoff_views(changed, template)} == {"altered"}
    report = build(changed, template)
    table = next(b for s in sections(report) if s.title == "Sign-off" for b in s.blocks)
    assert isinstance(table, Table)
    assert {row[-1] for row in table.rows} == {STATE_TEXT["altered"]}
    # Not sealed: the records simply cover an earlier content.
    unsealed = changed.model_copy(update={"sealed_hash": None})
    assert {v.state for v in plain_signoff_views(unsealed, template)} == {"stale"}


def test_environmental_evidence_is_flagged_expired_or_expiring(demo: Context) -> None:
    document = document_of(demo, "environmental")
    template = demo.assessments.template_for(document)
    others = [r for r in document.responses if r.item not in ("iso.expiry", "crp.next-update")]
    dates = (
        Response(item="iso.expiry", value="2026-11-01"),
        Response(item="crp.next-update", value="2026-12-20"),
    )
    report = build(document.model_copy(update={"responses": (*others, *dates)}), template)
    shown = texts(report)
    assert "Expired on 1 November 2026" in shown
    assert "Expires within 60 days, on 20 December 2026" in shown
    summary = " ".join(b.text for b in report.sections[0].blocks if isinstance(b, Text))
    assert "expired: ISO 14001 certificate expiry date" in summary


def test_version_history_lists_every_version(demo: Context) -> None:
    revised = document_of(demo, "eia", "draft")
    history = demo.reports.history(revised.assessment.id or 0)
    assert [(line.version, line.status) for line in history] == [(1, "approved"), (2, "draft")]
    assert history[0].sealed_hash and history[0].signoffs > 0
    assert history[1].sealed_hash is None
