"""Report blocks and sections as reportlab flowables: text, facts, tables, heat maps, headings."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Paragraph, Spacer

from ccassure.domain.report import Block, Facts, HeatMap, Report, Section, Table, Text
from ccassure.reports.fonts import FontSet
from ccassure.reports.heatmap import heat_map_drawing
from ccassure.reports.pdf_frame import Heading, OutlineEntry
from ccassure.reports.pdf_progress import ProgressMark, ProgressTracker, block_units
from ccassure.reports.pdf_styles import CELL_PADDING, CELL_SIZE, PdfStyles
from ccassure.reports.pdf_tables import PagedTable
from ccassure.reports.pdf_text import one_line, paragraph_markup

HEADING_ROOM = 90.0
HEADING_HEIGHT = 36.0
NOTES_KEPT_WITH_HEADING = 80.0
CAPTION_HEIGHT = 20.0
KEEP_TOGETHER_ROWS = 12
OPENING_ROWS = 2
NATURAL_SAMPLE = 200
FACT_LABEL_SHARE = 0.3


@dataclass(frozen=True)
class Layout:
    """What every block needs: styles, the body frame's size, and the progress tracker."""

    styles: PdfStyles
    width: float
    frame_height: float
    tracker: ProgressTracker


def cover_flowables(report: Report, layout: Layout) -> list[Flowable]:
    styles = layout.styles
    return [
        Spacer(1, 30 * mm),
        Paragraph(paragraph_markup(report.kind_label), styles.cover_kind),
        Paragraph(paragraph_markup(report.title), styles.cover_title),
        _facts_table(cover_facts(report), layout),
        PageBreak(),
    ]


def cover_facts(report: Report) -> list[tuple[str, str]]:
    """The fixed cover facts, then `report.cover`'s own; a cover pair with a fixed fact's label
    gives its value, and one that restates a fixed fact under a similar label is left out."""
    facts = (
        ("Programme", report.programme),
        ("Component", report.component),
        ("Version", str(report.version)),
        ("Status", report.status),
        ("Generated", report.generated_on),
        ("Protective marking", report.marking),
        ("Content hash (SHA-256)", report.content_hash),
    )
    rows = {label.lower(): [label, value] for label, value in facts}
    known = [*rows.values(), ["Assessment kind", report.kind_label]]
    extra: list[tuple[str, str]] = []
    for label, value in report.cover:
        key = one_line(label).lower()
        if key in rows:
            rows[key][1] = value
        elif not any(value == v and _share_a_word(label, k) for k, v in known):
            extra.append((label, value))
    *fixed, content_hash = [(label, value) for label, value in rows.values()]
    return [*fixed, *extra, content_hash]


def _share_a_word(first: str, second: str) -> bool:
    def words(text: str) -> set[str]:
        return {word for word in re.findall(r"\w+", text.lower()) if len(word) > 3}

    return bool(words(first) & words(second))


def section_flowables(
    section: Section, level: int, layout: Layout, keys: Iterator[str]
) -> list[Flowable]:
    """A heading (bookmarked at `level`), the section's blocks, then its children one level down."""
    heading = Heading(paragraph_markup(section.title), layout.styles.heading(level))
    heading.outline = OutlineEntry(one_line(section.title) or "Untitled", level, next(keys))
    body = [
        flowable
        for block in section.blocks
        for flowable in block_flowables(_without_repeated_caption(block, section), layout)
    ]
    room = min(max(HEADING_ROOM, _opening_room(body, layout)), layout.frame_height)
    flowables: list[Flowable] = [CondPageBreak(room), heading, *body]
    for child in section.children:
        flowables += section_flowables(child, level + 1, layout, keys)
    return flowables


def _without_repeated_caption(block: Block, section: Section) -> Block:
    """A table captioned with its section's own title needs no caption under that heading."""
    if isinstance(block, Table) and one_line(block.caption) == one_line(section.title):
        return replace(block, caption="")
    return block


def _opening_room(body: list[Flowable], layout: Layout) -> float:
    """The room a heading needs to stay with what opens its section: its short notes and the
    first table's own room, whose page break it takes over (removed from `body`)."""
    notes = 0.0
    for index, flowable in enumerate(body):
        if isinstance(flowable, CondPageBreak):
            del body[index]
            return HEADING_HEIGHT + notes + flowable.height
        if isinstance(flowable, Paragraph):
            notes += flowable.wrap(layout.width, layout.frame_height)[1]
            notes += flowable.getSpaceBefore() + flowable.getSpaceAfter()
        elif not isinstance(flowable, ProgressMark):
            break
        if notes > NOTES_KEPT_WITH_HEADING:
            break
    return 0.0


