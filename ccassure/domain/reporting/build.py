"""build_report: one assessment version, with its sign-offs and history, as a Report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from ccassure.domain.checklist import checklist_for
from ccassure.domain.completeness import completeness
from ccassure.domain.document import AssessmentDocument, content_hash
from ccassure.domain.report import Report
from ccassure.domain.reporting.accessibility import accessibility_content
from ccassure.domain.reporting.common import (
    KindContent,
    LinkedLine,
    ReportInputs,
    actions_section,
    cover_pairs,
    executive_summary,
    hash_section,
    history_section,
    signoff_section,
)
from ccassure.domain.reporting.dpia import dpia_content
from ccassure.domain.reporting.eia import eia_content
from ccassure.domain.reporting.environmental import environmental_content
from ccassure.domain.reporting.words import KIND_LABELS, long_date, status_label
from ccassure.domain.signoff import SignoffView, VersionLine
from ccassure.domain.templates import Template

BUILDERS: dict[str, Callable[[ReportInputs], KindContent]] = {
    "dpia": dpia_content,
    "eia": eia_content,
    "accessibility": accessibility_content,
    "environmental": environmental_content,
}


def report_inputs(
    document: AssessmentDocument,
    template: Template,
    signoffs: Sequence[SignoffView],
    history: Sequence[VersionLine],
    today: date,
    linked: Sequence[LinkedLine] = (),
    known_hash: str | None = None,
) -> ReportInputs:
    """`known_hash`: the document's content hash if the caller has computed it already."""
    checklist = checklist_for(template, document.custom_items)
    return ReportInputs(
        document=document,
        template=checklist,
        answers={r.item: r for r in document.responses},
        state=completeness(template, document),
        signoffs=signoffs,
        history=history,
        today=today,
        content_hash=known_hash or content_hash(document),
        linked=linked,
    )


def build_report(
    document: AssessmentDocument,
    template: Template,
    signoffs: Sequence[SignoffView],
    history: Sequence[VersionLine],
    today: date,
    linked: Sequence[LinkedLine] = (),
    known_hash: str | None = None,
) -> Report:
    """Every template section and item of the assessment's own, in order; user text verbatim."""
    inputs = report_inputs(document, template, signoffs, history, today, linked, known_hash)
    header = document.assessment
    content = BUILDERS[header.kind](inputs)
    kind_label = KIND_LABELS.get(header.kind, header.kind)
    sections = (
        executive_summary(inputs, content.sentences),
        *content.sections,
        *((actions_section(inputs),) if content.actions else ()),
        signoff_section(inputs),
        history_section(inputs),
        hash_section(inputs),
    )
    return Report(
        title=header.title,
        kind_label=kind_label,
        programme=header.programme.name,
        component=header.component.name,
        version=header.version,
        status=status_label(header.status),
        generated_on=long_date(today),
        marking=header.marking,
        author=header.owner,
        subject=f"{kind_label}: {header.component.name}, version {header.version}",
        content_hash=inputs.content_hash,
        sections=sections,
        cover=cover_pairs(inputs),
    )
