"""The bundled Unicode font (DejaVu Sans), registered with reportlab for embedding as subsets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ccassure.domain.errors import CcassureError

FAMILY = "CcassureSans"
FILES = {"": "DejaVuSans.ttf", "-Bold": "DejaVuSans-Bold.ttf"}


class FontMissingError(CcassureError):
    """The bundled report font is not where the application expects it."""


@dataclass(frozen=True)
class FontSet:
    """Names under which the report font is registered with reportlab."""

    regular: str
    bold: str


def register_fonts(font_dir: Path) -> FontSet:
    """Register DejaVu Sans (regular and bold) once per process; later calls reuse it."""
    registered = set(pdfmetrics.getRegisteredFontNames())
    for suffix, file_name in FILES.items():
        path = font_dir / file_name
        if not path.is_file():
            raise FontMissingError(f"the report font {file_name} is missing from {font_dir}")
        if FAMILY + suffix not in registered:
            pdfmetrics.registerFont(TTFont(FAMILY + suffix, str(path)))
    fonts = FontSet(regular=FAMILY, bold=FAMILY + "-Bold")
    pdfmetrics.registerFontFamily(
        FAMILY, normal=fonts.regular, bold=fonts.bold, italic=fonts.regular, boldItalic=fonts.bold
    )
    return fonts
