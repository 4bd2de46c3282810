"""Reading rendered PDF reports back with tools independent of reportlab: poppler and pypdf."""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

from ccassure.domain.report import Report
from ccassure.reports.pdf import render_pdf
from ccassure.services.paths import builtin_resources

FONT_DIR = builtin_resources() / "fonts"
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


@dataclass(frozen=True)
class Word:
    """A word as poppler places it: y grows downwards from the top of the page."""

    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


def write_pdf(report: Report, folder: Path, name: str = "report.pdf", **kwargs: Any) -> Path:
    path = folder / name
    path.write_bytes(render_pdf(report, FONT_DIR, **kwargs))
    return path


def page_texts(path: Path) -> list[str]:
    """pdftotext's text of each page."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
    )
    pages = out.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def flat(text: str) -> str:
    """Text with every run of whitespace as one space (lines rewrap, words stay)."""
    return " ".join(text.split())


def page_words(path: Path) -> list[list[Word]]:
    """pdftotext -bbox: every word with its box, per page."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True)
    pages = out.stdout.decode("utf-8").split("<page ")[1:]
    return [
        [
            Word(html.unescape(m[4]), float(m[0]), float(m[1]), float(m[2]), float(m[3]))
            for m in WORD.findall(page)
        ]
        for page in pages
    ]


def outline_tree(reader: PdfReader) -> list[tuple[str, int, list[Any]]]:
    """Bookmarks as (title, page index, children), nested as pypdf reads them."""

    def walk(items: list[Any]) -> list[tuple[str, int, list[Any]]]:
        tree: list[tuple[str, int, list[Any]]] = []
        for item in items:
            if isinstance(item, list):
                title, page, _ = tree[-1]
                tree[-1] = (title, page, walk(item))
            else:
                target = reader.get_destination_page_number(item)
                assert target is not None, f"bookmark {item.title!r} points at no page"
                tree.append((item.title, target, []))
        return tree

    return walk(reader.outline)


def _xobjects(resources: Any, seen: set[int]) -> list[DictionaryObject]:
    found: list[DictionaryObject] = []
    if not resources:
        return found
    objects = resources.get_object().get("/XObject")
    if objects is None:
        return found
    for reference in objects.get_object().values():
        key = reference.idnum if isinstance(reference, IndirectObject) else id(reference)
        if key in seen:
            continue
        seen.add(key)
        xobject = reference.get_object()
        found.append(xobject)
        found += _xobjects(xobject.get("/Resources"), seen)
    return found


def image_count(reader: PdfReader) -> int:
    """Raster images anywhere: page XObjects and XObjects inside forms."""
    seen: set[int] = set()
    xobjects = [x for page in reader.pages for x in _xobjects(page.get("/Resources"), seen)]
    return sum(1 for x in xobjects if x.get("/Subtype") == "/Image")


def link_count(reader: PdfReader) -> int:
    """Link annotations on all pages."""
    count = 0
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            if annotation.get_object().get("/Subtype") == "/Link":
                count += 1
    return count


def text_fonts(reader: PdfReader, page_index: int) -> list[tuple[str, str, float]]:
    """(text, font name, size) of each run of text that pypdf finds on a page."""
    runs: list[tuple[str, str, float]] = []

    def visit(text: str, _cm: Any, _tm: Any, font: Any, size: float) -> None:
        if text.strip():
            runs.append((text.strip(), str(font.get("/BaseFont")) if font else "", size))

    reader.pages[page_index].extract_text(visitor_text=visit)
    return runs
