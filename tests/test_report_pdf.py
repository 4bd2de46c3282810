"""The PDF renderer read back with poppler and pypdf: marking, page numbers, outline, metadata."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from ccassure.domain.report import Facts, HeatMap, Report, Section, Table, Text
from ccassure.reports.fonts import FontMissingError
from ccassure.reports.pdf import render_pdf
from tests.pdf_reading import (
    flat,
    image_count,
    link_count,
    outline_tree,
    page_texts,
    page_words,
    text_fonts,
    write_pdf,
)

MARKING = "OFFICIAL-SENSITIVE"
HOSTILE = (
    "<b>x</b> <img src='/etc/passwd'/> <link href='http://x'>y</link> &amp; <a href=\"#p\">z</a>"
)
NAMES = ("Łukasz Żółć", "Nguyễn Thị Minh", "Αλέξανδρος Παπαδόπουλος", "Наталья Кузнецова")


def heat_map(caption: str) -> HeatMap:
    return HeatMap(
        caption=caption,
        row_labels=("Probable", "Possible", "Remote"),
        column_labels=("Minimal", "Significant", "Severe"),
        counts=((11, 12, 13), (21, 22, 23), (31, 32, 33)),
        ratings=(("medium", "high", "high"), ("low", "medium", "high"), ("low", "low", "medium")),
        rating_labels=(("low", "Low"), ("medium", "Medium"), ("high", "High")),
    )


def sample_report(marking: str = MARKING, language: str = "en-GB") -> Report:
    long_text = " ".join(f"Paragraph word {n}." for n in range(400))
    return Report(
        title="DPIA: Mobile data terminal",
        kind_label="Data Protection Impact Assessment",
        programme="Command and Control replacement",
        component="Mobile data terminal",
        version=4,
        status="Approved",
        generated_on="2026-11-26",
        marking=marking,
        author=NAMES[0],
        subject="Privacy risks of the mobile data terminal",
        content_hash="ab12" * 16,
        language=language,
        cover=(("Owner", NAMES[1]), ("Review due", "2027-05-01")),
        sections=(
            Section(
                "Executive summary",
                (
                    Text("The processing is necessary.\nA second line."),
                    Text(HOSTILE),
                    Text("Prior consultation is required.", tone="warning"),
                    Text("Counts are of open risks.", tone="note"),
                    Text("Assessed by " + ", ".join(NAMES)),
                ),
            ),
            Section(
                "Step 1: Need for a DPIA",
                (Text(long_text), Text(long_text)),
                children=(
                    Section("Screening", (Facts((("Large scale", "Yes"), ("Owner", NAMES[2]))),)),
                    Section(
                        "Criteria",
                        (Text(NAMES[3]),),
                        children=(Section("Criterion detail", (Text("Detail."),)),),
                    ),
                ),
            ),
            Section(
                "Step 5: Risks",
                (
                    heat_map("Inherent risk"),
                    heat_map("Residual risk"),
                    Table(
                        "Risk register",
                        ("Ref", "Risk", "Rating"),
                        [(f"R{n}", f"Risk number {n} {NAMES[3]}", "High") for n in range(60)],
                        (1, 6, 1.5),
                    ),
                ),
            ),
            Section("Sign-off", (Table("Sign-offs", ("Role", "Name"), [("DPO", NAMES[1])]),)),
        ),
    )


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_pdf(sample_report(), tmp_path_factory.mktemp("pdf"))


def test_marking_in_bold_centred_in_header_and_footer_of_every_page(sample_pdf: Path) -> None:
    reader = PdfReader(sample_pdf)
    pages = page_words(sample_pdf)
    assert len(pages) == len(reader.pages) > 3
    for index, words in enumerate(pages):
        height = float(reader.pages[index].mediabox.height)
        centre = float(reader.pages[index].mediabox.width) / 2
        markings = [w for w in words if w.text == MARKING]
        top = [w for w in markings if w.y_max < 60]
        bottom = [w for w in markings if w.y_min > height - 60]
        assert len(top) == 1 and len(bottom) == 1, f"page {index + 1}"
        for word in top + bottom:
            assert abs((word.x_min + word.x_max) / 2 - centre) < 1
        bold = [font for text, font, _ in text_fonts(reader, index) if text == MARKING]
        assert len(bold) >= 2 and all(font.endswith("-Bold") for font in bold[:2])


def test_page_x_of_y_on_every_page_with_the_real_total(sample_pdf: Path) -> None:
    texts = page_texts(sample_pdf)
    total = len(PdfReader(sample_pdf).pages)
    info = subprocess.run(["pdfinfo", str(sample_pdf)], capture_output=True, check=True, text=True)
    assert f"Pages:           {total}" in info.stdout
    assert len(texts) == total
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {total}" in flat(text)


def test_outline_has_every_section_nested_and_pointing_at_its_heading(sample_pdf: Path) -> None:
    reader = PdfReader(sample_pdf)
    tree = outline_tree(reader)
    shape = [
        (title, [(child, [grand for grand, _, _ in kids]) for child, _, kids in children])
        for title, _, children in tree
    ]
    assert shape == [
        ("Executive summary", []),
        ("Step 1: Need for a DPIA", [("Screening", []), ("Criteria", ["Criterion detail"])]),
        ("Step 5: Risks", []),
        ("Sign-off", []),
    ]
    texts = page_texts(sample_pdf)

    def check(nodes: list[tuple[str, int, list[object]]], last: int) -> int:
        for title, page, children in nodes:
            assert page >= last
            assert title in texts[page], f"{title} is not on page {page + 1}"
            last = check(children, page)  # type: ignore[arg-type]
        return last

    check(tree, 1)


def test_metadata_and_language(tmp_path: Path) -> None:
    path = write_pdf(sample_report(language="cy-GB"), tmp_path)
    reader = PdfReader(path)
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "DPIA: Mobile data terminal"
    assert meta.author == NAMES[0]
    assert meta.subject == "Privacy risks of the mobile data terminal"
    assert "Data Protection Impact Assessment" in str(meta.get("/Keywords"))
    assert meta.creator == "ccassure"
    catalog: Any = reader.root_object
    assert catalog["/Lang"] == "cy-GB"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]


def test_cover_shows_the_report_facts_and_content_hash(sample_pdf: Path) -> None:
    cover = flat(page_texts(sample_pdf)[0])
    for expected in (
        "Data Protection Impact Assessment",
        "DPIA: Mobile data terminal",
        "Command and Control replacement",
        "Mobile data terminal",
        "Version 4",
        "Approved",
        "2026-11-26",
        "Protective marking " + MARKING,
        "Owner " + NAMES[1],
        "Review due 2027-05-01",
        "ab12" * 16,
    ):
        assert expected in cover
    assert "Executive summary" not in cover


def test_cover_pairs_that_restate_a_fixed_fact_are_not_repeated(tmp_path: Path) -> None:
    cover = (
        ("Component", "Mobile data terminal (supplier: Motorola)"),
        ("Assessment", "Data Protection Impact Assessment"),
        ("Report generated on", "2026-11-26"),
        ("Content hash (SHA-256)", "ab12" * 16),
        ("Open risks", "4"),
    )
    path = write_pdf(replace(sample_report(), cover=cover), tmp_path)
    words = flat(page_texts(path)[0])
    assert words.count("Component") == 1 and "(supplier: Motorola)" in words
    assert "Report generated on" not in words and "Assessment Data" not in words
    assert words.count("ab12" * 16) == 1 and words.index("Content hash") > words.index(
        "Open risks 4"
    )


def test_unicode_names_print_with_embedded_fonts(sample_pdf: Path) -> None:
    text = flat(" ".join(page_texts(sample_pdf)))
    for name in NAMES:
        assert name in text
    fonts = subprocess.run(
        ["pdffonts", str(sample_pdf)], capture_output=True, check=True, text=True
    )
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all(" yes yes yes " in row for row in rows), fonts.stdout


def test_markup_in_user_text_prints_literally_and_loads_nothing(tmp_path: Path) -> None:
    report = Report(
        title=HOSTILE,
        kind_label=HOSTILE,
        programme=HOSTILE,
        component="c",
        version=1,
        status="Draft",
        generated_on="2026-11-26",
        marking=MARKING,
        author=HOSTILE,
        subject=HOSTILE,
        content_hash="0" * 64,
        cover=((HOSTILE, HOSTILE),),
        sections=(
            Section(
                HOSTILE,
                (
                    Text(HOSTILE),
                    Text(HOSTILE, tone="warning"),
                    Text(HOSTILE, tone="note"),
                    Facts(((HOSTILE, HOSTILE),)),
                    Table(HOSTILE, (HOSTILE, "b"), [(HOSTILE, HOSTILE)]),
                ),
            ),
        ),
    )
    path = write_pdf(report, tmp_path)
    text = flat(" ".join(page_texts(path)))
    assert text.count(HOSTILE) >= 10
    reader = PdfReader(path)
    assert link_count(reader) == 0
    assert image_count(reader) == 0
    assert reader.metadata is not None and reader.metadata.title == HOSTILE
    assert outline_tree(reader)[0][0] == HOSTILE


def test_line_breaks_in_text_are_kept(tmp_path: Path) -> None:
    report = Report(
        **{
            **sample_report().__dict__,
            "sections": (Section("S", (Text("alpha line\nbeta line\n\ngamma line"),)),),
        }
    )
    lines = [line.strip() for line in page_texts(write_pdf(report, tmp_path))[1].splitlines()]
    alpha = lines.index("alpha line")
    assert lines[alpha + 1] == "beta line"
    assert "gamma line" in lines[alpha + 2 :]


def test_text_tones_are_told_apart_without_colour(sample_pdf: Path) -> None:
    reader = PdfReader(sample_pdf)
    runs = text_fonts(reader, 1)
    assert "Warning: Prior consultation is required." in flat(page_texts(sample_pdf)[1])
    body = next(size for text, _, size in runs if text.startswith("The processing is necessary"))
    note = next(size for text, _, size in runs if text.startswith("Counts are of open risks"))
    assert note < body


def test_missing_font_is_one_readable_error(tmp_path: Path) -> None:
    with pytest.raises(FontMissingError, match="DejaVuSans"):
        render_pdf(sample_report(), tmp_path)
