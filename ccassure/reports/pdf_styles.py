"""Paragraph styles, colours and sizes shared by every part of a PDF report."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle

from ccassure.reports.fonts import FontSet

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#4d4d4d")
RULE = colors.HexColor("#8c8c8c")
HEADER_FILL = colors.HexColor("#dce3ea")
WARNING_INK = colors.HexColor("#7a3e00")
WARNING_FILL = colors.HexColor("#fff4e0")

CELL_SIZE = 8.0
CELL_LEADING = CELL_SIZE * 1.2
CELL_PADDING = 3.0


@dataclass(frozen=True)
class PdfStyles:
    """Everything a block needs to draw itself consistently."""

    fonts: FontSet
    body: ParagraphStyle
    note: ParagraphStyle
    warning: ParagraphStyle
    caption: ParagraphStyle
    headings: tuple[ParagraphStyle, ...]
    cover_kind: ParagraphStyle
    cover_title: ParagraphStyle

    def heading(self, level: int) -> ParagraphStyle:
        return self.headings[min(level, len(self.headings) - 1)]


def make_styles(fonts: FontSet) -> PdfStyles:
    def style(name: str, size: float, **extra: object) -> ParagraphStyle:
        base: dict[str, object] = {
            "fontName": fonts.regular,
            "fontSize": size,
            "leading": size * 1.3,
            "textColor": INK,
            "alignment": TA_LEFT,
            "splitLongWords": 1,
            "spaceAfter": size * 0.6,
        }
        base.update(extra)
        return ParagraphStyle(name, **base)  # type: ignore[arg-type]

    heading_sizes = (16.0, 13.0, 11.5, 10.5)
    headings = tuple(
        style(
            f"heading{level}",
            size,
            fontName=fonts.bold,
            spaceBefore=size * 0.9,
            spaceAfter=size * 0.5,
        )
        for level, size in enumerate(heading_sizes)
    )
    return PdfStyles(
        fonts=fonts,
        body=style("body", 10.0),
        note=style("note", 8.5, textColor=MUTED),
        warning=style(
            "warning",
            10.0,
            textColor=WARNING_INK,
            backColor=WARNING_FILL,
            borderColor=WARNING_INK,
            borderWidth=1.2,
            borderPadding=6,
            spaceBefore=8,
            spaceAfter=14,
            leftIndent=6,
            rightIndent=6,
        ),
        caption=style("caption", 9.5, fontName=fonts.bold, spaceBefore=4),
        headings=headings,
        cover_kind=style("cover_kind", 14.0, textColor=MUTED, spaceAfter=10),
        cover_title=style("cover_title", 22.0, fontName=fonts.bold, spaceAfter=22),
    )
