"""The programme-wide actions list: every action of the latest versions, filtered and sorted."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from ccassure.domain.kinds import KINDS
from ccassure.domain.summary import ItemRow
from ccassure.services.errors import ServiceError
from ccassure.services.item_query import (
    ACTION_COLUMNS,
    ACTION_STATUSES,
    OVERDUE,
    OVERDUE_MARK,
    ItemQuery,
)
from ccassure.store.queries import ActionRecord

SortValue = str | date | int  # one type per key


@dataclass(frozen=True)
class ActionChoices:
    """What the actions list can be narrowed to, and how many actions there are in all."""

    total: int
    owners: tuple[str, ...]
    kinds: tuple[str, ...]
    components: tuple[str, ...]


def action_choices(records: Sequence[ActionRecord]) -> ActionChoices:
    def distinct(values: Iterable[str]) -> tuple[str, ...]:
        return tuple(sorted({v for v in values if v}, key=str.casefold))

    present = {r.kind for r in records}
    return ActionChoices(
        len(records),
        distinct(r.owner for r in records),
        tuple(k for k in KINDS if k in present),
        distinct(r.component for r in records),
    )


def is_overdue(record: ActionRecord, today: date) -> bool:
    late = record.due is not None and record.due < today
    return late and record.status in ("open", "in_progress")


def select_actions(records: Sequence[ActionRecord], query: ItemQuery, today: date) -> list[ItemRow]:
    """The records the query's filters keep, in the order it asks for, as list rows."""
    if query.sort and query.sort not in ACTION_COLUMNS:
        raise ServiceError(f"actions cannot be sorted by {query.sort!r}")
    kept = [r for r in records if _matches(r, query, today)]
    return [_item(r, today) for r in _sorted(kept, query.sort or "due", query.descending)]


def _matches(record: ActionRecord, query: ItemQuery, today: date) -> bool:
    if query.status == OVERDUE:
        if not is_overdue(record, today):
            return False
    elif query.status and record.status != query.status:
        return False
    if (
        (query.owner and record.owner != query.owner)
        or (query.kind and record.kind != query.kind)
        or (query.component and record.component != query.component)
    ):
        return False
    searched = "\n".join(
        (record.description, record.owner, record.link, record.ref, record.assessment)
    ).casefold()
    return all(word in searched for word in query.text.casefold().split())


_SORT_VALUES: dict[str, Callable[[ActionRecord], SortValue | None]] = {
    "ref": lambda r: r.ref.casefold() or None,
    "description": lambda r: r.description.casefold() or None,
    "owner": lambda r: r.owner.casefold() or None,
    "due": lambda r: r.due,
    "status": lambda r: ACTION_STATUSES.index(r.status) if r.status in ACTION_STATUSES else 99,
    "component": lambda r: f"{r.component.casefold()}\n{r.assessment.casefold()}",
    "assessment": lambda r: r.assessment.casefold() or None,
}


def _sorted(records: list[ActionRecord], key: str, descending: bool) -> list[ActionRecord]:
    """By the key either way round; blanks last either way; ties soonest due, then by ref."""
    value = _SORT_VALUES[key]
    by_due = sorted(records, key=lambda r: (r.due is None, r.due or date.min, r.ref.casefold()))
    filled = [(v, r) for r in by_due if (v := value(r)) is not None]
    filled.sort(key=lambda pair: pair[0], reverse=descending)
    return [r for _, r in filled] + [r for r in by_due if value(r) is None]


def _item(record: ActionRecord, today: date) -> ItemRow:
    due = record.due.isoformat() if record.due else ""
    if is_overdue(record, today):
        due += OVERDUE_MARK
    return ItemRow(
        record.assessment_id,
        record.ref,
        record.description,
        (record.owner, due, record.status, record.component, record.assessment),
    )
