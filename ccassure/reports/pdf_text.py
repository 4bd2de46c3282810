"""User text made safe for the PDF: markup escaped, control characters dropped, lines wrapped."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfmetrics import stringWidth

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """Text with one kind of line break, no control characters and no lone surrogates."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return _CONTROL.sub("", text)


def one_line(text: str) -> str:
    """Text for a single line (outline titles, header fields): line breaks become spaces."""
    return " ".join(clean(text).split())


def paragraph_markup(text: str) -> str:
    """Plain text as Paragraph markup that prints every character literally, keeping breaks."""
    return "<br/>".join(escape(line) for line in clean(text).split("\n"))


def wrap_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of at most `width` points: breaks kept, words wrapped, over-long words cut."""
    lines: list[str] = []
    space = stringWidth(" ", font, size)
    for paragraph in clean(text).split("\n"):
        current: list[str] = []
        used = 0.0
        for word in paragraph.split():
            word_width = stringWidth(word, font, size)
            if current and used + space + word_width <= width:
                current.append(word)
                used += space + word_width
                continue
            if current:
                lines.append(" ".join(current))
            pieces = _cut_word(word, font, size, width) if word_width > width else [word]
            lines.extend(pieces[:-1])
            current, used = [pieces[-1]], stringWidth(pieces[-1], font, size)
        lines.append(" ".join(current))
    return lines


def _cut_word(word: str, font: str, size: float, width: float) -> list[str]:
    """A word too wide for a line, cut into pieces that each fit (at least one character)."""
    pieces: list[str] = []
    start = 0
    used = 0.0
    for index, char in enumerate(word):
        char_width = stringWidth(char, font, size)
        if index > start and used + char_width > width:
            pieces.append(word[start:index])
            start, used = index, 0.0
        used += char_width
    pieces.append(word[start:])
    return pieces