def block_flowables(block: Block, layout: Layout) -> list[Flowable]:
    """The block's flowables, ending with a mark that counts it as done."""
    if isinstance(block, Text):
        flowables = _text(block, layout.styles)
    elif isinstance(block, Facts):
        facts = _facts_table(block.pairs, layout)
        flowables = [_room_for(facts, 0.0, layout), facts, Spacer(1, 8)]
    elif isinstance(block, Table):
        return _table(block, layout)
    elif isinstance(block, HeatMap):
        flowables = _heat_map(block, layout)
    return [*flowables, ProgressMark(layout.tracker, block_units(block))]


def _text(text: Text, styles: PdfStyles) -> list[Flowable]:
    if not text.text.strip():
        return []
    markup = paragraph_markup(text.text)
    if text.tone == "warning":
        return [Paragraph(f"<b>Warning:</b> {markup}", styles.warning)]
    return [Paragraph(markup, styles.note if text.tone == "note" else styles.body)]


def _facts_table(pairs: Sequence[tuple[str, str]], layout: Layout) -> PagedTable:
    label_width = layout.width * FACT_LABEL_SHARE
    return PagedTable(
        None,
        [(label, value) for label, value in pairs],
        [label_width, layout.width - label_width],
        layout.styles.fonts,
        label_column=True,
        frame_height=layout.frame_height,
    )


def _table(table: Table, layout: Layout) -> list[Flowable]:
    caption: list[Flowable] = []
    if table.caption.strip():
        caption.append(Paragraph(paragraph_markup(table.caption), layout.styles.caption))
    units = block_units(table)
    if not table.headings:
        return [*caption, ProgressMark(layout.tracker, units)]
    headings = table.headings
    rows = table.rows or [("None recorded.",) + ("",) * (len(headings) - 1)]
    grid = PagedTable(
        headings,
        rows,
        column_widths(table, layout.width, layout.styles.fonts),
        layout.styles.fonts,
        frame_height=layout.frame_height,
        tracker=layout.tracker,
        units=units,
    )
    room = _room_for(grid, CAPTION_HEIGHT if caption else 0.0, layout)
    return [room, *caption, grid, Spacer(1, 10)]


def _room_for(grid: PagedTable, above: float, layout: Layout) -> Flowable:
    """A page break unless the space left holds a short table whole, or a long one's opening."""
    rows = grid.row_count
    opening = grid.opening_height(rows if rows <= KEEP_TOGETHER_ROWS else OPENING_ROWS)
    return CondPageBreak(min(above + opening, layout.frame_height))


def column_widths(table: Table, width: float, fonts: FontSet) -> list[float]:
    """The given relative widths scaled to the frame, or widths that fit the text.

    Without given widths, every column gets at least its longest word (as HTML tables do) and
    the rest of the width goes to the columns in proportion to how much longer their text is.
    """
    count = len(table.headings)
    given = table.widths
    if given and len(given) == count and all(math.isfinite(w) and w > 0 for w in given):
        return [width * weight / sum(given) for weight in given]
    sample = [table.headings, *table.rows[:NATURAL_SAMPLE]]
    least, most = [], []
    for index in range(count):
        texts = [(row[index] if index < len(row) else "", row is table.headings) for row in sample]
        least.append(min(max(_widest(texts, words=True, fonts=fonts), 1.0), width * 0.3))
        most.append(max(_widest(texts, words=False, fonts=fonts), least[-1]))
    if sum(most) <= width:
        return [width * w / sum(most) for w in most]
    if sum(least) >= width:
        return [width * w / sum(least) for w in least]
    spare, stretch = width - sum(least), sum(most) - sum(least)
    return [low + spare * (high - low) / stretch for low, high in zip(least, most, strict=True)]


def _widest(texts: list[tuple[str, bool]], *, words: bool, fonts: FontSet) -> float:
    """The widest word (or line) among cell texts, with the cell's padding."""
    widest = 0.0
    for text, bold in texts:
        font = fonts.bold if bold else fonts.regular
        pieces = text.split() if words else text.splitlines()
        for piece in pieces:
            widest = max(widest, stringWidth(piece, font, CELL_SIZE))
    return widest + 2 * CELL_PADDING + 1


def _heat_map(heat_map: HeatMap, layout: Layout) -> list[Flowable]:
    """Caption and drawing on one page: shrunk if taller than a page, else moved whole."""
    drawing = heat_map_drawing(heat_map, layout.styles.fonts, layout.width)
    caption: list[Flowable] = []
    if heat_map.caption.strip():
        caption.append(Paragraph(paragraph_markup(heat_map.caption), layout.styles.caption))
    fits = layout.frame_height - CAPTION_HEIGHT * 2
    if drawing.height > fits:
        factor = fits / drawing.height
        drawing.scale(factor, factor)
        drawing.width, drawing.height = drawing.width * factor, drawing.height * factor
    room = CondPageBreak(drawing.height + (CAPTION_HEIGHT if caption else 0.0))
    return [room, *caption, drawing, Spacer(1, 12)]
