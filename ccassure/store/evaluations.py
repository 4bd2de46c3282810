"""Reads for the evaluation grid and for links between assessments (and back to them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ccassure.domain.document import Evaluation, Link, Scope
from ccassure.store.reader import LATEST, StoreReader, reads_safely


@dataclass(frozen=True)
class LinkRecord:
    """A link held by the latest version of an assessment, with that assessment's identity."""

    assessment_id: int
    title: str
    kind: str
    template_id: str
    template_version: int
    link: Link


@dataclass(frozen=True)
class IssueBrief:
    """What a link to an issue shows of it."""

    ref: str
    title: str
    severity: str
    status: str


@reads_safely
class EvaluationQueries:
    """Scope, evaluations and links of one assessment; links pointing at another."""

    def __init__(self, reader: StoreReader) -> None:
        self._reader = reader
        self._db = reader.db

    def scope(self, assessment_id: int) -> Scope | None:
        data = self._reader.scope(assessment_id)
        return Scope.model_validate(data) if data is not None else None

    def evaluations(self, assessment_id: int) -> list[Evaluation]:
        rows = self._db.execute(
            "SELECT criterion, sample, outcome, notes FROM evaluation WHERE assessment_id = ? "
            "ORDER BY id",
            (assessment_id,),
        )
        return [Evaluation(criterion=r[0], sample=r[1], outcome=r[2], notes=r[3]) for r in rows]

    def links(self, assessment_id: int) -> list[Link]:
        rows = self._db.execute(
            "SELECT source, target_uid, target FROM link WHERE assessment_id = ? ORDER BY id",
            (assessment_id,),
        )
        return [Link(source=r[0], target_uid=r[1], target=r[2]) for r in rows]

    def links_to(self, target_uid: str) -> list[LinkRecord]:
        """Links to an assessment (any version of it) from the latest version of each other."""
        rows = self._db.execute(
            "SELECT a.id, a.title, a.kind, a.template_id, a.template_version, l.source, "
            "l.target_uid, l.target FROM link l JOIN assessment a ON a.id = l.assessment_id "
            f"WHERE l.target_uid = ? AND {LATEST} ORDER BY a.title, a.id, l.id",
            (target_uid,),
        )
        return [
            LinkRecord(
                int(r[0]),
                str(r[1]),
                str(r[2]),
                str(r[3]),
                int(r[4]),
                Link(source=r[5], target_uid=r[6], target=r[7]),
            )
            for r in rows
        ]

    def issues(self, assessment_id: int, refs: Sequence[str]) -> list[IssueBrief]:
        """The named issues of an assessment (those that still exist), in store order."""
        if not refs:
            return []
        marks = ", ".join("?" * len(refs))
        rows = self._db.execute(
            "SELECT ref, title, severity, status FROM issue WHERE assessment_id = ? "
            f"AND ref IN ({marks}) ORDER BY id",
            (assessment_id, *refs),
        )
        return [IssueBrief(*(str(v) for v in r)) for r in rows]
