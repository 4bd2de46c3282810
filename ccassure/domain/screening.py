"""DPIA screening: whether the answers so far mean a DPIA is required, and why."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ccassure.domain.templates import Template

MEETS = ("yes", "partly")  # in doubt, count it: the ICO's advice is to do the DPIA


@dataclass(frozen=True)
class Verdict:
    required: bool | None  # None: not yet decidable from the answers given
    reasons: tuple[str, ...]

    def text(self) -> str:
        if self.required is None:
            return "Screening not finished: answer every screening question to see the verdict."
        if not self.required:
            return "A DPIA is not required by the screening answers (record why in the conclusion)."
        return "A DPIA is required: " + "; ".join(self.reasons) + "."


def screening_verdict(template: Template, answers: Mapping[str, str]) -> Verdict | None:
    """None when the template has no screening items (not a DPIA template)."""
    items = [item for _, item in template.items() if item.screening]
    if not items:
        return None
    met = [item for item in items if answers.get(item.key, "") in MEETS]
    wp248 = [item for item in met if item.screening == "wp248"]
    reasons = [
        f"on the ICO list ({_short(item.prompt)})"
        for item in met
        if item.screening == "ico" or (item.screening == "ico_combined" and wp248)
    ]
    if len(wp248) >= 2:
        reasons.append(f"{len(wp248)} WP248 criteria are met")
    if reasons:
        return Verdict(True, tuple(reasons))
    if any(not answers.get(item.key, "") for item in items):
        return Verdict(None, ())
    return Verdict(False, ())


def _short(prompt: str) -> str:
    head = prompt.split(":", 1)[-1].split("(")[0].split(" - ")[0]
    return head.strip()
