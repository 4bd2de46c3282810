"""Reads for re-importing axe-core scans: the automated issues an assessment already has."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from ccassure.domain.document import Occurrence
from ccassure.store.reader import StoreReader

_AT_REF = re.compile(r"^AT-(\d+)$")


@dataclass(frozen=True)
class KnownAxeIssue:
    """An issue from an earlier scan: its row id, ref, what identifies it, its elements."""

    id: int
    ref: str
    rule_id: str
    url: str
    needs_review: bool
    occurrences: tuple[Occurrence, ...]


def known_axe_issues(reader: StoreReader, assessment_id: int) -> list[KnownAxeIssue]:
    db = reader.db
    occurrences: dict[int, list[Occurrence]] = defaultdict(list)
    for row in db.execute(
        "SELECT o.issue_id, o.target, o.html, o.failure_summary, o.resolved FROM occurrence o "
        "JOIN issue i ON i.id = o.issue_id WHERE i.assessment_id = ? AND i.source = 'axe' "
        "ORDER BY o.id",
        (assessment_id,),
    ):
        occurrences[row[0]].append(
            Occurrence(target=row[1], html=row[2], failure_summary=row[3], resolved=bool(row[4]))
        )
    return [
        KnownAxeIssue(row[0], row[1], row[2], row[3], bool(row[4]), tuple(occurrences[row[0]]))
        for row in db.execute(
            "SELECT id, ref, rule_id, url, needs_review FROM issue "
            "WHERE assessment_id = ? AND source = 'axe' ORDER BY id",
            (assessment_id,),
        )
    ]


def highest_issue_number(reader: StoreReader, assessment_id: int) -> int:
    """The largest n of the refs AT-n in the assessment (0 when there are none)."""
    numbers = (
        int(match[1])
        for (ref,) in reader.db.execute(
            "SELECT ref FROM issue WHERE assessment_id = ? AND ref LIKE 'AT-%'", (assessment_id,)
        )
        if (match := _AT_REF.match(ref))
    )
    return max(numbers, default=0)
