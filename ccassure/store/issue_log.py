"""Reads of one assessment's issue log: filtered pages, facet counts, one issue, refs in use."""

from __future__ import annotations

import base64
import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ccassure.domain.document import Attachment, Issue
from ccassure.domain.issue_log import (
    FACETS,
    SEVERITY_ORDER,
    STATUS_ORDER,
    Facets,
    IssueFilter,
    IssueLogRow,
    IssueSort,
)
from ccassure.store.reader import StoreReader, issue_data, reads_safely

MAX_WORDS = 32  # a filter longer than this is cut short rather than made slow
_ROW_COLUMNS = (
    "i.ref, i.title, i.severity, i.status, i.criteria, i.assistive_tech, i.screen, i.found_on, "
    "i.needs_review"
)


def _rank(column: str, order: Sequence[str]) -> str:
    cases = " ".join(f"WHEN '{value}' THEN {n}" for n, value in enumerate(order))
    return f"CASE {column} {cases} ELSE {len(order)} END"


# sort key -> (blank test or "", value); blanks sort last either way, ties in the order logged
_SORTS = {
    "ref": ("", "i.id"),
    "title": ("", "i.title COLLATE NOCASE"),
    "severity": ("", _rank("i.severity", SEVERITY_ORDER)),
    "status": ("", _rank("i.status", STATUS_ORDER)),
    "criteria": ("i.criteria = ''", "i.criteria"),
    "assistive_tech": ("i.assistive_tech = ''", "i.assistive_tech COLLATE NOCASE"),
    "screen": ("i.screen = ''", "i.screen COLLATE NOCASE"),
    "found_on": ("i.found_on IS NULL", "i.found_on"),
}
SORT_KEYS = tuple(_SORTS)
_FACET_COLUMNS = {
    "severity": "i.severity",
    "status": "i.status",
    "assistive_tech": "i.assistive_tech",
    "screen": "i.screen",
}


def _is_token_character(character: str) -> bool:
    """What FTS5's unicode61 tokenizer keeps as part of a word (letters, numbers, private use)."""
    category = unicodedata.category(character)
    return category[0] in "LN" or category == "Co"


def match_expression(text: str) -> str | None:
    """An FTS5 query in which each typed word must begin a word of the issue, or None."""
    # Each word becomes a quoted phrase (its quotes doubled) with a prefix star: no operator,
    # bracket or column name the user types is read as FTS syntax.
    clean = text.replace("\x00", " ").encode("utf-8", "ignore").decode("utf-8")
    words = [w for w in clean.split() if any(_is_token_character(c) for c in w)]
    if not words:
        return None
    return " ".join('"' + word.replace('"', '""') + '"*' for word in words[:MAX_WORDS])


@dataclass(frozen=True)
class LogShape:
    """How many issues the assessment holds, and whether its ids are one unbroken run."""

    everything: int
    first_id: int
    last_id: int
    contiguous: bool  # no other assessment's issue has an id between first_id and last_id


@dataclass(frozen=True)
class _Query:
    source: str
    where: str
    params: tuple[object, ...]


def _row(values: Sequence[Any]) -> IssueLogRow:
    ref, title, severity, status, criteria, assistive_tech, screen, found, review = values
    return IssueLogRow(
        str(ref),
        str(title),
        str(severity),
        str(status),
        str(criteria),
        str(assistive_tech),
        str(screen),
        date.fromisoformat(found) if found else None,
        bool(review),
    )


def _criterion_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


