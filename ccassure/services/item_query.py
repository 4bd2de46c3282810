"""What a dashboard figure or list stands for, and the scales it counts by (no heavy imports)."""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("blocker", "critical", "serious", "moderate", "minor")
ISSUE_STATUSES = ("open", "retest_failed", "fixed", "retest_passed", "closed", "wont_fix")
RATINGS = ("low", "medium", "high")
ACTION_STATUSES = ("open", "in_progress", "done", "cancelled")
OVERDUE = "overdue"  # a status filter: open or in progress, and due before today
OVERDUE_MARK = " — overdue"  # follows the due date of an overdue action
# The programme-wide actions list: its columns, each also a key it can be sorted by.
ACTION_COLUMNS = ("ref", "description", "owner", "due", "status", "component", "assessment")


@dataclass(frozen=True)
class ItemQuery:
    """What a dashboard figure stands for; the dashboard service lists what is behind it.

    For "all_actions", `status` may also be OVERDUE, `kind` and `component` narrow it on
    their own, `text` must appear (word by word) in the description, owner, link, ref or
    assessment title, and `sort` is one of ACTION_COLUMNS (soonest due first when empty).
    """

    what: str  # issues | risks | actions | all_actions | reviews | evidence | assessments
    severity: str = ""
    status: str = ""
    rating: str = ""
    likelihood: str = ""
    impact: str = ""
    component: str = ""
    kind: str = ""
    text: str = ""
    owner: str = ""
    sort: str = ""
    descending: bool = False

    @property
    def filtered(self) -> bool:
        return bool(self.text.strip() or self.status or self.owner or self.kind or self.component)

    def describe(self) -> str:
        if self.what == "all_actions":
            return self._describe_actions()
        parts = [p.replace("_", " ") for p in (self.severity, self.status, self.rating) if p]
        if self.likelihood:
            parts.append(f"{self.likelihood} likelihood, {self.impact} severity")
        if self.component:
            parts.append(f"{self.kind} for {self.component}")
        return f"{self.what}: {', '.join(parts)}" if parts else self.what

    def _describe_actions(self) -> str:
        parts = [p.replace("_", " ") for p in (self.status, self.kind, self.component) if p]
        if self.owner:
            parts.append(f"owner {self.owner}")
        if self.text.strip():
            parts.append(f"containing “{self.text.strip()}”")
        return f"all actions: {', '.join(parts)}" if parts else "all actions"
