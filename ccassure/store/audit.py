"""The audit trail's hash chain: the one place that hashes, appends and checks its rows.

Each row's hash is SHA-256 of the previous row's hash followed by the canonical JSON of the
row's own fields (HASHED), so altering a row, removing one or changing their order breaks the
chain at that row. The one-row table `audit_head` holds the count, last id and last hash,
written in the same transaction as the rows, so that removing the *last* rows (which leaves an
intact but shorter chain) is seen too, and appending never scans the trail.

Limits: this makes changes made with plain SQL *evident*, not impossible. There is no secret
in the computation (none could be kept from someone who holds the file), so anyone able to
write the file can rewrite every row and the head consistently, or delete the whole trail and
its head. Compare with a copy kept elsewhere (a backup, a review package) to catch that.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any

from ccassure.domain.audit_changes import Change, as_json
from ccassure.domain.audit_trail import Problem

if TYPE_CHECKING:
    from sqlalchemy import Connection

HASHED = (
    "at",
    "actor",
    "action",
    "assessment_id",
    "entity",
    "entity_key",
    "field",
    "old_value",
    "new_value",
    "detail_json",
)
COLUMNS = ("id", *HASHED, "prev_hash", "hash")
GENESIS = ""


_SORTED = sorted(HASHED)
_KEYS = [f"{json.dumps(name)}:" for name in _SORTED]


def canonical_row(row: Mapping[str, Any]) -> str:
    """as_json of the hashed fields as one object (keys sorted), built without sorting: this
    is the verification's inner loop, so the common value types are written inline."""
    pairs = []
    for key, name in zip(_KEYS, _SORTED, strict=True):
        value = row[name]
        if value is None:
            pairs.append(key + "null")
        elif type(value) is str:
            pairs.append(key + encode_basestring(value))
        elif type(value) is int:
            pairs.append(key + str(value))
        else:
            pairs.append(key + as_json(value))
    return "{" + ",".join(pairs) + "}"


def row_hash(prev_hash: str, row: Mapping[str, Any]) -> str:
    """sha256(previous hash + canonical JSON of the row's hashed fields), as hex."""
    return hashlib.sha256((prev_hash + canonical_row(row)).encode()).hexdigest()


@dataclass(frozen=True)
class Head:
    last_id: int
    count: int
    hash: str


@dataclass(frozen=True)
class Break:
    """Where a chain first fails: the row at `position` (None: the head) and why."""

    position: int
    row: Mapping[str, Any] | None
    problem: Problem
    explanation: str


def first_break(rows: Iterable[Mapping[str, Any]], head: Head | None) -> tuple[int, Break | None]:
    """Recompute the chain over rows in id order; the number of rows, and the first break."""
    previous: Mapping[str, Any] | None = None
    position = -1
    iterator = iter(rows)
    for position, row in enumerate(iterator):
        prev = previous["hash"] if previous is not None else GENESIS
        if row_hash(row["prev_hash"], row) != row["hash"]:
            why = "its contents do not match its hash: it was altered after it was written"
            return position + 1, Break(position, row, "altered", why)
        if row["prev_hash"] != prev:
            later = next((r for r in iterator if r["hash"] == row["prev_hash"]), None)
            if later is not None:
                why = (
                    f"the order was changed: it was written after row {later['id']}, "
                    "which now comes after it"
                )
                return position + 1, Break(position, row, "reordered", why)
            why = (
                "the row it was chained to is missing: a row before it was removed "
                "(or the row before it was altered and its hash recomputed)"
            )
            return position + 1, Break(position, row, "missing_before", why)
        previous = row
    count = position + 1
    last = previous["hash"] if previous is not None else GENESIS
    if head is None:
        if count == 0:
            return 0, None
        why = "the trail's head (count and last hash) is missing, so removed last rows go unseen"
        return count, Break(count, None, "head_missing", why)
    if head.count > count:
        gone = head.count - count
        why = (
            f"{gone} row(s) at the end are missing: the head records {head.count} rows "
            f"ending with row {head.last_id}"
        )
        return count, Break(count, previous, "missing_at_end", why)
    if head.count != count or head.hash != last:
        why = (
            f"the trail does not end where its head says (the head records {head.count} rows "
            f"ending with row {head.last_id}; there are {count}): rows were removed at the "
            "end and others added, or the head was altered"
        )
        return count, Break(count, previous, "head_mismatch", why)
    return count, None


def default_actor() -> str:
    """Who is changing the store when no one was named: the operating system's user."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def event_rows(
    at: str,
    actor: str,
    action: str,
    assessment_id: int | None,
    detail: Mapping[str, Any],
    changes: Sequence[Change],
) -> list[dict[str, Any]]:
    """The rows one audited event adds: one per change, or one for the event alone. Every
    row names the action; the event's detail is kept once, on its first row ("{}" after), so
    that readers of an action's detail (the package log) find one entry per event."""
    base = {"at": at, "actor": actor, "action": action, "assessment_id": assessment_id}
    first = {"detail_json": as_json(dict(detail))}
    if not changes:
        return [
            {**base, **first, "entity": None, "entity_key": None, "field": None} | _values(None)
        ]
    return [
        {**base, **(first if n == 0 else {"detail_json": "{}"})}
        | {"entity": c.entity, "entity_key": c.key, "field": c.field}
        | _values(c)
        for n, c in enumerate(changes)
    ]


def _values(change: Change | None) -> dict[str, str | None]:
    if change is None:
        return {"old_value": None, "new_value": None}
    if change.field is None:  # a thing added or removed: None means it did not exist
        return {
            "old_value": None if change.old is None else as_json(change.old),
            "new_value": None if change.new is None else as_json(change.new),
        }
    return {"old_value": as_json(change.old), "new_value": as_json(change.new)}


_HEAD = "SELECT last_id, count, hash FROM audit_head WHERE id = 1"
_INSERT = f"INSERT INTO audit_event ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"


def append(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Chain rows onto the trail and move its head, inside the caller's transaction."""
    found = connection.exec_driver_sql(_HEAD).fetchone()
    if found is None:  # the head was removed: rebuild it from the rows, and say so in the trail
        last = connection.exec_driver_sql(
            "SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1"
        ).fetchone()
        total = connection.exec_driver_sql("SELECT COUNT(*) FROM audit_event").scalar() or 0
        head = Head(int(last[0]), int(total), str(last[1])) if last else Head(0, 0, GENESIS)
        if last is not None:
            note = {**rows[0], "action": "audit.head_recreated", "entity": None}
            note |= {"entity_key": None, "field": None} | _values(None)
            rows = [note, *rows]
    else:
        head = Head(int(found[0]), int(found[1]), str(found[2]))
    top = connection.exec_driver_sql("SELECT MAX(id) FROM audit_event").scalar()
    next_id, prev, values = max(int(top or 0), head.last_id) + 1, head.hash, []
    for offset, row in enumerate(rows):
        digest = row_hash(prev, row)
        values.append((next_id + offset, *(row[name] for name in HASHED), prev, digest))
        prev = digest
    connection.exec_driver_sql(_INSERT, values)
    connection.exec_driver_sql(
        "INSERT OR REPLACE INTO audit_head (id, last_id, count, hash) VALUES (1, ?, ?, ?)",
        (next_id + len(rows) - 1, head.count + len(rows), prev),
    )
