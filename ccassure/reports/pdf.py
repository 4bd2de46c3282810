"""A Report drawn as an A4 PDF: cover, marked and numbered pages, bookmarks, metadata."""

from __future__ import annotations

import itertools
from io import BytesIO
from pathlib import Path

from reportlab.platypus import Flowable
from reportlab.platypus.doctemplate import LayoutError

from ccassure.domain.errors import CcassureError
from ccassure.domain.report import Report
from ccassure.reports.fonts import register_fonts
from ccassure.reports.pdf_blocks import Layout, cover_flowables, section_flowables
from ccassure.reports.pdf_frame import PageDecoration, ReportDocument, body_frame_size, canvas_maker
from ccassure.reports.pdf_progress import Progress, ProgressTracker, report_units
from ccassure.reports.pdf_styles import make_styles
from ccassure.reports.pdf_text import one_line

CREATOR = "ccassure"


class ReportLayoutError(CcassureError):
    """The report's content could not be placed on pages."""


def render_pdf(report: Report, font_dir: Path, progress: Progress | None = None) -> bytes:
    """The report as PDF bytes; `progress(done, total)` rises as blocks are laid out.

    Output is not byte-for-byte reproducible (invariant=0): the PDF's creation date and file
    identifier are real, so document properties show when the file was made.
    """
    fonts = register_fonts(font_dir)
    width, height = body_frame_size()
    tracker = ProgressTracker(report_units(report), progress)
    layout = Layout(make_styles(fonts), width, height, tracker)
    keys = (f"section-{n}" for n in itertools.count(1))
    story: list[Flowable] = cover_flowables(report, layout)
    for section in report.sections:
        story += section_flowables(section, 0, layout, keys)
    buffer = BytesIO()
    document = ReportDocument(
        buffer,
        PageDecoration(one_line(report.marking), f"Version {report.version}", fonts),
        title=one_line(report.title),
        author=one_line(report.author),
        subject=one_line(report.subject),
        keywords=[
            one_line(word)
            for word in (report.kind_label, report.programme, report.component, report.marking)
            if word.strip()
        ],
        creator=CREATOR,
        lang=report.language,
        displayDocTitle=1,
        initialFontName=fonts.regular,
        invariant=0,
    )
    tracker.start()
    try:
        document.build(story, canvasmaker=canvas_maker(fonts))
    except LayoutError as error:
        raise ReportLayoutError(f"the report could not be laid out on pages: {error}") from error
    tracker.finish()
    return buffer.getvalue()
