"""What a dashboard figure stands for, and the scales it counts by (no heavy imports)."""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("critical", "serious", "moderate", "minor")
ISSUE_STATUSES = ("open", "retest_failed", "fixed", "closed", "wont_fix")
RATINGS = ("low", "medium", "high")


@dataclass(frozen=True)
class ItemQuery:
    """What a dashboard figure stands for; the dashboard service lists what is behind it."""

    what: str  # issues | risks | actions | reviews | evidence | assessments
    severity: str = ""
    status: str = ""
    rating: str = ""
    likelihood: str = ""
    impact: str = ""
    component: str = ""
    kind: str = ""

    def describe(self) -> str:
        parts = [p.replace("_", " ") for p in (self.severity, self.status, self.rating) if p]
        if self.likelihood:
            parts.append(f"{self.likelihood} likelihood, {self.impact} severity")
        if self.component:
            parts.append(f"{self.kind} for {self.component}")
        what = "all actions" if self.what == "all_actions" else self.what
        return f"{what}: {', '.join(parts)}" if parts else what
