"""Aggregate and search queries over the latest version of each assessment (dashboard, find)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ccassure.domain.document import Risk
from ccassure.domain.summary import ItemPage, ItemRow
from ccassure.store.reader import LATEST, StoreReader, reads_safely

_IN_LATEST = f"a.id IN (SELECT a.id FROM assessment a WHERE {LATEST})"
_ISSUE_ORDER = (
    "CASE i.severity WHEN 'blocker' THEN 0 WHEN 'critical' THEN 1 WHEN 'serious' THEN 2 "
    "WHEN 'moderate' THEN 3 ELSE 4 END, i.id"
)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class RiskRow:
    assessment_id: int
    template_id: str
    template_version: int
    risk: Risk


@dataclass(frozen=True)
class ActionRecord:
    """One action of a latest version, with where it belongs (for the programme-wide list)."""

    assessment_id: int
    ref: str
    description: str
    owner: str
    due: date | None
    status: str
    link: str
    assessment: str
    kind: str
    component: str


@reads_safely
class StoreQueries:
    """Read-only queries for overviews; each returns plain values or domain objects."""

    def __init__(self, reader: StoreReader) -> None:
        self._db = reader.db

    def issue_counts(self) -> dict[tuple[str, str], int]:
        rows = self._db.execute(
            "SELECT i.severity, i.status, COUNT(*) FROM issue i JOIN assessment a "
            f"ON a.id = i.assessment_id WHERE {_IN_LATEST} GROUP BY i.severity, i.status"
        )
        return {(str(r[0]), str(r[1])): int(r[2]) for r in rows}

    def issues(self, severity: str | None, status: str | None, offset: int, limit: int) -> ItemPage:
        where, params = [_IN_LATEST], []
        for column, value in (("severity", severity), ("status", status)):
            if value:
                where.append(f"i.{column} = ?")
                params.append(value)
        base = (
            f"FROM issue i JOIN assessment a ON a.id = i.assessment_id WHERE {' AND '.join(where)}"
        )
        total = int(self._db.execute(f"SELECT COUNT(*) {base}", params).fetchone()[0])
        rows = self._db.execute(
            f"SELECT i.assessment_id, i.ref, i.title, i.severity, i.status, i.criteria, "
            f"i.assistive_tech, i.screen {base} ORDER BY {_ISSUE_ORDER} LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return ItemPage(
            tuple(ItemRow(int(r[0]), r[1], r[2], tuple(str(v) for v in r[3:])) for r in rows),
            total,
        )

    def latest_risks(self) -> list[RiskRow]:
        rows = self._db.execute(
            "SELECT r.*, a.template_id, a.template_version FROM risk r JOIN assessment a "
            f"ON a.id = r.assessment_id WHERE {_IN_LATEST} ORDER BY a.id, r.id"
        )
        names = [d[0] for d in rows.description]
        found = []
        for values in rows.fetchall():
            data = dict(zip(names, values, strict=True))
            fields = {k: v for k, v in data.items() if k in Risk.model_fields}
            fields["measure_approved"] = bool(fields["measure_approved"])
            found.append(
                RiskRow(
                    int(data["assessment_id"]),
                    str(data["template_id"]),
                    int(data["template_version"]),
                    Risk.model_validate(fields),
                )
            )
        return found

    def open_actions_due_before(self, day: date) -> list[ItemRow]:
        rows = self._db.execute(
            "SELECT x.assessment_id, x.ref, x.description, x.owner, x.due, x.status, a.title "
            f"FROM action x JOIN assessment a ON a.id = x.assessment_id WHERE {_IN_LATEST} "
            "AND x.status IN ('open', 'in_progress') AND x.due IS NOT NULL AND x.due < ? "
            "ORDER BY x.due, x.id",
            (day.isoformat(),),
        )
        return [ItemRow(int(r[0]), r[1], r[2], (r[3], r[4], r[5], r[6])) for r in rows]

    def action_records(self) -> list[ActionRecord]:
        """Every action of every latest version (thousands at most), in store order."""
        rows = self._db.execute(
            "SELECT x.assessment_id, x.ref, x.description, x.owner, x.due, x.status, x.link, "
            "a.title, a.kind, c.name FROM action x JOIN assessment a ON a.id = x.assessment_id "
            f"JOIN component c ON c.id = a.component_id WHERE {_IN_LATEST} ORDER BY x.id"
        )
        return [
            ActionRecord(
                int(r[0]),
                str(r[1]),
                str(r[2]),
                str(r[3]),
                date.fromisoformat(r[4]) if r[4] else None,
                *(str(v) for v in r[5:]),
            )
            for r in rows
        ]

    def expiring_answers(self, items: Sequence[str], until: date) -> list[ItemRow]:
        """Answers to expiring-evidence items whose date falls on or before `until`."""
        if not items:
            return []
        marks = ", ".join("?" * len(items))
        rows = self._db.execute(
            f"SELECT r.assessment_id, r.item, a.title, r.value FROM response r JOIN assessment a "
            f"ON a.id = r.assessment_id WHERE {_IN_LATEST} AND r.item IN ({marks}) "
            "AND r.value != '' AND r.value <= ? ORDER BY r.value",
            (*items, until.isoformat()),
        )
        return [ItemRow(int(r[0]), r[1], r[2], (r[3],)) for r in rows]

    def search(self, text: str, limit: int) -> list[ItemRow]:
        """Titles, answers and comments, and accessibility issues containing the text."""
        pattern = _like(text)
        hits: list[ItemRow] = []
        for sql, where in (
            (
                "SELECT a.id, 'title', a.title, a.kind FROM assessment a WHERE a.title LIKE ? "
                "ESCAPE '\\' AND ",
                "title",
            ),
            (
                "SELECT r.assessment_id, r.item, CASE WHEN r.value LIKE ? ESCAPE '\\' THEN r.value "
                "ELSE r.comment END, a.title FROM response r JOIN assessment a ON a.id = "
                "r.assessment_id WHERE (r.value LIKE ? ESCAPE '\\' OR r.comment LIKE ? "
                "ESCAPE '\\') AND ",
                "answer",
            ),
            (
                "SELECT i.assessment_id, i.ref, i.title, a.title FROM issue i JOIN assessment a "
                "ON a.id = i.assessment_id WHERE (i.title LIKE ? ESCAPE '\\' OR i.description "
                "LIKE ? ESCAPE '\\') AND ",
                "issue",
            ),
        ):
            remaining = limit - len(hits)
            if remaining <= 0:
                break
            params = [pattern] * sql.count("LIKE ?")
            rows = self._db.execute(f"{sql}{_IN_LATEST} LIMIT ?", (*params, remaining))
            hits += [ItemRow(int(r[0]), str(r[1]), str(r[2]), (where, str(r[3]))) for r in rows]
        return hits
