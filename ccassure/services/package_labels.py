"""What a merge's changes and sign-offs are called for people: item prompts, titles, role labels."""

from __future__ import annotations

from collections.abc import Mapping

from ccassure.domain.merge import HEADER, Change, MergePlan
from ccassure.domain.templates import Template

_TITLED = {"risks": "title", "actions": "description", "issues": "title"}


def brief(text: str, limit: int = 60) -> str:
    """Text on one line, shortened to `limit` characters with an ellipsis."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def change_labels(plan: MergePlan, template: Template) -> dict[str, str]:
    """Each change's key → how people call it: an answer by its item's prompt, a risk, action
    or issue by its reference and title, anything else as the merge names it."""
    prompts = {item.key: item.prompt for _, item in template.items()}
    titles: dict[tuple[str, str], str] = {}
    for document in (plan.remote, plan.local):  # this store's wording wins
        prompts.update({custom.key: custom.prompt for custom in document.custom_items})
        for unit, attribute in _TITLED.items():
            for part in getattr(document, unit):
                titles[unit, part.ref] = getattr(part, attribute)
    return {change.key: _label(change, prompts, titles) for change in plan.changes}


def _label(
    change: Change, prompts: Mapping[str, str], titles: Mapping[tuple[str, str], str]
) -> str:
    part = change.part
    if change.unit == HEADER:
        part = "Assessment details"
    elif change.unit == "responses" and change.item in prompts:
        part = f"Answer to “{brief(prompts[change.item])}”"
    elif change.unit == "custom_items" and change.item in prompts:
        part = f"Item “{brief(prompts[change.item])}”"
    elif (change.unit, change.item) in titles:
        part = f"{change.part} “{brief(titles[change.unit, change.item])}”"
    return f"{part}: {change.field_label}" if change.field else part


def role_label(template: Template, role: str) -> str:
    found = template.role(role)
    return found.label if found else brief(role)
