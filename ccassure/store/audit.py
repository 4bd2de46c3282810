"""The audit trail's hash chain: the one place that hashes, appends and checks its rows.

Each row's hash is SHA-256 of the previous row's hash followed by the canonical JSON of the
row's id and fields (HASHED), so altering a row, giving it another id, removing one or
changing their order breaks the chain at that row. The one-row table `audit_head` holds the
count, last id and last hash, written in the same transaction as the rows, so that removing
the *last* rows (which leaves an intact but shorter chain) is seen too, and appending never
scans the trail.

A change is refused (StoreError, nothing written) when the head is missing or does not end
where the rows end (last id and hash): the head is the only witness of rows removed at the
end, so rebuilding or overwriting it would launder the tampering, and rows chained after an
unexplained gap would prove nothing. The file stays exactly as found, for `audit verify` to
name the break; restoring a backup (the tampered store is kept aside) mends it. Breaks in the
middle of the trail, or a head whose count alone was edited, cannot be seen without reading
or counting it all, so they do not stop changes; appending leaves them as they are (the count
stays wrong by as many rows), and `audit verify` still names them.

Limits: this makes changes made with plain SQL *evident*, not impossible. There is no secret
in the computation (none could be kept from someone who holds the file), so anyone able to
write the file can rewrite every row and the head consistently, or replace the trail with an
empty one. Compare with a copy kept elsewhere (a backup, a review package) to catch that.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any

from ccassure.domain.audit_changes import Change, as_json
from ccassure.domain.audit_trail import Problem
from ccassure.store.errors import StoreError

if TYPE_CHECKING:
    from sqlalchemy import Connection

FIELDS = (
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
HASHED = ("id", *FIELDS)
COLUMNS = (*HASHED, "prev_hash", "hash")
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
    """sha256(previous hash + canonical JSON of the row's id and fields), as hex."""
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
    after_head: tuple[int, Mapping[str, Any]] | None = None  # the first row the head omits
    position = -1
    iterator = iter(rows)
    for position, row in enumerate(iterator):
        prev = previous["hash"] if previous is not None else GENESIS
        if row_hash(row["prev_hash"], row) != row["hash"]:
            return position + 1, _bad_row(position, row, iterator)
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
        if after_head is None and head is not None and prev == head.hash:
            after_head = (position, row)
        previous = row
    count = position + 1
    return count, _head_break(count, previous, after_head, head)


def _bad_row(position: int, row: Mapping[str, Any], later: Iterator[Mapping[str, Any]]) -> Break:
    """A row whose hash does not match: moved here from a later id, or altered."""
    for other in later:
        if row_hash(row["prev_hash"], {**row, "id": other["id"]}) == row["hash"]:
            why = (
                f"the order was changed: it was written as row {other['id']}, which now "
                "comes after it"
            )
            return Break(position, row, "reordered", why)
    why = "its contents or its id do not match its hash: it was altered after it was written"
    return Break(position, row, "altered", why)


def _head_break(
    count: int,
    last: Mapping[str, Any] | None,
    after_head: tuple[int, Mapping[str, Any]] | None,
    head: Head | None,
) -> Break | None:
    """Whether a trail whose rows chain intact ends where its head says, and if not, why."""
    if head is None:
        why = (
            "it is missing (it holds the count, last row and last hash, and is written with "
            "every change): it was removed, and with it the record of where the trail ends"
        )
        return Break(count, None, "head_missing", why)
    last_id, last_hash = (last["id"], last["hash"]) if last is not None else (0, GENESIS)
    says = f"the head records {head.count} rows ending with row {head.last_id}"
    rows = f"the rows chain intact, {count} of them ending with row {last_id}"
    if head.hash == last_hash:
        if head.count == count and head.last_id == last_id:
            return None
        why = f"the head was altered: {says}, but {rows}, and end with the head's hash"
        return Break(count, None, "head_altered", why)
    if after_head is not None:
        position, row = after_head
        why = (
            f"it is not in the trail's head, which ends before it ({says}): it and any rows "
            "after it were added with plain SQL, or the head was set back"
        )
        return Break(position, row, "added_at_end", why)
    if head.count > count:
        why = f"{head.count - count} row(s) at the end are missing: {says}"
        return Break(count, last, "missing_at_end", why)
    why = (
        f"the head's hash is that of no row ({says}; {rows}): the head was altered, or the "
        f"last row (row {last_id}) was rewritten and its hash recomputed"
    )
    return Break(count, None, "head_mismatch", why)


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
_LAST = "SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1"
_INSERT = f"INSERT INTO audit_event ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"


def append(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Chain rows onto the trail and move its head, inside the caller's transaction.

    Raises StoreError (kind "tampered") when the head is missing or does not end where the
    rows end: see the module's docstring."""
    head = checked_head(connection)
    prev, values = head.hash, []
    for ident, row in enumerate(rows, start=head.last_id + 1):
        digest = row_hash(prev, {**row, "id": ident})
        values.append((ident, *(row[name] for name in FIELDS), prev, digest))
        prev = digest
    connection.exec_driver_sql(_INSERT, values)
    connection.exec_driver_sql(
        "UPDATE audit_head SET last_id = ?, count = ?, hash = ? WHERE id = 1",
        (head.last_id + len(rows), head.count + len(rows), prev),
    )


def checked_head(connection: Connection) -> Head:
    """The head, when it ends where the rows end (two reads by key, not a scan)."""
    found = connection.exec_driver_sql(_HEAD).fetchone()
    last = connection.exec_driver_sql(_LAST).fetchone()
    last_id, last_hash = (int(last[0]), str(last[1])) if last is not None else (0, GENESIS)
    if found is None:
        problem = "its head is missing"
    elif (int(found[0]), str(found[2])) != (last_id, last_hash):
        problem = f"its head records row {found[0]} as the last, which is not the last row"
        if int(found[0]) == last_id:
            problem = f"its head's hash is not that of its last row, row {last_id}"
    else:
        return Head(last_id, int(found[1]), last_hash)
    raise StoreError(
        f"nothing was saved: the audit trail was changed outside ccassure ({problem}); run "
        "`ccassure audit verify` to see where, then restore the store from a backup "
        "(Tools → Backups, or `ccassure restore BACKUP`)",
        "tampered",
    )
