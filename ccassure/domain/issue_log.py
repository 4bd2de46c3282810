"""The accessibility issue log: its filter, its rows and facets, refs, and retest outcomes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final, get_args

from ccassure.domain.document import Issue, IssueStatus, RetestOutcome, Severity
from ccassure.domain.kinds import ISSUE_STATUS_LABELS

SEVERITY_ORDER: Final[tuple[str, ...]] = get_args(Severity)
STATUS_ORDER: Final[tuple[str, ...]] = (
    "open",
    "retest_failed",
    "fixed",
    "retest_passed",
    "closed",
    "wont_fix",
)
STATUS_LABELS: Final[dict[str, str]] = ISSUE_STATUS_LABELS
FACETS: Final = ("severity", "status", "criterion", "assistive_tech", "screen")
# The log's columns, each also a key it can be sorted by.
LOG_COLUMNS: Final = (
    "ref",
    "title",
    "severity",
    "status",
    "criteria",
    "assistive_tech",
    "screen",
    "found_on",
)
REF_PREFIX: Final = "AT-"
_REF = re.compile(r"^AT-(\d{4,})$")
_CRITERION_SEPARATORS = re.compile(r"[\s,;]+")
RETEST_STATUS: Final[dict[RetestOutcome, IssueStatus]] = {
    "passed": "retest_passed",
    "failed": "retest_failed",
}


@dataclass(frozen=True)
class IssueFilter:
    """What the log is narrowed to: words (each a prefix of a word in the issue) and facets."""

    text: str = ""
    severity: str = ""
    status: str = ""
    criterion: str = ""
    assistive_tech: str = ""
    screen: str = ""

    @property
    def filtered(self) -> bool:
        return bool(self.text.strip()) or any(getattr(self, f) for f in FACETS)

    def without(self, facet: str) -> IssueFilter:
        """The same filter with one facet let go (a facet's counts ignore its own choice)."""
        return IssueFilter(**{**self.__dict__, facet: ""})


@dataclass(frozen=True)
class IssueSort:
    key: str = "ref"
    descending: bool = False


@dataclass(frozen=True)
class IssueLogRow:
    """One line of the log, as the table shows it."""

    ref: str
    title: str
    severity: str
    status: str
    criteria: str
    assistive_tech: str
    screen: str
    found_on: date | None
    needs_review: bool = False


@dataclass(frozen=True)
class IssueLogPage:
    """Rows from `offset` of the filtered log; `total` match the filter, `everything` in all."""

    rows: tuple[IssueLogRow, ...]
    offset: int
    total: int
    everything: int


# facet -> (value, count) for every value present, in the facet's own order
Facets = dict[str, tuple[tuple[str, int], ...]]


def format_ref(number: int) -> str:
    return f"{REF_PREFIX}{number:04d}"


def ref_number(ref: str) -> int | None:
    """The number of an AT-0042 style ref, or None for a ref of another shape."""
    found = _REF.match(ref)
    return int(found.group(1)) if found else None


def parse_criteria(text: str) -> tuple[str, ...]:
    """Criterion numbers typed as "1.4.3 2.4.7" (commas or semicolons also separate them)."""
    return tuple(dict.fromkeys(part for part in _CRITERION_SEPARATORS.split(text) if part))


def status_after_retest(current: IssueStatus, outcome: RetestOutcome) -> IssueStatus:
    """A passed retest moves the issue to retest passed, a failed one to retest failed."""
    return RETEST_STATUS.get(outcome, current)


def log_row(issue: Issue) -> IssueLogRow:
    """The issue as one line of the log."""
    return IssueLogRow(
        issue.ref,
        issue.title,
        issue.severity,
        issue.status,
        " ".join(issue.criteria),
        issue.assistive_tech,
        issue.screen,
        issue.found_on,
        issue.needs_review,
    )