@reads_safely
class IssueLogQueries:
    """The log's reads; every query is narrowed to one assessment."""

    def __init__(self, reader: StoreReader) -> None:
        self._db = reader.db

    def shape(self, assessment_id: int) -> LogShape:
        first, last, count = self._db.execute(
            "SELECT MIN(id), MAX(id), COUNT(*) FROM issue WHERE assessment_id = ?",
            (assessment_id,),
        ).fetchone()
        if not count:
            return LogShape(0, 0, 0, True)
        spanned = self._db.execute(
            "SELECT COUNT(*) FROM issue WHERE id BETWEEN ? AND ?", (first, last)
        ).fetchone()[0]
        return LogShape(int(count), int(first), int(last), spanned == count)

    def _query(self, assessment_id: int, wanted: IssueFilter, shape: LogShape) -> _Query:
        where: list[str] = ["i.assessment_id = ?"]
        params: list[object] = [assessment_id]
        match = match_expression(wanted.text)
        source = "issue i"
        if match is not None:
            # The full-text index leads: looking it up once per issue would repeat the search.
            source = "issue_fts f CROSS JOIN issue i ON i.id = f.rowid"
            where = ["f.issue_fts MATCH ?", "f.rowid BETWEEN ? AND ?", *where]
            params = [match, shape.first_id, shape.last_id, *params]
        for facet, column in _FACET_COLUMNS.items():
            value = getattr(wanted, facet)
            if value:
                where.append(f"{column} = ?")
                params.append(value)
        if wanted.criterion:
            # With text, the index's matches are checked against the criterion's issues ('+':
            # never the other way round, which would repeat the search once per issue).
            led = "+f.rowid" if match is not None else "i.id"
            where.append(f"{led} IN (SELECT issue_id FROM issue_criterion WHERE criterion = ?)")
            params.append(wanted.criterion)
        return _Query(source, " AND ".join(where), tuple(params))

    def count(self, assessment_id: int, wanted: IssueFilter, shape: LogShape) -> int:
        if not wanted.filtered:
            return shape.everything
        match = match_expression(wanted.text)
        columns = any(getattr(wanted, f) for f in _FACET_COLUMNS)
        if match is not None and shape.contiguous and not columns:
            # Every id in the range is this assessment's: the index counts without the table.
            sql = "SELECT COUNT(*) FROM issue_fts f WHERE f.issue_fts MATCH ? "
            sql += "AND f.rowid BETWEEN ? AND ?"
            params: tuple[object, ...] = (match, shape.first_id, shape.last_id)
            if wanted.criterion:
                sql += " AND +f.rowid IN (SELECT issue_id FROM issue_criterion WHERE criterion = ?)"
                params += (wanted.criterion,)
            return int(self._db.execute(sql, params).fetchone()[0])
        query = self._query(assessment_id, wanted, shape)
        found = self._db.execute(
            f"SELECT COUNT(*) FROM {query.source} WHERE {query.where}", query.params
        ).fetchone()[0]
        return int(found)

    def rows(
        self,
        assessment_id: int,
        wanted: IssueFilter,
        shape: LogShape,
        sort: IssueSort,
        offset: int,
        limit: int,
    ) -> list[IssueLogRow]:
        query = self._query(assessment_id, wanted, shape)
        blank, value = _SORTS[sort.key]
        if sort.key == "ref" and query.source.startswith("issue_fts"):
            value = "f.rowid"  # the index's own order: no sorting of every match
        order = [blank] if blank else []
        order.append(f"{value}{' DESC' if sort.descending else ''}")
        if sort.key != "ref":
            order.append("i.id")
        found = self._db.execute(
            f"SELECT {_ROW_COLUMNS} FROM {query.source} WHERE {query.where} "
            f"ORDER BY {', '.join(order)} LIMIT ? OFFSET ?",
            (*query.params, limit, offset),
        )
        return [_row(values) for values in found]

    def facets(self, assessment_id: int, wanted: IssueFilter, shape: LogShape) -> Facets:
        """For each facet, how many issues each value would show, given the other choices."""
        found: Facets = {}
        for facet in FACETS:
            query = self._query(assessment_id, wanted.without(facet), shape)
            if facet == "criterion":
                column = "c.criterion"
                source = f"{query.source} JOIN issue_criterion c ON c.issue_id = i.id"
            else:
                column, source = _FACET_COLUMNS[facet], query.source
            counts = {
                str(value): int(n)
                for value, n in self._db.execute(
                    f"SELECT {column}, COUNT(*) FROM {source} WHERE {query.where} "
                    f"AND {column} != '' GROUP BY {column}",
                    query.params,
                )
            }
            ordered = sorted(counts, key=lambda value: _facet_key(facet, value))
            found[facet] = tuple((value, counts[value]) for value in ordered)
        return found

    def issue(self, assessment_id: int, ref: str) -> Issue | None:
        row = self._db.execute(
            "SELECT * FROM issue WHERE assessment_id = ? AND ref = ?", (assessment_id, ref)
        ).fetchone()
        if row is None:
            return None
        data = issue_data(row)
        for table, field in (("retest", "retests"), ("occurrence", "occurrences")):
            parts = self._db.execute(
                f"SELECT * FROM {table} WHERE issue_id = ? ORDER BY id", (row["id"],)
            ).fetchall()
            data[field] = [
                {k: p[k] for k in p.keys() if k not in ("id", "issue_id")} for p in parts
            ]
        for occurrence in data["occurrences"]:
            occurrence["resolved"] = bool(occurrence["resolved"])
        return Issue.model_validate(data)

    def refs(self, assessment_id: int, refs: Sequence[str]) -> set[str]:
        """Which of these refs the assessment's log holds."""
        found = self._db.execute(
            "SELECT ref FROM issue WHERE assessment_id = ? AND ref IN "
            "(SELECT value FROM json_each(?))",
            (assessment_id, _json_list(refs)),
        )
        return {str(r[0]) for r in found}

    def highest_ref_number(self, assessment_id: int) -> int:
        """The largest number among the assessment's AT-0042 style refs (0 when there is none)."""
        found = self._db.execute(
            "SELECT MAX(CAST(substr(ref, 4) AS INTEGER)) FROM issue WHERE assessment_id = ? "
            "AND ref GLOB 'AT-[0-9][0-9][0-9][0-9]*' AND substr(ref, 4) NOT GLOB '*[^0-9]*'",
            (assessment_id,),
        ).fetchone()[0]
        return int(found or 0)

    def attachments(self, assessment_id: int, hashes: Sequence[str]) -> list[Attachment]:
        """The assessment's attachments with these SHA-256 (one of each)."""
        rows = self._db.execute(
            "SELECT name, media_type, sha256, size, data FROM attachment WHERE assessment_id = ? "
            "AND sha256 IN (SELECT value FROM json_each(?)) GROUP BY sha256",
            (assessment_id, _json_list(hashes)),
        )
        return [
            Attachment(
                name=r[0],
                media_type=r[1],
                sha256=r[2],
                size=r[3],
                data_base64=base64.b64encode(r[4]).decode("ascii"),
            )
            for r in rows
        ]


def _json_list(values: Sequence[str]) -> str:
    return json.dumps(list(values))


def _facet_key(facet: str, value: str) -> tuple[object, ...]:
    if facet == "severity":
        return (SEVERITY_ORDER.index(value) if value in SEVERITY_ORDER else 99, value)
    if facet == "status":
        return (STATUS_ORDER.index(value) if value in STATUS_ORDER else 99, value)
    if facet == "criterion":
        try:
            return (_criterion_key(value), value)
        except ValueError:
            return ((99,), value)
    return (value.casefold(), value)
