"""The governance summary of a programme: what a board paper says about its assessments."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from ccassure.domain.document import AssessmentDocument
from ccassure.domain.issue_log import IssueFilter
from ccassure.domain.reporting.governance import HEADINGS, GovernanceEntry, governance_summary
from ccassure.domain.signoff import SignoffView
from ccassure.domain.summary import AssessmentSummary
from ccassure.services.assessments import AssessmentService
from ccassure.services.errors import ServiceError

SignoffViews = Callable[[int], Sequence[SignoffView]]


@dataclass(frozen=True)
class GovernanceSummary:
    programme: str
    paragraphs: tuple[tuple[str, str], ...]  # (heading, text) in the board paper's order

    def to_data(self) -> dict[str, str]:
        return dict(self.paragraphs)


def approved_on(document: AssessmentDocument) -> date | None:
    """When the version was approved: its last sign-off."""
    return max((s.signed_on for s in document.signoffs), default=None)


class GovernanceService:
    """Reads the latest version of each assessment of a programme and writes the paragraphs."""

    def __init__(self, assessments: AssessmentService, signoff_views: SignoffViews) -> None:
        self.assessments = assessments
        self.signoff_views = signoff_views

    def programmes(self) -> dict[str, str]:
        """{key: name} of every programme in the store."""
        return {p.key: p.name for p, _ in self.assessments.components()}

    def summary(self, programme_key: str | None = None) -> GovernanceSummary:
        programmes = self.programmes()
        if programme_key is None:
            if len(programmes) > 1:
                keys = ", ".join(sorted(programmes))
                raise ServiceError(f"the store holds several programmes; choose one of {keys}")
            if not programmes:
                raise ServiceError("the store holds no programme yet", "missing")
            programme_key = next(iter(programmes))
        if programme_key not in programmes:
            known = ", ".join(sorted(programmes)) or "none"
            raise ServiceError(f"no programme {programme_key!r}; known: {known}", "missing")
        name = programmes[programme_key]
        order = [c.name for p, c in self.assessments.components() if p.key == programme_key]
        summaries = sorted(
            (s for s in self.assessments.list_summaries() if s.programme == name),
            key=lambda s: (order.index(s.component) if s.component in order else 0, s.title),
        )
        entries = [self._entry(s) for s in summaries]
        text = governance_summary(entries, self.assessments.today())
        return GovernanceSummary(name, tuple((h, text[h]) for h in HEADINGS))

    def _entry(self, summary: AssessmentSummary) -> GovernanceEntry:
        service = self.assessments
        document = service.document(summary.id, with_issues=False)
        approved_version, when = None, None
        if summary.status == "approved":
            approved_version, when = summary.version, approved_on(document)
        else:
            earlier = [
                v
                for v in service.versions(summary.id)
                if v.status == "approved" and v.version < summary.version
            ]
            if earlier:
                newest = max(earlier, key=lambda v: v.version)
                approved_version = newest.version
                when = approved_on(service.document(newest.id, with_issues=False))
        return GovernanceEntry(
            document=document,
            template=service.template_for(document),
            signoffs=self.signoff_views(summary.id) if document.signoffs else (),
            approved_version=approved_version,
            approved_on=when,
            issue_counts=self._issue_counts(summary) if summary.kind == "accessibility" else {},
        )

    def _issue_counts(self, summary: AssessmentSummary) -> dict[tuple[str, str], int]:
        """(severity, status) → issues, counted in the store (there may be 100,000)."""
        from ccassure.services.issues import IssueService

        issues = IssueService(self.assessments.store, self.assessments.templates)
        counts = {}
        for status, _ in issues.facets(summary.id).get("status", ()):
            for severity, n in issues.facets(summary.id, IssueFilter(status=status))["severity"]:
                counts[(severity, status)] = n
        return counts
