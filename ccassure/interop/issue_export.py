"""Issue log writers: CSV (UTF-8 with BOM) and XLSX (openpyxl write-only, Issues and Retests)."""

from __future__ import annotations

import contextlib
import csv
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from ccassure.domain.issue_records import IssueLogEntry
from ccassure.interop.issue_columns import (
    FORMULA_TRIGGERS,
    GUARD,
    ISSUE_COLUMNS,
    RETEST_COLUMNS,
    Column,
    T,
    Value,
    guard_formula,
    values,
)

MAX_CELL_TEXT = 32_767  # Excel's limit on the characters in one cell
TRUNCATED = "… [cut at Excel's 32,767-character limit; the CSV export has it all]"
# XML 1.0 cannot hold these at all; they become U+FFFD in a workbook.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEADING_FONT = Font(bold=True)
_HEADING_FILL = PatternFill("solid", fgColor="DDE4EE")
_MAY_NEED_GUARD = FORMULA_TRIGGERS | {GUARD}


def _csv_row(row: list[Value]) -> list[Value]:
    """Text guarded against formulas; csv.writer writes numbers, dates (ISO) and None itself."""
    return [
        guard_formula(value) if value.__class__ is str and value[:1] in _MAY_NEED_GUARD else value
        for value in row
    ]


def write_csv(entries: Iterable[IssueLogEntry], path: Path) -> int:
    """One row per issue under a heading row; returns the number of issues written.

    UTF-8 with a byte-order mark (so Excel reads non-Latin text), fields quoted where they
    hold a comma, quote or line break, and text that would start a formula guarded."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL)
        writer.writerow([column.heading for column in ISSUE_COLUMNS])
        for entry in entries:
            writer.writerow(_csv_row(values(ISSUE_COLUMNS, entry)))
            count += 1
    return count


def sheet_text(text: str) -> str:
    """Text as a workbook can hold it: line breaks as LF, characters XML forbids as U+FFFD,
    and no more than Excel's limit (with a note saying it was cut)."""
    text = _NOT_IN_XML.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))
    if len(text) > MAX_CELL_TEXT:
        text = text[: MAX_CELL_TEXT - len(TRUNCATED)] + TRUNCATED
    return text


def _is_plain_string(text: str) -> bool:
    """False for text openpyxl would store as a formula or an error, or Excel would evaluate."""
    return text[:1] not in FORMULA_TRIGGERS and text not in ERROR_CODES


class _SheetWriter:
    """Rows into one write-only sheet: widths, a frozen heading row, wrapped long text."""

    def __init__(self, workbook: Workbook, title: str, columns: Sequence[Column[T]]) -> None:
        self.sheet: WriteOnlyWorksheet = workbook.create_sheet(title)
        self.widths = [column.width for column in columns]
        self.rows = 0
        for index, column in enumerate(columns, 1):
            self.sheet.column_dimensions[get_column_letter(index)].width = column.width
        self.sheet.freeze_panes = "B2"  # the heading row and the ref column stay in view
        self.sheet.print_title_rows = "1:1"
        headings = []
        for column in columns:
            cell = WriteOnlyCell(self.sheet, column.heading)
            cell.font, cell.fill, cell.alignment = _HEADING_FONT, _HEADING_FILL, _WRAP
            headings.append(cell)
        self.sheet.append(headings)

    def append(self, row: list[Value]) -> None:
        plain = [not isinstance(value, str) or _is_plain_string(value) for value in row]
        texts = [sheet_text(value) if isinstance(value, str) else value for value in row]
        wrap = any(
            isinstance(value, str) and ("\n" in value or len(value) > width)
            for value, width in zip(texts, self.widths, strict=True)
        )
        self.sheet.append([self._cell(v, p, wrap) for v, p in zip(texts, plain, strict=True)])
        self.rows += 1

    def _cell(self, value: Value, plain: bool, wrap: bool) -> Value | Cell:
        if value is None or value == "":
            return None  # no cell at all: smaller and faster
        if plain and not wrap:
            return value
        cell = WriteOnlyCell(self.sheet)
        cell.value = value
        if not plain:
            cell.data_type = "s"  # text, never a formula or an error value
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
        if wrap:
            cell.alignment = _WRAP
        return cell

    def finish(self) -> None:
        last = get_column_letter(len(self.widths))
        # write-only sheets have a filter too (openpyxl's type stubs leave it out)
        self.sheet.auto_filter.ref = f"A1:{last}{self.rows + 1}"  # type: ignore[attr-defined]

    def discard(self) -> None:
        """Close the sheet and remove its temporary file: the workbook will not be saved."""
        with contextlib.suppress(Exception):
            self.sheet.close()
        writer = getattr(self.sheet, "_writer", None)  # openpyxl keeps the file until save
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.cleanup()


def write_xlsx(entries: Iterable[IssueLogEntry], path: Path) -> int:
    """An "Issues" sheet (one row per issue) and a "Retests" sheet (one row per retest, by
    issue ref); returns the number of issues written."""
    workbook = Workbook(write_only=True)
    workbook.properties.creator = "ccassure"
    workbook.properties.title = "Accessibility issue log"
    issues = _SheetWriter(workbook, "Issues", ISSUE_COLUMNS)
    retests = _SheetWriter(workbook, "Retests", RETEST_COLUMNS)
    try:
        for entry in entries:
            issues.append(values(ISSUE_COLUMNS, entry))
            for retest in entry.retests:
                retests.append(values(RETEST_COLUMNS, (entry.ref, retest)))
        issues.finish()
        retests.finish()
        workbook.save(path)
    except BaseException:
        issues.discard()
        retests.discard()
        raise
    return issues.rows
