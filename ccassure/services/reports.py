"""Reports of one assessment version: gather what it says, build it, and write it as HTML."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ccassure.domain.document import AssessmentDocument, content_hash
from ccassure.domain.report import Report
from ccassure.domain.reporting.build import build_report
from ccassure.domain.reporting.common import LinkedLine
from ccassure.domain.reporting.words import long_date
from ccassure.domain.signoff import SignoffView, VersionLine
from ccassure.services.assessments import AssessmentService
from ccassure.services.issue_export import check_target, write_whole

SignoffViews = Callable[[AssessmentDocument, str], Sequence[SignoffView]]
"""Each sign-off of a version already read, with its checked state against the hash given
(the version's seal, else its content hash: computed once, it covers 100,000 issues)."""


class ReportService:
    """The report of an assessment version, for the preview, the HTML export and the PDF."""

    def __init__(self, assessments: AssessmentService, signoff_views: SignoffViews) -> None:
        self.assessments = assessments
        self.signoff_views = signoff_views

    def report(self, assessment_id: int) -> Report:
        service = self.assessments
        document = service.document(assessment_id)
        template = service.template_for(document)
        linked = self._linked(assessment_id) if document.assessment.kind == "eia" else ()
        current = content_hash(document)
        return build_report(
            document,
            template,
            self.signoff_views(document, current),
            self.history(assessment_id),
            service.today(),
            linked,
            current,
        )

    def history(self, assessment_id: int) -> list[VersionLine]:
        """Every version of the same assessment, oldest first."""
        lines = []
        for summary in sorted(self.assessments.versions(assessment_id), key=lambda s: s.version):
            version = self.assessments.document(summary.id, with_issues=False)
            lines.append(
                VersionLine(
                    version=summary.version,
                    status=summary.status,
                    created_on=long_date(version.assessment.created_on),
                    sealed_hash=version.sealed_hash,
                    signoffs=len(version.signoffs),
                )
            )
        return lines

    def _linked(self, eia_id: int) -> list[LinkedLine]:
        from ccassure.services.evaluation import EvaluationService

        found = EvaluationService(self.assessments).linked_findings(eia_id)
        return [LinkedLine(f.characteristic, f.assessment, f.label) for f in found]

    def save_html(self, text: str, path: Path, force: bool = False) -> None:
        """Write an already rendered report (the preview's) the same way."""
        check_target(self.assessments.store.path, path, force)
        write_whole(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))
