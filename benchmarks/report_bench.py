"""PDF report rendering benchmark: a 500-item DPIA and a 10,000-issue log, beside floors.

`*_render_s` is ccassure.reports.pdf.render_pdf on a synthetic Report (the median of --repeat
runs, fonts already registered; `dpia_first_render_s` is the first call, which also loads the
font files). Targets from issue #6: 500-item DPIA export and signing 1 s (rendering alone is
measured here), 10,000 issues 20 s.

Floors, measured in the same run: reportlab alone building the same text with no ccassure code,
SimpleDocTemplate with the same font. `*_floor_s`: every Text as a Paragraph, facts and table
rows as plain-string Table cells (unwrapped, so lines may overrun: less work than a correct
layout), big tables in 250-row Tables, heat maps as small coloured Tables.
`issues_floor_paragraph_cells_s`: the same log with each cell a Paragraph, reportlab's usual
way of wrapping text in a table (one run; skipped with --quick).

    python benchmarks/report_bench.py [--repeat 3] [--issues 10000] [--quick]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import time
from collections.abc import Callable, Sequence
from io import BytesIO
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate
from reportlab.platypus import Table as RLTable

from ccassure.domain.report import Facts, HeatMap, Report, Section, Table, Text
from ccassure.reports.pdf import render_pdf
from ccassure.services.paths import builtin_resources

FONT_DIR = builtin_resources() / "fonts"
ISSUE_HEADINGS = ("Ref", "Title", "Severity", "Status", "Assistive technology", "Criterion")
CHUNK = 250


def answer(step: int, item: int) -> str:
    return (
        f"Step {step}, item {item}: the Command and Control replacement processes caller names, "
        "addresses, telephone numbers and incident narratives. Access is limited to "
        "vetted call handlers and dispatchers; records are kept for seven years under the "
        "MoPI code of practice and then reviewed. Łukasz Żółć confirmed the data flows."
    )


def heat_map(caption: str) -> HeatMap:
    return HeatMap(
        caption=caption,
        row_labels=("Probable", "Possible", "Remote"),
        column_labels=("Minimal", "Significant", "Severe"),
        counts=((4, 9, 3), (6, 12, 5), (8, 2, 1)),
        ratings=(("medium", "high", "high"), ("low", "medium", "high"), ("low", "low", "medium")),
        rating_labels=(("low", "Low"), ("medium", "Medium"), ("high", "High")),
    )


def dpia_report() -> Report:
    """Seven steps of about 70 items each (answers as Text, item facts as Facts): 500 items."""
    steps = []
    for step in range(1, 8):
        blocks: list[Text | Facts | Table | HeatMap] = []
        for item in range(1, 72):
            if item % 2:
                blocks.append(Text(answer(step, item)))
            else:
                blocks.append(Facts((("Status", "Answered"), ("Reviewer", "Nguyễn Thị Minh"))))
        steps.append(Section(f"Step {step}", tuple(blocks)))
    risks = [
        (
            f"R{n}",
            f"Risk {n}: inaccurate location data sends a unit to the wrong address",
            "Possible",
            "Severe",
            "High",
            "Open",
        )
        for n in range(1, 41)
    ]
    registers = Section(
        "Risk register",
        (
            heat_map("Inherent risk"),
            heat_map("Residual risk"),
            Table("Risks", ("Ref", "Risk", "Likelihood", "Severity", "Overall", "Status"), risks),
        ),
    )
    return _report("DPIA", (*steps, registers))


def issue_rows(count: int) -> list[tuple[str, ...]]:
    return [
        (
            f"ISS-{n:05d}",
            f"Control {n} has no accessible name, so a screen reader announces only its role",
            ("Critical", "Serious", "Moderate")[n % 3],
            "Open" if n % 4 else "Fixed",
            "NVDA 2024.4 with Firefox 128",
            f"{1 + n % 4}.{1 + n % 3}.{1 + n % 5}",
        )
        for n in range(count)
    ]


def issues_report(count: int) -> Report:
    table = Table("Issue log", ISSUE_HEADINGS, issue_rows(count))
    return _report("Accessibility", (Section("Issues", (table,)),))


def _report(kind: str, sections: tuple[Section, ...]) -> Report:
    return Report(
        title=f"{kind} benchmark",
        kind_label=kind,
        programme="Command and Control replacement",
        component="Core",
        version=1,
        status="Approved",
        generated_on="2026-11-26",
        marking="OFFICIAL-SENSITIVE",
        author="Benchmark",
        subject=kind,
        content_hash="0" * 64,
        sections=sections,
    )


def floor_pdf(report: Report, *, paragraph_cells: bool = False) -> bytes:
    """reportlab alone: the same text as Paragraphs and Tables, no ccassure code."""
    style = ParagraphStyle("body", fontName="FloorSans", fontSize=10, leading=13)
    cell = ParagraphStyle("cell", fontName="FloorSans", fontSize=8, leading=9.6)
    grid = [("FONT", (0, 0), (-1, -1), "FloorSans", 8), ("GRID", (0, 0), (-1, -1), 0.5, "grey")]
    story: list[Flowable] = []

    def rows_to_tables(headings: Sequence[str] | None, rows: Sequence[Sequence[str]]) -> None:
        for start in range(0, max(len(rows), 1), CHUNK):
            data: list[list[Any]] = [list(headings)] if headings else []
            data += [list(row) for row in rows[start : start + CHUNK]]
            if paragraph_cells:
                data = [[Paragraph(text, cell) for text in row] for row in data]
            story.append(RLTable(data, repeatRows=1 if headings else 0, style=grid))

    def walk(section: Section) -> None:
        story.append(Paragraph(section.title, style))
        for block in section.blocks:
            if isinstance(block, Text):
                story.append(Paragraph(block.text, style))
            elif isinstance(block, Facts):
                rows_to_tables(None, block.pairs)
            elif isinstance(block, Table):
                story.append(Paragraph(block.caption, style))
                rows_to_tables(block.headings, block.rows)
            else:
                counts = [[str(c) for c in row] for row in block.counts]
                story.append(
                    RLTable(counts, style=[*grid, ("BACKGROUND", (0, 0), (-1, -1), "orange")])
                )
        for child in section.children:
            walk(child)

    for section in report.sections:
        walk(section)
    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=report.title).build(story)
    return buffer.getvalue()


def timed(work: Callable[[], bytes], repeat: int) -> tuple[float, bytes]:
    times, data = [], b""
    for _ in range(repeat):
        started = time.perf_counter()
        data = work()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 3), data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="skip the Paragraph-cell floor")
    args = parser.parse_args()
    result: dict[str, object] = {"rl_accel": importlib.util.find_spec("_rl_accel") is not None}

    dpia = dpia_report()
    started = time.perf_counter()
    render_pdf(dpia, FONT_DIR)
    result["dpia_first_render_s"] = round(time.perf_counter() - started, 3)
    pdfmetrics.registerFont(TTFont("FloorSans", str(FONT_DIR / "DejaVuSans.ttf")))
    result["dpia_items"] = dpia.block_count()
    result["dpia_render_s"], data = timed(lambda: render_pdf(dpia, FONT_DIR), args.repeat)
    result["dpia_bytes"] = len(data)
    result["dpia_floor_s"], _ = timed(lambda: floor_pdf(dpia), args.repeat)
    result["dpia_vs_floor"] = round(result["dpia_render_s"] / result["dpia_floor_s"], 2)  # type: ignore[operator]
    result["dpia_target_s"] = 1.0

    issues = issues_report(args.issues)
    calls: list[int] = []
    result["issues"] = args.issues
    result["issues_render_s"], data = timed(
        lambda: render_pdf(issues, FONT_DIR, lambda done, _total: calls.append(done)), 1
    )
    result["issues_progress_calls"] = len(calls)
    result["issues_bytes"] = len(data)
    result["issues_floor_s"], _ = timed(lambda: floor_pdf(issues), 1)
    result["issues_vs_floor"] = round(result["issues_render_s"] / result["issues_floor_s"], 2)  # type: ignore[operator]
    if not args.quick:
        result["issues_floor_paragraph_cells_s"], _ = timed(
            lambda: floor_pdf(issues, paragraph_cells=True), 1
        )
    result["issues_target_s"] = 20.0
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
