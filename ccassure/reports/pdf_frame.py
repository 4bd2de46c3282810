"""Every report page: the marking in header and footer, "Page X of Y", bookmarks, metadata."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph

from ccassure.reports.fonts import FontSet
from ccassure.reports.pdf_styles import INK, MUTED, RULE

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_SIDE = 20 * mm
MARGIN_TOP = 24 * mm
MARGIN_BOTTOM = 24 * mm
MARKING_SIZE = 10.0
FOOTER_SIZE = 8.0
TOTAL_FORM = "ccassurePageTotal"


@dataclass(frozen=True)
class OutlineEntry:
    """A bookmark: the title shown in the outline, its depth (0 = top) and a unique key."""

    title: str
    level: int
    key: str


class Heading(Paragraph):
    """A section heading; the document bookmarks it when it is drawn (split parts carry none)."""

    outline: OutlineEntry | None = None


@dataclass(frozen=True)
class PageDecoration:
    """What the margins of every page show."""

    marking: str
    footer_right: str
    fonts: FontSet


def body_frame_size() -> tuple[float, float]:
    return PAGE_WIDTH - 2 * MARGIN_SIDE, PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM


class TotalPagesCanvas(Canvas):
    """Writes the page count once, at save, into a form that every page's footer refers to.

    Deferring whole pages (the usual "numbered canvas") would bind every bookmark to page 1;
    a form drawn later keeps one pass and correct bookmarks.
    """

    total_font = "Helvetica"

    def save(self) -> None:
        self.beginForm(TOTAL_FORM, lowerx=0, lowery=-3, upperx=80, uppery=FOOTER_SIZE * 1.5)
        self.setFont(self.total_font, FOOTER_SIZE)
        self.setFillColor(INK)
        self.drawString(0, 0, str(self.getPageNumber() - 1))
        self.endForm()
        super().save()


def canvas_maker(fonts: FontSet) -> type[TotalPagesCanvas]:
    return type("ReportCanvas", (TotalPagesCanvas,), {"total_font": fonts.regular})


def decorate_page(canvas: Canvas, decoration: PageDecoration) -> None:
    """Protective marking centred in bold at top and bottom, page number, report reference."""
    fonts = decoration.fonts
    centre = PAGE_WIDTH / 2
    header_y = PAGE_HEIGHT - 13 * mm
    footer_y = 11 * mm
    canvas.saveState()
    canvas.setFillColor(INK)
    canvas.setFont(fonts.bold, MARKING_SIZE)
    canvas.drawCentredString(centre, header_y, decoration.marking)
    canvas.drawCentredString(centre, footer_y, decoration.marking)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN_SIDE, header_y - 3 * mm, PAGE_WIDTH - MARGIN_SIDE, header_y - 3 * mm)
    canvas.line(MARGIN_SIDE, footer_y + 5 * mm, PAGE_WIDTH - MARGIN_SIDE, footer_y + 5 * mm)
    canvas.setFont(fonts.regular, FOOTER_SIZE)
    label = f"Page {canvas.getPageNumber()} of "
    canvas.drawString(MARGIN_SIDE, footer_y, label)
    canvas.saveState()
    canvas.translate(MARGIN_SIDE + stringWidth(label, fonts.regular, FOOTER_SIZE), footer_y)
    canvas.doForm(TOTAL_FORM)
    canvas.restoreState()
    canvas.setFillColor(MUTED)
    canvas.drawRightString(PAGE_WIDTH - MARGIN_SIDE, footer_y, decoration.footer_right)
    canvas.restoreState()


class ReportDocument(BaseDocTemplate):
    """A4 pages with one body frame; headings become nested PDF bookmarks as they are placed."""

    def __init__(self, target: IO[bytes], decoration: PageDecoration, **metadata: Any) -> None:
        width, height = body_frame_size()
        super().__init__(
            target,
            pagesize=A4,
            leftMargin=MARGIN_SIDE,
            rightMargin=MARGIN_SIDE,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            **metadata,
        )
        frame = Frame(MARGIN_SIDE, MARGIN_BOTTOM, width, height, id="body")
        self.addPageTemplates(
            [
                PageTemplate(
                    id="page", frames=[frame], onPage=lambda c, _d: decorate_page(c, decoration)
                )
            ]
        )

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802
        entry = flowable.outline if isinstance(flowable, Heading) else None
        if entry is not None:
            bottom: float = getattr(self.frame, "_y", 0.0)
            top = min(bottom + flowable.height + MARKING_SIZE, PAGE_HEIGHT)
            self.canv.bookmarkPage(entry.key, fit="XYZ", left=0, top=top, zoom=0)
            self.canv.addOutlineEntry(entry.title, entry.key, level=entry.level, closed=False)
