"""An assessment's checklist: its template's items plus the custom items it has added."""

from __future__ import annotations

from collections.abc import Sequence

from ccassure.domain.document import CUSTOM_SECTION, CustomItem
from ccassure.domain.templates import Item, Section, Template

CUSTOM_REFERENCE = "Added to this assessment"
CUSTOM_TITLE = "Additional items"


def as_item(custom: CustomItem) -> Item:
    return Item(
        key=custom.key,
        prompt=custom.prompt,
        guidance=custom.guidance,
        answer=custom.answer,
        required=custom.required,
        reference=CUSTOM_REFERENCE,
    )


def checklist_for(template: Template, custom_items: Sequence[CustomItem]) -> Template:
    """The template with each custom item at the end of its section (or of 'Additional items')."""
    custom_items = [c for c in custom_items if template.item(c.key) is None]  # not twice
    if not custom_items:
        return template
    known = {section.key for section in template.sections}
    added: dict[str, list[Item]] = {}
    for custom in custom_items:
        section = custom.section if custom.section in known else CUSTOM_SECTION
        added.setdefault(section, []).append(as_item(custom))
    sections = [
        section.model_copy(update={"items": section.items + tuple(added.get(section.key, ()))})
        for section in template.sections
    ]
    if CUSTOM_SECTION in added and CUSTOM_SECTION not in known:
        sections.append(
            Section(key=CUSTOM_SECTION, title=CUSTOM_TITLE, items=tuple(added[CUSTOM_SECTION]))
        )
    return template.model_copy(update={"sections": tuple(sections)})


def custom_item_problems(template: Template, custom_items: Sequence[CustomItem]) -> list[str]:
    """Custom items must have their own keys and name a section of the template (or 'custom')."""
    found = []
    sections = {section.key for section in template.sections} | {CUSTOM_SECTION}
    seen: set[str] = set()
    for custom in custom_items:
        if custom.key in seen or template.item(custom.key) is not None:
            found.append(f"custom item {custom.key}: the key is already used")
        seen.add(custom.key)
        if custom.section not in sections:
            found.append(f"custom item {custom.key}: no section {custom.section!r} in the template")
    return found
