"""The audit trail as people read it: entries (who, when, what, field, old, new) and verdicts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

Problem = Literal[
    "altered",
    "missing_before",
    "reordered",
    "head_missing",
    "missing_at_end",
    "added_at_end",
    "head_altered",
    "head_mismatch",
]
SHORT_VALUE = 120


def value_text(stored: str | None, limit: int = SHORT_VALUE) -> str:
    """A stored JSON value as a person reads it: text as itself, nothing as a dash."""
    if stored is None:
        return "—"
    try:
        value: Any = json.loads(stored)
    except ValueError:
        value = stored
    if value is None or value == "":
        text = "(empty)"
    elif isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, dict) and set(value) == {"sha256", "size"}:
        text = f"{value['size']:,} bytes, SHA-256 {str(value['sha256'])[:16]}…"
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class AuditEntry:
    """One row of the trail; old and new are the stored JSON text (None: did not exist)."""

    id: int
    at: str
    actor: str
    action: str
    assessment_id: int | None
    entity: str | None
    key: str | None
    field: str | None
    old: str | None
    new: str | None

    def what(self) -> str:
        """The thing changed, for example 'response step1.aims', else the action."""
        if self.entity is None:
            return self.action
        return f"{self.entity} {self.key}".strip() if self.key else self.entity

    def change(self) -> str:
        """'added', 'removed', or the field's old -> new."""
        if self.entity is None:
            return ""
        if self.field is None:
            if self.old is None:
                return f"added: {value_text(self.new)}"
            if self.new is None:
                return f"removed: {value_text(self.old)}"
        return f"{self.field or 'value'}: {value_text(self.old)} -> {value_text(self.new)}"

    def claim(self) -> str:
        """What the row says happened, in one line."""
        who = self.actor or "unknown user"
        change = self.change()
        return f"{self.at} by {who}: {self.action} {self.what()}" + (
            f" ({change})" if change else ""
        )


@dataclass(frozen=True)
class AuditVerdict:
    """The result of recomputing the chain: intact, or the first bad row and why."""

    count: int
    problem: Problem | None = None
    row: AuditEntry | None = None
    explanation: str = ""

    @property
    def intact(self) -> bool:
        return self.problem is None

    def message(self) -> str:
        if self.problem is None:
            return f"The audit trail is intact: {self.count:,} rows, every hash matches."
        where = f"row {self.row.id} ({self.row.claim()})" if self.row else "the trail's head"
        if self.row is None and self.problem == "missing_at_end":
            where = "its end (no rows are left)"
        return f"The audit trail is broken at {where}: {self.explanation}"

    def to_data(self) -> dict[str, Any]:
        return {
            "intact": self.intact,
            "count": self.count,
            "problem": self.problem,
            "row": None if self.row is None else entry_data(self.row),
            "message": self.message(),
        }


def entry_data(entry: AuditEntry) -> dict[str, Any]:
    def value(stored: str | None) -> Any:
        try:
            return None if stored is None else json.loads(stored)
        except ValueError:
            return stored

    return {
        "id": entry.id,
        "at": entry.at,
        "actor": entry.actor,
        "action": entry.action,
        "assessment_id": entry.assessment_id,
        "entity": entry.entity,
        "key": entry.key,
        "field": entry.field,
        "old": value(entry.old),
        "new": value(entry.new),
    }
