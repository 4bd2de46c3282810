"""A 10,000-row issue log: every row once, in order, the header on every page; progress."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from ccassure.domain.report import Section, Table, Text
from tests.pdf_reading import outline_tree, page_texts, page_words, write_pdf
from tests.test_report_pdf import sample_report

HEADINGS = ("Ref", "Title", "Impact", "Status", "Assistive technology", "Criterion")


def issue_rows(count: int) -> list[tuple[str, ...]]:
    return [
        (
            f"ISS-{n:05d}",
            f"Control {n} has no accessible name, so a screen reader announces only its role"
            + (" and the focus order skips it after the map panel opens" if n % 3 == 0 else ""),
            ("Critical", "Serious", "Moderate")[n % 3],
            "Open" if n % 4 else "Fixed",
            "NVDA 2024.4 with Firefox 128",
            f"{1 + n % 4}.{1 + n % 3}.{1 + n % 5}",
        )
        for n in range(count)
    ]


@pytest.mark.slow
def test_ten_thousand_issue_rows_with_header_on_every_page_and_progress(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    report = replace(
        sample_report(),
        sections=(
            Section("Summary", (Text("Ten thousand issues follow."),)),
            Section("Issue log", (Table("Issues", HEADINGS, issue_rows(10_000)),)),
            Section("After the log", (Text("The end."),)),
        ),
    )
    path = write_pdf(report, tmp_path, progress=lambda done, total: calls.append((done, total)))
    texts = page_texts(path)
    refs = [int(ref) for text in texts for ref in re.findall(r"ISS-(\d{5})", text)]
    assert refs == list(range(10_000))
    table_pages = [i for i, text in enumerate(texts) if "ISS-" in text]
    assert len(table_pages) > 100
    words = page_words(path)
    for index in table_pages:
        headers = [w for w in words[index] if w.text == "Criterion"]
        assert len(headers) == 1, f"page {index + 1}"
        first_row = min(w.y_min for w in words[index] if w.text.startswith("ISS-"))
        assert headers[0].y_max < first_row
    last_title = outline_tree(PdfReader(path))[-1]
    assert last_title[0] == "After the log" and last_title[1] == len(texts) - 1

    totals = {total for _, total in calls}
    assert len(totals) == 1
    total = totals.pop()
    assert calls[0] == (0, total) and calls[-1] == (total, total)
    assert all(a[0] < b[0] for a, b in itertools.pairwise(calls))
    assert total >= 50 and len(calls) >= 50


def test_progress_counts_each_block_once_in_a_small_report(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    report = sample_report()
    write_pdf(report, tmp_path, progress=lambda done, total: calls.append((done, total)))
    blocks = report.block_count()
    assert calls == [(done, blocks) for done in range(blocks + 1)]
