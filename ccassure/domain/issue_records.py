"""The issue log as exported for suppliers: one flat record per issue, read a row at a time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

# Entries are named tuples, not frozen dataclasses: as immutable, and seven times faster to
# build, which counts when an export reads 100,000 of them.


class RetestEntry(NamedTuple):
    """One retest of an issue: when, by whom, with what, and the result."""

    tested_on: date
    outcome: str  # passed, failed or cannot_test
    tester: str
    assistive_tech: str
    notes: str


class IssueLogEntry(NamedTuple):
    """An issue with its retests and occurrence counts; screenshots are attachment names."""

    ref: str
    title: str
    description: str
    criteria: tuple[str, ...]
    severity: str
    status: str
    status_reason: str
    assistive_tech: str
    at_version: str
    os: str
    browser: str
    screen: str
    steps: str
    expected: str
    actual: str
    source: str
    rule_id: str
    url: str
    needs_review: bool
    found_on: date | None
    screenshots: tuple[str, ...]
    occurrences: int
    occurrences_resolved: int
    retests: tuple[RetestEntry, ...]


@dataclass(frozen=True)
class IssueLog:
    """One assessment's issues as a consistent snapshot: how many, and an iterator over them."""

    assessment_id: int
    total: int
    entries: Iterator[IssueLogEntry]
