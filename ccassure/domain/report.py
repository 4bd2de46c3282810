"""What a report says, apart from how it is drawn: the contract between content and renderers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

Tone = Literal["body", "note", "warning"]


@dataclass(frozen=True)
class Text:
    """A paragraph of plain text (never markup: renderers escape every character)."""

    text: str
    tone: Tone = "body"


@dataclass(frozen=True)
class Facts:
    """Label-value pairs, drawn as a two-column list (the cover, a risk's details)."""

    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    """A data table with header cells; `widths` are relative column widths when given."""

    caption: str
    headings: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]
    widths: tuple[float, ...] | None = None


@dataclass(frozen=True)
class HeatMap:
    """Counts of risks by likelihood (rows, most likely first) and severity (columns, least first).

    `ratings[r][c]` is the overall rating's key for the cell (e.g. "low", "medium", "high"),
    `rating_labels` maps those keys to the words a reader sees; renderers colour by key.
    """

    caption: str
    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    ratings: tuple[tuple[str, ...], ...]
    rating_labels: tuple[tuple[str, str], ...]
    row_title: str = "Likelihood"
    column_title: str = "Severity"


Block = Text | Facts | Table | HeatMap


@dataclass(frozen=True)
class Section:
    """A titled part of the report; each section and child becomes a bookmark and a heading."""

    title: str
    blocks: tuple[Block, ...] = ()
    children: tuple[Section, ...] = ()


@dataclass(frozen=True)
class Report:
    """One assessment version as a report: cover facts, then sections in reading order."""

    title: str
    kind_label: str
    programme: str
    component: str
    version: int
    status: str
    generated_on: str
    marking: str
    author: str
    subject: str
    content_hash: str
    sections: tuple[Section, ...]
    language: str = "en-GB"
    cover: tuple[tuple[str, str], ...] = field(default=())

    def block_count(self) -> int:
        """How many blocks in all (renderers report progress against it)."""

        def count(section: Section) -> int:
            return len(section.blocks) + sum(count(child) for child in section.children)

        return sum(count(section) for section in self.sections)
