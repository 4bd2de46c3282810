"""Completeness: which required template items have an answer, per section and overall."""

from __future__ import annotations

from dataclasses import dataclass

from ccassure.domain.checklist import checklist_for
from ccassure.domain.document import AssessmentDocument
from ccassure.domain.templates import Template


@dataclass(frozen=True)
class SectionCompleteness:
    key: str
    title: str
    answered: int
    required: int
    missing: tuple[str, ...]
    applies: bool = True

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class Completeness:
    sections: tuple[SectionCompleteness, ...]

    @property
    def answered(self) -> int:
        return sum(s.answered for s in self.sections)

    @property
    def required(self) -> int:
        return sum(s.required for s in self.sections)

    @property
    def complete(self) -> bool:
        return all(s.complete for s in self.sections)

    @property
    def percent(self) -> int:
        return 100 if self.required == 0 else (100 * self.answered) // self.required

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(key for s in self.sections for key in s.missing)


def completeness(template: Template, document: AssessmentDocument) -> Completeness:
    """Required items of the sections that apply (a Part 3 section only to Part 3 processing)."""
    template = checklist_for(template, document.custom_items)
    answers = {r.item: r.value for r in document.responses}
    answered = {key for key, value in answers.items() if value.strip()}
    sections = []
    for section in template.sections:
        if not section.applies(answers):
            sections.append(SectionCompleteness(section.key, section.title, 0, 0, (), False))
            continue
        required = [item.key for item in section.items if item.required]
        missing = tuple(key for key in required if key not in answered)
        sections.append(
            SectionCompleteness(
                section.key, section.title, len(required) - len(missing), len(required), missing
            )
        )
    return Completeness(tuple(sections))
