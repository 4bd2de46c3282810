"""The issue log's columns for suppliers, and the text rules every export format shares."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import Generic, TypeVar

from ccassure.domain.issue_log import STATUS_LABELS
from ccassure.domain.issue_records import IssueLogEntry, RetestEntry

Value = str | int | date | None
T = TypeVar("T")

# A spreadsheet reads a cell that starts with one of these as a formula (CSV injection).
FORMULA_TRIGGERS = frozenset("=+-@\t\r")
GUARD = "'"


@dataclass(frozen=True)
class Column(Generic[T]):
    """One column: its heading, a sensible width in characters, and how to get its value."""

    heading: str
    width: int
    value: Callable[[T], Value]


def needs_guard(text: str) -> bool:
    """True for text a spreadsheet would take as a formula, and for text that only looks
    guarded already (apostrophes, then a trigger), so that unguarding is always exact."""
    return text.lstrip(GUARD)[:1] in FORMULA_TRIGGERS


def guard_formula(text: str) -> str:
    """A leading apostrophe: spreadsheets then show the text as it is, never evaluate it."""
    return GUARD + text if needs_guard(text) else text


def unguard_formula(text: str) -> str:
    """The exact text that guard_formula was given."""
    return text[1:] if text[:1] == GUARD and needs_guard(text[1:]) else text


def outcome_label(outcome: str) -> str:
    return outcome.replace("_", " ")


def _one_line(text: str) -> str:
    return " / ".join(line for line in text.splitlines() if line.strip())


def retest_summary(retests: Iterable[RetestEntry]) -> str:
    """One line per retest: date · tester · assistive technology · result · notes."""
    lines = []
    for retest in retests:
        parts = [
            retest.tested_on.isoformat(),
            _one_line(retest.tester) or "-",
            _one_line(retest.assistive_tech) or "-",
            outcome_label(retest.outcome),
        ]
        if retest.notes.strip():
            parts.append(_one_line(retest.notes))
        lines.append(" · ".join(parts))
    return "\n".join(lines)


def _field(name: str, width: int, heading: str) -> Column[IssueLogEntry]:
    return Column(heading, width, attrgetter(name))


ISSUE_COLUMNS: tuple[Column[IssueLogEntry], ...] = (
    _field("ref", 12, "Ref"),
    _field("title", 50, "Title"),
    _field("description", 60, "Description"),
    Column("WCAG criteria", 14, lambda e: " ".join(e.criteria)),
    _field("severity", 10, "Severity"),
    Column("Status", 14, lambda e: STATUS_LABELS.get(e.status, e.status)),
    _field("status_reason", 30, "Status reason"),
    _field("assistive_tech", 22, "Assistive technology"),
    _field("at_version", 14, "AT version"),
    _field("browser", 20, "Browser"),
    _field("os", 18, "OS"),
    _field("screen", 20, "Screen"),
    _field("steps", 50, "Steps to reproduce"),
    _field("expected", 40, "Expected"),
    _field("actual", 40, "Actual"),
    _field("source", 9, "Source"),
    _field("rule_id", 20, "Axe rule"),
    _field("url", 40, "Page URL"),
    Column("Needs review", 9, lambda e: "yes" if e.needs_review else "no"),
    _field("found_on", 12, "Found on"),
    Column("Screenshots", 30, lambda e: "\n".join(e.screenshots)),
    _field("occurrences", 12, "Occurrences"),
    _field("occurrences_resolved", 12, "Occurrences resolved"),
    Column("Retest history", 70, lambda e: retest_summary(e.retests)),
)

RetestLine = tuple[str, RetestEntry]  # the issue's ref, and one of its retests

RETEST_COLUMNS: tuple[Column[RetestLine], ...] = (
    Column("Issue ref", 12, lambda r: r[0]),
    Column("Tested on", 12, lambda r: r[1].tested_on),
    Column("Result", 12, lambda r: outcome_label(r[1].outcome)),
    Column("Tester", 22, lambda r: r[1].tester),
    Column("Assistive technology", 26, lambda r: r[1].assistive_tech),
    Column("Notes", 70, lambda r: r[1].notes),
)


def values(columns: tuple[Column[T], ...], item: T) -> list[Value]:
    return [column.value(item) for column in columns]
