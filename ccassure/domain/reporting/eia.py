"""An EIA's report: the aims, the impact matrix by protected characteristic, outcome, actions."""

from __future__ import annotations

from collections import Counter

from ccassure.domain.report import Block, Section, Table, Text
from ccassure.domain.reporting.common import (
    KindContent,
    ReportInputs,
    actions_section,
    checklist_section,
    template_sections,
)
from ccassure.domain.reporting.words import joined, long_date, plural
from ccassure.domain.templates import Section as TemplateSection

CHARACTERISTICS = "protected_characteristics"
IMPACT_SCALE = "impact"
SERIOUSNESS_SCALE = "negative_rating"
IMPACT_AFTER = "impact"
ACTION_PLAN = "action-plan"
OUTCOME_ITEM = "outcome.decision"
MATRIX_TITLE = "Impact matrix by protected characteristic"
LINKED_TITLE = "Linked accessibility findings"


def _levels(inputs: ReportInputs, scale: str) -> dict[str, str]:
    found = inputs.template.scales.get(scale)
    return {level.key: level.label for level in found.levels} if found else {}


def characteristics(inputs: ReportInputs) -> list[tuple[str, str]]:
    """(key, label) of every protected characteristic, then any other line the EIA has."""
    listed = [(c.key, c.label) for c in inputs.template.lists.get(CHARACTERISTICS, ())]
    known = {key for key, _ in listed}
    extra = [(i.characteristic, i.characteristic) for i in inputs.document.impacts]
    return listed + [(key, label) for key, label in extra if key not in known]


def impact_matrix(inputs: ReportInputs) -> Section:
    effects, seriousness = _levels(inputs, IMPACT_SCALE), _levels(inputs, SERIOUSNESS_SCALE)
    impacts = {i.characteristic: i for i in inputs.document.impacts}
    linked: dict[str, list[str]] = {}
    for line in inputs.linked:
        linked.setdefault(line.characteristic, []).append(f"{line.label} ({line.assessment})")
    headings = ["Characteristic", "Impact", "Seriousness", "Rationale", "Evidence", "Mitigation"]
    # The first three at least as wide as "Characteristic", "Unknown", "Seriousness" (bold).
    widths = [7.2, 4.6, 6.3, 12.2, 8.6, 9.3]
    if linked:
        headings.append("Linked accessibility findings")
        widths[3:] = [9.5, 6.7, 7.2, 6.7]
    rows = []
    for key, label in characteristics(inputs):
        impact = impacts.get(key)
        row = (
            [
                label,
                effects.get(impact.effect, impact.effect),
                seriousness.get(impact.rating, impact.rating) or "—",
                impact.rationale,
                impact.evidence,
                impact.mitigation,
            ]
            if impact
            else [label, "Not assessed", "—", "", "", ""]
        )
        if linked:
            row.append("; ".join(linked.get(key, ())))
        rows.append(tuple(row))
    table = Table(MATRIX_TITLE, tuple(headings), rows, tuple(widths))
    blocks: list[Block] = [Text(impact_sentence(inputs)), table]
    if linked:
        blocks.append(
            Text(
                "Linked accessibility findings are read from the linked assessments as they "
                f"stood on {long_date(inputs.today)}; they are not part of this version's "
                "content hash and may have changed since.",
                "note",
            )
        )
    return Section(MATRIX_TITLE, tuple(blocks))


def impact_sentence(inputs: ReportInputs) -> str:
    effects, seriousness = _levels(inputs, IMPACT_SCALE), _levels(inputs, SERIOUSNESS_SCALE)
    labels = dict(characteristics(inputs))
    counts = Counter(i.effect for i in inputs.document.impacts)
    parts = [f"{counts[key]} {label.lower()}" for key, label in effects.items() if counts[key]]
    negative = [
        f"{labels.get(i.characteristic, i.characteristic).lower()}"
        + (f" ({seriousness.get(i.rating, i.rating).lower()})" if i.rating else "")
        for i in inputs.document.impacts
        if i.effect == "negative"
    ]
    missing = len(labels) - len({i.characteristic for i in inputs.document.impacts})
    text = f"Impacts on the protected characteristics: {joined(parts) or 'none assessed yet'}."
    if negative:
        text += f" Negative impact on {joined(negative)}."
    if missing > 0:
        text += f" {plural(missing, 'characteristic')} not yet assessed."
    return text


def linked_section(inputs: ReportInputs) -> Section:
    labels = dict(characteristics(inputs))
    rows = [
        (labels.get(line.characteristic, line.characteristic), line.assessment, line.label)
        for line in inputs.linked
    ]
    return Section(
        LINKED_TITLE,
        (
            Text("Findings of accessibility assessments linked to lines of this EIA."),
            Table(LINKED_TITLE, ("Characteristic", "Accessibility assessment", "Finding"), rows),
        ),
    )


def _action_plan(inputs: ReportInputs, section: TemplateSection) -> Section:
    table = actions_section(inputs, "Actions").blocks
    return checklist_section(inputs, section, children=(Section("Actions", table),))


def eia_content(inputs: ReportInputs) -> KindContent:
    keys = {s.key for s in inputs.template.sections}
    extra: list[Section] = [impact_matrix(inputs)]
    if inputs.linked:
        extra.append(linked_section(inputs))
    anchor = IMPACT_AFTER if IMPACT_AFTER in keys else inputs.template.sections[-1].key
    render = {ACTION_PLAN: _action_plan} if ACTION_PLAN in keys else {}
    sections = template_sections(inputs, render, {anchor: extra})
    outcome = inputs.value(OUTCOME_ITEM)
    texts = [impact_sentence(inputs)]
    if outcome:
        texts.append(f"Outcome: {inputs.template.answer_label(OUTCOME_ITEM, outcome)}.")
    if inputs.linked:
        texts.append(f"{plural(len(inputs.linked), 'accessibility finding')} linked to this EIA.")
    return KindContent(tuple(texts), sections, actions=ACTION_PLAN not in keys)
