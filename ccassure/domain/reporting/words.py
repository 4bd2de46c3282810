"""How report values read: dates, statuses, decisions, counts and lists in plain English."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

KIND_LABELS: dict[str, str] = {
    "dpia": "Data Protection Impact Assessment",
    "eia": "Equality Impact Assessment",
    "accessibility": "Accessibility and assistive-technology testing",
    "environmental": "Supplier environmental evidence",
}
SHORT_KIND: dict[str, str] = {
    "dpia": "DPIA",
    "eia": "EIA",
    "accessibility": "accessibility assessment",
    "environmental": "environmental evidence checklist",
}
STATUS_LABELS: dict[str, str] = {
    "draft": "Draft",
    "in_review": "In review",
    "approved": "Approved",
    "changes_requested": "Changes requested",
}
DECISION_LABELS: dict[str, str] = {
    "approved": "Approved",
    "advice_given": "Advice given",
    "accepted": "Advice accepted",
    "overruled": "Advice overruled",
    "noted": "Noted",
}
NOT_ANSWERED = "Not answered"


def kind_phrase(kind: str) -> str:
    """The kind as it reads mid-sentence: 'Data Protection Impact Assessment', 'supplier …'."""
    label = KIND_LABELS.get(kind, kind)
    return label if kind in ("dpia", "eia") else label[:1].lower() + label[1:]


def long_date(day: date | None, missing: str = "not set") -> str:
    """'3 March 2025'."""
    return f"{day.day} {day:%B %Y}" if day else missing


def date_text(value: str) -> str:
    """An ISO date as a long date; anything else as it is."""
    try:
        return long_date(date.fromisoformat(value))
    except ValueError:
        return value


def moment_text(value: str) -> str:
    """An ISO time as '26 November 2026, 10:49 UTC' (a date alone as a long date); anything
    else as it is."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if "T" not in value and " " not in value:
        return long_date(moment.date())
    if moment.tzinfo is None:
        return f"{long_date(moment.date())}, {moment:%H:%M}"
    moment = moment.astimezone(UTC)
    return f"{long_date(moment.date())}, {moment:%H:%M} UTC"


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status.replace("_", " "))


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """'1 risk', '3 risks'."""
    return f"{count:,} {noun if count == 1 else (nouns or noun + 's')}"


def joined(parts: Sequence[str], last: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {last} {parts[-1]}"


def short_hash(digest: str | None) -> str:
    return f"{digest[:12]}…" if digest else "—"
