"""The Command & Control replacement demo programme, and synthetic issues for scale tests."""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ccassure.domain.document import (
    ISSUE_FIELDS,
    AssessmentDocument,
    IssueStatus,
    Response,
    Severity,
    Signoff,
)
from ccassure.services.assessments import AssessmentService
from ccassure.services.errors import ServiceError

MAX_SCALE = 5_000_000
DEMO_FILE = Path("demo") / "cc-replacement.json"
_PENDING_SEAL = "0" * 64
_SCREENS = (
    "Incident form",
    "Call queue",
    "Map view",
    "Resource list",
    "Despatch screen",
    "Log-in",
    "Search",
    "Settings",
)
_AT = (
    "JAWS 2025",
    "NVDA 2025.3",
    "ZoomText 2025",
    "Dragon Professional 16",
    "Keyboard only",
    "Windows Magnifier",
    "Narrator",
)
_SEVERITIES: tuple[Severity, ...] = ("critical", "serious", "moderate", "minor")
_STATUSES: tuple[IssueStatus, ...] = ("open", "open", "open", "fixed", "closed", "retest_failed")


@dataclass(frozen=True)
class DemoResult:
    programme: str
    assessment_ids: tuple[int, ...]
    synthetic_issues: int


def load_demo_data(resources: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads((resources / DEMO_FILE).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ServiceError(f"the demo data cannot be read: {exc}") from None
    return data


def build_demo(
    service: AssessmentService, resources: Path, scale: int = 0, seed: int = 2025
) -> DemoResult:
    """Load the demo programme through the ordinary services, then add `scale` issues."""
    if not 0 <= scale <= MAX_SCALE:
        raise ServiceError(f"--scale must be between 0 and {MAX_SCALE:,}")
    data = load_demo_data(resources)
    programme = data["programme"]["key"]
    if service.store.reader().has_programme(programme):
        raise ServiceError("this store already holds the demo programme", "exists")
    try:
        ids = [_load_one(service, entry) for entry in data["assessments"]]
        accessibility = next((i for i in ids if service.summary(i).kind == "accessibility"), None)
        if scale and accessibility is not None:
            add_synthetic_issues(service, accessibility, scale, seed)
    except BaseException:
        service.remove_programme(programme)  # all or nothing: no half-built demo stays
        raise
    return DemoResult(programme, tuple(ids), scale)


def _load_one(service: AssessmentService, entry: dict[str, Any]) -> int:
    document = AssessmentDocument.model_validate(entry["document"])
    assessment_id = service.add_document(document, str(uuid.uuid4()), 1)
    signoffs = [
        Signoff.model_validate({**s, "content_hash": _PENDING_SEAL})
        for s in entry.get("signoffs", ())
    ]
    for name in entry.get("workflow", ()):
        service.transition(assessment_id, name, signoffs if name == "approve" else ())
    revision = entry.get("revision")
    if revision:
        assessment_id = service.start_new_version(assessment_id)
        due = revision.get("review_due")
        service.update_header(
            assessment_id,
            summary=revision.get("summary"),
            review_due=date.fromisoformat(due) if due else None,
        )
        for response in revision.get("responses", ()):
            service.set_response(assessment_id, Response.model_validate(response))
    return assessment_id


SYNTHETIC_FIRST_REF = 1001


def synthetic_issue_rows(
    criteria: list[str], count: int, start: int, seed: int
) -> list[tuple[object, ...]]:
    """Plausible, varied issues as value rows (ISSUE_FIELDS order); same seed, same rows."""
    rng = random.Random(seed)  # noqa: S311  (synthetic data, not security)
    days = [(date(2025, 1, 6) + timedelta(days=n)).isoformat() for n in range(600)]
    columns: dict[str, list[str]] = {
        "screen": rng.choices(_SCREENS, k=count),
        "criteria": rng.choices(criteria, k=count),
        "severity": rng.choices(_SEVERITIES, k=count),
        "status": rng.choices(_STATUSES, k=count),
        "assistive_tech": rng.choices(_AT, k=count),
        "found_on": rng.choices(days, k=count),
        "ref": [f"AT-{n:04d}" for n in range(start, start + count)],
        "description": ["Generated for scale testing."] * count,
        "os": ["Windows 11 23H2"] * count,
        "browser": ["desktop client 2.3"] * count,
        "source": ["manual"] * count,
    }
    columns["title"] = [
        f"{screen}: synthetic finding against {criterion}"
        for screen, criterion in zip(columns["screen"], columns["criteria"], strict=True)
    ]
    blank = [""] * count
    columns["needs_review"] = [False] * count  # type: ignore[list-item]
    ordered = [columns.get(field, blank) for field in ISSUE_FIELDS]
    return list(zip(*ordered, strict=True))


def add_synthetic_issues(
    service: AssessmentService, assessment_id: int, count: int, seed: int
) -> None:
    header = service.document_header_only(assessment_id)
    template = service.template_for(header)
    criteria = [item.wcag.number for _, item in template.items() if item.wcag]
    first = SYNTHETIC_FIRST_REF  # after the hand-written issues' numbers
    service.add_issue_rows(assessment_id, synthetic_issue_rows(criteria, count, first, seed))
