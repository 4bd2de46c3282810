"""A supplier environmental report: the checklist with evidence, and evidence that expires."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from ccassure.domain.report import Section, Table, Text
from ccassure.domain.reporting.common import (
    KindContent,
    ReportInputs,
    expiry_flag,
    template_sections,
)
from ccassure.domain.reporting.words import date_text, joined, plural

COMPLIANCE = "compliance"
EXPIRY_TITLE = "Evidence with an expiry date"


@dataclass(frozen=True)
class ExpiryState:
    prompt: str
    value: str
    flag: str
    expired: bool
    soon: bool


def expiry_states(inputs: ReportInputs) -> list[ExpiryState]:
    found = []
    for _, item in inputs.template.items():
        if not item.expires:
            continue
        value = inputs.value(item.key)
        flag = expiry_flag(value, inputs.today)
        found.append(
            ExpiryState(
                item.prompt,
                value,
                flag,
                flag.startswith("Expired"),
                flag.startswith("Expires within"),
            )
        )
    return found


def expiry_sentence(states: list[ExpiryState]) -> str:
    expired = [s.prompt for s in states if s.expired]
    soon = [s.prompt for s in states if s.soon]
    if not expired and not soon:
        return "No evidence has expired or expires within 60 days."
    parts = []
    if expired:
        parts.append(f"expired: {joined(expired)}")
    if soon:
        parts.append(f"expires within 60 days: {joined(soon)}")
    return f"Evidence {'; '.join(parts)}."


def compliance_sentence(inputs: ReportInputs) -> str:
    scale = inputs.template.scales.get(COMPLIANCE)
    if scale is None:
        return ""
    counts: Counter[str] = Counter()
    rated = 0
    for _, item in inputs.template.items():
        if item.answer == "rating" and item.scale == COMPLIANCE:
            rated += 1
            counts[inputs.value(item.key)] += 1
    parts = [f"{counts[level.key]} {level.label.lower()}" for level in scale.levels]
    if counts[""]:
        parts.append(f"{counts['']} not yet rated")
    return f"Of {plural(rated, 'rated requirement')}: {joined(parts)}."


def expiry_section(states: list[ExpiryState], today: date) -> Section:
    rows = [(s.prompt, date_text(s.value) or "not given", s.flag) for s in states]
    table = Table(EXPIRY_TITLE, ("Evidence", "Date", "State"), rows, (3.0, 1.5, 2.5))
    note = Text(
        f"As on {date_text(today.isoformat())}; flagged when expired or due within 60 days."
    )
    return Section(EXPIRY_TITLE, (note, table))


def environmental_content(inputs: ReportInputs) -> KindContent:
    states = expiry_states(inputs)
    sections = template_sections(inputs)
    if states:
        sections = (*sections, expiry_section(states, inputs.today))
    sentences = [s for s in (compliance_sentence(inputs), expiry_sentence(states)) if s]
    return KindContent(tuple(sentences), sections)
