"""Export a report as PDF (optionally signed), HTML or JSON: whole or not at all, with progress."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ccassure.domain.document import content_hash
from ccassure.domain.report import Report
from ccassure.domain.signoff import seal_broken
from ccassure.services.errors import ServiceError
from ccassure.services.identities import Ask
from ccassure.services.issue_export import check_target, write_whole
from ccassure.services.paths import builtin_resources
from ccassure.services.reports import ReportService
from ccassure.services.transfer import document_json

if TYPE_CHECKING:
    from ccassure.services.pdf_signing import PdfSigningService

FORMATS = ("pdf", "html", "json")
Progress = Callable[[int, int], None]
"""(done, total) in per mille of the whole export: content, drawing, then signing."""
CONTENT, DRAWN, WHOLE = 100, 900, 1000


@dataclass(frozen=True)
class ExportedReport:
    """What was written: where, in which format, and who signed it (PDF only)."""

    path: Path
    fmt: str
    title: str
    version: int
    size: int
    signed_by: str = ""

    def to_data(self) -> dict[str, object]:
        return {
            "file": str(self.path.absolute()),
            "format": self.fmt,
            "title": self.title,
            "version": self.version,
            "bytes": self.size,
            "signed_by": self.signed_by,
        }


@dataclass(frozen=True)
class SignWith:
    """Sign the PDF as this identity (None: the only one with a key here)."""

    fingerprint: str | None
    ask: Ask
    reason: str = ""


class ReportExportService:
    """The report of an assessment version in a file, built and signed off the caller's thread."""

    def __init__(
        self,
        reports: ReportService,
        pdf_signing: Callable[[], PdfSigningService],
        font_dir: Path | None = None,
    ) -> None:
        self.reports = reports
        self._pdf_signing = pdf_signing
        self.font_dir = font_dir or builtin_resources() / "fonts"

    def pdf(self, report: Report, progress: Progress | None = None) -> bytes:
        """The report drawn as PDF (unsigned)."""
        from ccassure.reports.pdf import render_pdf

        tell = progress or (lambda _done, _total: None)

        def drawing(done: int, total: int) -> None:
            tell(CONTENT + (DRAWN - CONTENT) * done // max(total, 1), WHOLE)

        return render_pdf(report, self.font_dir, drawing)

    def export(
        self,
        assessment_id: int,
        fmt: str,
        path: Path,
        *,
        force: bool = False,
        sign: SignWith | None = None,
        progress: Progress | None = None,
    ) -> ExportedReport:
        """Write the file atomically; refuse an existing file unless `force`; sign PDF only."""
        if fmt not in FORMATS:
            raise ServiceError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
        if sign is not None and fmt != "pdf":
            raise ServiceError("only a PDF report can be signed; use --format pdf with --sign")
        check_target(self.reports.assessments.store.path, path, force)
        signer, signing = "", None
        if sign is not None:
            self._refuse_broken_seal(assessment_id)
            service = self._pdf_signing()
            signer = service.signer(sign.fingerprint).name
            signing = service.unlock(sign.fingerprint, sign.ask, sign.reason)
        tell = progress or (lambda _done, _total: None)
        tell(0, WHOLE)
        if fmt == "json":
            document = self.reports.assessments.document(assessment_id)
            data = document_json(document).encode("utf-8")
            title, version = document.assessment.title, document.assessment.version
        else:
            report = self.reports.report(assessment_id)
            tell(CONTENT, WHOLE)
            title, version = report.title, report.version
            if fmt == "html":
                from ccassure.reports.html import render_html

                data = render_html(report).encode("utf-8")
            else:
                data = self.pdf(report, progress)
        if signing is not None:
            tell(DRAWN, WHOLE)
            data = signing(data)
        write_whole(path, lambda temporary: temporary.write_bytes(data))
        tell(WHOLE, WHOLE)
        return ExportedReport(path, fmt, title, version, len(data), signer)

    def _refuse_broken_seal(self, assessment_id: int) -> None:
        """A signature would vouch for the report; not for a version altered since its seal."""
        document = self.reports.assessments.document(assessment_id)
        if seal_broken(document, content_hash(document)):
            raise ServiceError(
                "the sealed content of this version has changed since approval "
                "(run 'ccassure check'); it cannot be signed",
                "altered",
            )
