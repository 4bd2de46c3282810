"""Light views of assessments for lists and dashboards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class AssessmentSummary:
    id: int
    uid: str
    kind: str
    title: str
    programme: str
    component: str
    component_key: str
    status: str
    version: int
    owner: str
    marking: str
    review_due: date | None

    def to_data(self) -> dict[str, object]:
        return {
            "id": self.id,
            "uid": self.uid,
            "kind": self.kind,
            "title": self.title,
            "programme": self.programme,
            "component": self.component,
            "component_key": self.component_key,
            "status": self.status,
            "version": self.version,
            "owner": self.owner,
            "marking": self.marking,
            "review_due": self.review_due.isoformat() if self.review_due else None,
        }


@dataclass(frozen=True)
class ItemRow:
    """One row behind a dashboard figure or a search: something inside an assessment."""

    assessment_id: int
    ref: str
    title: str
    details: tuple[str, ...]


@dataclass(frozen=True)
class ItemPage:
    rows: tuple[ItemRow, ...]
    total: int
