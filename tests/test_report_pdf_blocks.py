"""Each kind of report block drawn and read back: heat maps, tables, long and odd text."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream
from reportlab.lib.colors import HexColor

from ccassure.domain.report import Facts, HeatMap, Section, Table, Text
from ccassure.reports.heatmap import RAMP, UNRATED, text_colour_on
from tests.pdf_reading import flat, image_count, page_texts, page_words, write_pdf
from tests.test_report_pdf import heat_map, sample_report

BODY_WIDTH = 595.2756 - 2 * 56.6929


def with_sections(*sections: Section):  # type: ignore[no-untyped-def]
    return replace(sample_report(), sections=sections)


def wcag_contrast(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    def luminance(rgb: tuple[float, float, float]) -> float:
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def fill_colours(reader: PdfReader, page_index: int) -> set[tuple[float, ...]]:
    stream = ContentStream(reader.pages[page_index].get_contents(), reader)
    return {
        tuple(round(float(v), 3) for v in args) for args, op in stream.operations if op == b"rg"
    }


def test_heat_map_is_vector_with_counts_ratings_axes_and_legend(tmp_path: Path) -> None:
    path = write_pdf(with_sections(Section("Risks", (heat_map("Inherent risk"),))), tmp_path)
    reader = PdfReader(path)
    page = flat(page_texts(path)[1])
    for count in (11, 12, 13, 21, 22, 23, 31, 32, 33):
        assert re.search(rf"\b{count}\b", page)
    for label in (
        "Inherent risk",
        "Likelihood",
        "Severity",
        "Probable",
        "Remote",
        "Minimal",
        "Severe",
    ):
        assert label in page
    assert "Rating:" in page
    assert page.count("High") >= 4 and page.count("Medium") >= 3 and page.count("Low") >= 3
    assert image_count(reader) == 0
    ramp = {tuple(round(c, 3) for c in HexColor(h).rgb()) for h in RAMP}
    assert len(fill_colours(reader, 1) & ramp) == 3


def test_heat_map_text_contrasts_with_every_cell_colour() -> None:
    for fill in (*RAMP, UNRATED):
        colour = HexColor(fill)
        ink = text_colour_on(colour)
        assert wcag_contrast(colour.rgb(), ink.rgb()) >= 7.0, fill


def test_heat_map_with_unknown_ratings_and_ragged_counts_still_draws(tmp_path: Path) -> None:
    odd = HeatMap(
        caption="Odd",
        row_labels=("A very long likelihood label that needs wrapping", "B", "C"),
        column_labels=("One", "Two", "Three", "Four", "Five"),
        counts=((1, 2, 3, 4, 5), (6, 7), (8, 9, 10, 11, 12)),
        ratings=(("x",) * 5, ("a", "b"), ("a", "b", "c", "d", "e")),
        rating_labels=tuple((k, f"Level {k.upper()}") for k in "abcde"),
    )
    path = write_pdf(with_sections(Section("Risks", (odd,))), tmp_path)
    page = flat(page_texts(path)[1])
    assert "Level E" in page and "Level A" in page
    assert re.search(r"\b7\b", page) and " x " in f" {page} "


def test_relative_widths_are_kept(tmp_path: Path) -> None:
    table = Table("Widths", ("Narrowcol", "Widecol"), [("a", "b")], (1, 3))
    words = page_words(write_pdf(with_sections(Section("T", (table,))), tmp_path))[1]
    narrow = next(w for w in words if w.text == "Narrowcol")
    wide = next(w for w in words if w.text == "Widecol")
    assert wide.x_min - narrow.x_min == pytest.approx(BODY_WIDTH / 4, abs=1)


def test_natural_widths_keep_short_headings_whole(tmp_path: Path) -> None:
    headings = ("Ref", "Title", "Impact", "Status", "Criterion")
    rows = [(f"A11Y-{n:05d}", "A long title " * 8, "Serious", "Open", "1.4.3") for n in range(30)]
    path = write_pdf(with_sections(Section("T", (Table("Issues", headings, rows),))), tmp_path)
    words = {w.text for w in page_words(path)[1]}
    assert set(headings) <= words
    assert "A11Y-00029" in flat(" ".join(page_texts(path)))


def test_over_long_words_wrap_in_text_and_cells(tmp_path: Path) -> None:
    url = "https://example.org/" + "q" * 5000
    tall = "z" * 30000
    report = with_sections(
        Section(
            "Long",
            (
                Text(url),
                Table("Cells", ("Ref", "Link"), [("1", url), ("2", tall)], (1, 1)),
                Facts((("Short", "fact"), ("Tall", "ж" * 30000), ("After", "the tall one"))),
            ),
        )
    )
    path = write_pdf(report, tmp_path)
    text = "".join(page_texts(path))
    assert text.count("q") == 10000
    assert text.count("z") == 30000
    assert text.count("ж") == 30000
    assert "the tall one" in text
    assert len(PdfReader(path).pages) > 6


def test_empty_and_ragged_tables_and_odd_characters(tmp_path: Path) -> None:
    report = with_sections(
        Section(
            "Odd",
            (
                Table("Nothing yet", ("Ref", "Action"), []),
                Table(
                    "Ragged",
                    ("A", "B", "C"),
                    [("only one",), ("one-a", "two-b", "three-c", "overflow-d")],
                ),
                Table("No columns", (), [("x",)]),
                Text("bell\x07 nul\x00 tab\there \ud800 crlf\r\nnext"),
                Text("   "),
            ),
        )
    )
    page = flat(" ".join(page_texts(write_pdf(report, tmp_path))[1:]))
    assert "Nothing yet Ref Action None recorded." in page
    assert all(cell in page for cell in ("only one", "one-a", "two-b", "three-c"))
    assert "overflow-d" not in page
    assert "No columns" in page
    assert "bell nul tab here ? crlf next" in page


def test_heat_map_taller_than_a_page_is_shrunk_onto_one_page(tmp_path: Path) -> None:
    size = 20
    big = HeatMap(
        caption="Big",
        row_labels=tuple(f"Row {r}" for r in range(size)),
        column_labels=tuple(f"Col {c}" for c in range(size)),
        counts=tuple(tuple(1000 + r * size + c for c in range(size)) for r in range(size)),
        ratings=tuple(
            tuple("low" if (r + c) % 2 else "high" for c in range(size)) for r in range(size)
        ),
        rating_labels=(("low", "Low"), ("high", "High")),
    )
    path = write_pdf(with_sections(Section("Risks", (Text("Before."), big))), tmp_path)
    texts = page_texts(path)
    holding = [i for i, text in enumerate(texts) if "1000" in text.split()]
    assert len(holding) == 1
    words = set(texts[holding[0]].split())
    assert {str(1000 + n) for n in range(size * size)} <= words
