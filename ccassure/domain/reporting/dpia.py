"""A DPIA's report: screening verdict, the seven steps, risk register, heat maps, Art 36 flag."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from ccassure.domain.document import Risk
from ccassure.domain.report import Block, Facts, HeatMap, Section, Table, Text
from ccassure.domain.reporting.common import (
    KindContent,
    ReportInputs,
    checklist_section,
    template_sections,
)
from ccassure.domain.reporting.words import joined, plural
from ccassure.domain.scoring import (
    RISK_MATRIX,
    highest_level,
    inherent_rating,
    needs_prior_consultation,
    rate,
    residual_rating,
)
from ccassure.domain.screening import screening_verdict
from ccassure.domain.templates import Section as TemplateSection
from ccassure.domain.templates import Template

REGISTER_AFTER = "step6"
PRIOR_CONSULTATION = "Prior consultation (UK GDPR Art 36 / DPA 2018 s65)"


def _label(template: Template, scale: str, key: str) -> str:
    found = template.scales.get(scale)
    levels = found.levels if found else ()
    return next((level.label for level in levels if level.key == key), key)


def inherent_cell(risk: Risk) -> tuple[str, str]:
    return risk.likelihood, risk.severity


def residual_cell(risk: Risk) -> tuple[str, str]:
    return (
        risk.residual_likelihood or risk.likelihood,
        risk.residual_severity or risk.severity,
    )


def heat_counts(risks: Iterable[Risk], residual: bool) -> Counter[tuple[str, str]]:
    """Open risks by cell; after measures an eliminated risk is no longer counted."""
    if residual:
        return Counter(
            residual_cell(r) for r in risks if r.status == "open" and r.effect != "eliminated"
        )
    return Counter(inherent_cell(r) for r in risks if r.status == "open")


def heat_map(template: Template, risks: Iterable[Risk], residual: bool) -> HeatMap:
    """Rows: most likely first; columns: least severe first; each cell its count and rating."""
    matrix = template.matrices[RISK_MATRIX]
    rows = tuple(reversed(template.scales[matrix.rows].levels))
    columns = template.scales[matrix.columns].levels
    counts = heat_counts(risks, residual)
    when = "after measures (residual)" if residual else "before measures (inherent)"
    return HeatMap(
        caption=f"Open risks {when} by likelihood and severity",
        row_labels=tuple(level.label for level in rows),
        column_labels=tuple(level.label for level in columns),
        counts=tuple(tuple(counts[(r.key, c.key)] for c in columns) for r in rows),
        ratings=tuple(
            tuple(rate(template, RISK_MATRIX, r.key, c.key) for c in columns) for r in rows
        ),
        rating_labels=tuple(
            (level.key, level.label) for level in template.scales[matrix.result].levels
        ),
        row_title=template.scales[matrix.rows].label,
        column_title=template.scales[matrix.columns].label,
    )


def _rating_text(template: Template, likelihood: str, severity: str, rating: str) -> str:
    matrix = template.matrices[RISK_MATRIX]
    return (
        f"{_label(template, matrix.rows, likelihood)} × "
        f"{_label(template, matrix.columns, severity)}: {_label(template, matrix.result, rating)}"
    )


def risk_register(inputs: ReportInputs) -> Section:
    template, risks = inputs.template, inputs.document.risks
    if not risks:
        return Section("Risk register", (Text("No risks are recorded in the register."),))
    rows = []
    details = []
    for risk in risks:
        inherent = _rating_text(template, *inherent_cell(risk), inherent_rating(template, risk))
        residual = (
            "Eliminated"
            if risk.effect == "eliminated"
            else _rating_text(template, *residual_cell(risk), residual_rating(template, risk))
        )
        effect = _label(template, "effect", risk.effect) if risk.effect else "Not assessed"
        approved = "Yes" if risk.measure_approved else "No"
        rows.append(
            (
                risk.ref,
                risk.title,
                inherent,
                effect,
                residual,
                approved,
                risk.owner,
                risk.status.title(),
            )
        )
        details.append(
            Facts(
                (
                    ("Risk", f"{risk.ref} {risk.title}"),
                    ("Description", risk.description),
                    ("Source and nature of harm", risk.source),
                    ("Inherent risk", inherent),
                    ("Measures", risk.measures),
                    ("Effect of the measures", effect),
                    ("Residual risk", residual),
                    ("Measure approved", approved),
                    ("Owner", risk.owner),
                    ("Status", risk.status.title()),
                )
            )
        )
    table = Table(
        "Risk register",
        ("Ref", "Risk", "Inherent", "Effect", "Residual", "Measure approved", "Owner", "Status"),
        rows,
        # At least the widest word: "Significant:", "Eliminated", "approved", "Management,"
        (1.2, 6.8, 2.8, 2.6, 2.8, 2.6, 3.3, 2.0),
    )
    blocks: list[Block] = [
        Text(f"{plural(len(risks), 'risk')} in the register. {_rating_sentence(inputs)}"),
        table,
        heat_map(template, risks, residual=False),
        heat_map(template, risks, residual=True),
    ]
    return Section("Risk register", tuple(blocks), (Section("Risk details", tuple(details)),))


def residual_counts(inputs: ReportInputs) -> Counter[str]:
    template = inputs.template
    return Counter(
        residual_rating(template, r) for r in inputs.document.risks if r.status == "open"
    )


def _rating_sentence(inputs: ReportInputs) -> str:
    template = inputs.template
    counts = residual_counts(inputs)
    levels = list(reversed(template.scales[template.matrices[RISK_MATRIX].result].levels))
    parts = [f"{counts[level.key]} {level.label.lower()}" for level in levels]
    total = sum(counts.values())
    return f"After measures, the {plural(total, 'open risk')} rate {joined(parts)}."


def high_residual_refs(inputs: ReportInputs) -> list[str]:
    template = inputs.template
    top = highest_level(template)
    return [
        r.ref
        for r in inputs.document.risks
        if r.status == "open" and residual_rating(template, r) == top
    ]


def prior_consultation_text(inputs: ReportInputs) -> Text:
    if needs_prior_consultation(inputs.template, inputs.document):
        refs = joined(high_residual_refs(inputs))
        return Text(
            f"A high residual risk remains ({refs}): the ICO must be consulted before the "
            "processing starts (UK GDPR Art 36; for Part 3 processing, the Commissioner under "
            "DPA 2018 s65).",
            "warning",
        )
    return Text(
        "No open risk remains high after measures: prior consultation with the ICO "
        "(UK GDPR Art 36 / DPA 2018 s65) is not needed."
    )


def _screening(inputs: ReportInputs, section: TemplateSection) -> Section:
    answers = {key: response.value for key, response in inputs.answers.items()}
    verdict = screening_verdict(inputs.template, answers)
    before = [Text(f"Screening outcome: {verdict.text()}")] if verdict else []
    return checklist_section(inputs, section, before)


def dpia_content(inputs: ReportInputs) -> KindContent:
    has_register = RISK_MATRIX in inputs.template.matrices
    extra = (
        [risk_register(inputs), Section(PRIOR_CONSULTATION, (prior_consultation_text(inputs),))]
        if has_register
        else []
    )
    keys = [s.key for s in inputs.template.sections]
    anchor = REGISTER_AFTER if REGISTER_AFTER in keys else keys[-1]
    sections = template_sections(inputs, {"screening": _screening}, {anchor: extra})
    answers = {key: response.value for key, response in inputs.answers.items()}
    verdict = screening_verdict(inputs.template, answers)
    sentences = [f"Screening: {verdict.text()}"] if verdict else []
    if has_register:
        sentences.append(
            f"{plural(len(inputs.document.risks), 'risk')} assessed. {_rating_sentence(inputs)}"
        )
        sentences.append(prior_consultation_text(inputs).text)
    return KindContent(tuple(sentences), sections)
