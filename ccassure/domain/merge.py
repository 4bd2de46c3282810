"""Three-way merge of assessment documents: what changed where, and what conflicts."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from pydantic import ValidationError

from ccassure.domain.document import (
    IDENTITY_FIELDS,
    AssessmentDocument,
    Signoff,
    canonical_json,
    without_identity,
)
from ccassure.domain.errors import CcassureError

Outcome = Literal["take_remote", "keep_local", "conflict"]
Choice = Literal["mine", "theirs"]
Item = dict[str, Any]

OUTCOME_TEXT: Final[dict[Outcome, str]] = {
    "take_remote": "take theirs (only they changed it)",
    "keep_local": "keep mine (only I changed it)",
    "conflict": "conflict: both changed it differently",
}
HEADER: Final = "assessment"
SEAL: Final = "sealed_hash"
SCOPE: Final = "scope"


def _joined(*names: str) -> Callable[[Item], str]:
    return lambda item: "|".join(str(item[name]) for name in names)


def _attachment_key(item: Item) -> str:
    return f"{item['name']}@{str(item['sha256'])[:16]}"


# Each keyed part of a document, what identifies one of its items, and how people call it.
COLLECTIONS: Final[dict[str, tuple[Callable[[Item], str], str]]] = {
    "custom_items": (_joined("key"), "Item of this assessment"),
    "responses": (_joined("item"), "Answer to"),
    "risks": (_joined("ref"), "Risk"),
    "impacts": (_joined("characteristic"), "Impact on"),
    "actions": (_joined("ref"), "Action"),
    "issues": (_joined("ref"), "Issue"),
    "evaluations": (_joined("criterion", "sample"), "Evaluation"),
    "links": (_joined("source", "target_uid", "target"), "Link"),
    "attachments": (_attachment_key, "Attachment"),
}
FIELD_LABELS: Final = {"value": "answer", "comment": "comment", "notes": "notes"}
COMMENT_FIELDS: Final = frozenset({"comment", "notes", "rationale", "mitigation"})


class MergeError(CcassureError):
    """Two documents that cannot be merged, or a merge applied without every choice made."""


@dataclass(frozen=True)
class Change:
    """One field (or whole item) that differs between the three documents."""

    key: str  # stable: "assessment.title", "risks[R1].severity", "attachments[a.png@…]"
    part: str  # in domain terms: "Header", "Risk R1", "Answer to dpia.s1.aims"
    field: str  # "" when the whole item was added or removed
    base: Any  # None where the item is absent
    local: Any
    remote: Any
    outcome: Outcome
    unit: str = ""  # which part of the document: "assessment", "risks", "responses", …
    item: str = ""  # the item's stable key within it: "R1", "dpia.s1.aims"; "" for one-offs

    @property
    def field_label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field.replace("_", " "))

    @property
    def label(self) -> str:
        return f"{self.part}: {self.field_label}" if self.field else self.part


@dataclass(frozen=True)
class MergePlan:
    """How remote's changes since base would apply to local; conflicts need a choice each."""

    local: AssessmentDocument
    remote: AssessmentDocument
    changes: tuple[Change, ...]
    signoffs_to_add: tuple[Signoff, ...]
    _orders: Mapping[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    @property
    def conflicts(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.outcome == "conflict")

    @property
    def incoming(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.outcome == "take_remote")

    @property
    def comments_to_add(self) -> tuple[str, ...]:
        """Reviewers' comments that would arrive: changed comment fields and sign-off notes."""
        fields = [
            str(c.remote)
            for c in self.changes
            if c.field in COMMENT_FIELDS and c.outcome != "keep_local" and c.remote
        ]
        return (*fields, *(s.notes for s in self.signoffs_to_add if s.notes))

    @property
    def changes_anything(self) -> bool:
        return bool(self.incoming or self.conflicts or self.signoffs_to_add)


def _items(data: Item, name: str) -> dict[str, Item]:
    key_of, label = COLLECTIONS[name]
    found: dict[str, Item] = {}
    for item in data.get(name) or []:
        key = key_of(item)
        if key in found:
            raise MergeError(f"two entries share the key {key!r} ({label}); cannot merge")
        found[key] = item
    return found


def _single(data: Item, name: str) -> dict[str, Item]:
    value = data.get(name)
    return {} if value is None else {"": value}


def _units(data: Item) -> dict[str, dict[str, Item]]:
    """The document as keyed units: the header, the seal, the scope and each collection."""
    header = {k: v for k, v in data[HEADER].items() if k not in IDENTITY_FIELDS}
    units = {HEADER: {"": header}, SEAL: {"": {SEAL: data.get(SEAL)}}, SCOPE: _single(data, SCOPE)}
    units.update({name: _items(data, name) for name in COLLECTIONS})
    return units


def _part_name(unit: str, key: str) -> str:
    if unit == HEADER:
        return "Header"
    if unit == SEAL:
        return "Seal"
    if unit == SCOPE:
        return "Evaluation scope"
    return f"{COLLECTIONS[unit][1]} {key}"


def _address(unit: str, key: str, name: str = "") -> str:
    where = unit if unit in (HEADER, SCOPE) else f"{unit}[{key}]"
    if unit == SEAL:
        return SEAL
    return f"{where}.{name}" if name else where


def _three_way(base: Any, local: Any, remote: Any) -> Outcome | None:
    """None when local and remote agree (nothing to say), else who wins or a conflict."""
    if local == remote:
        return None
    if local == base:
        return "take_remote"
    if remote == base:
        return "keep_local"
    return "conflict"


def _item_changes(
    unit: str, key: str, base: Item | None, local: Item | None, remote: Item | None, known: bool
) -> list[Change]:
    part = _part_name(unit, key)
    whole = _three_way(base, local, remote)
    if whole is None:
        return []
    if local is None or remote is None:  # added or removed on one side at least
        decided: Outcome = whole if known else "conflict"
        return [Change(_address(unit, key), part, "", base, local, remote, decided, unit, key)]
    changes = []
    for name in sorted(set(base or {}) | set(local) | set(remote)):
        values = (base or {}).get(name), local.get(name), remote.get(name)
        outcome = _three_way(*values)
        if outcome is not None and base is None:
            outcome = "conflict"  # both added it (or the base is unknown): no side is the base
        if outcome is not None:
            address = _address(unit, key, name)
            changes.append(Change(address, part, name, *values, outcome, unit, key))
    return changes


def _same_signoff(signoff: Signoff, others: Iterable[Signoff]) -> bool:
    return any(signoff == other for other in others)


def plan_merge(
    base: AssessmentDocument | None, local: AssessmentDocument, remote: AssessmentDocument
) -> MergePlan:
    """Field by field, by each item's stable key: who changed what since base.

    Without a base (neither side's last exchange is known) every difference is a conflict.
    """
    if (local.assessment.kind, local.assessment.version) != (
        remote.assessment.kind,
        remote.assessment.version,
    ):
        raise MergeError(
            f"version {remote.assessment.version} of a {remote.assessment.kind} assessment "
            f"cannot merge into version {local.assessment.version} of a "
            f"{local.assessment.kind} assessment"
        )
    known = base is not None
    empty: dict[str, dict[str, Item]] = {unit: {} for unit in _units(local.to_data())}
    datas = [_units(d.to_data()) if d is not None else empty for d in (base, local, remote)]
    changes: list[Change] = []
    orders: dict[str, tuple[str, ...]] = {}
    for unit in datas[1]:
        old, mine, theirs = (d[unit] for d in datas)
        for key in _ordered_keys(old, mine, theirs):
            changes.extend(
                _item_changes(unit, key, old.get(key), mine.get(key), theirs.get(key), known)
            )
        orders[unit] = _order(tuple(old), tuple(mine), tuple(theirs))
    incoming = tuple(s for s in remote.signoffs if not _same_signoff(s, local.signoffs))
    return MergePlan(local, remote, tuple(changes), incoming, orders)


def _ordered_keys(*units: Mapping[str, Item]) -> list[str]:
    seen: dict[str, None] = {}
    for unit in units:
        seen.update(dict.fromkeys(unit))
    return list(seen)


def _order(
    base: tuple[str, ...], local: tuple[str, ...], remote: tuple[str, ...]
) -> tuple[str, ...]:
    """Item order: remote's if local kept base's order, else local's; then the other's new ones."""
    first, second = (remote, local) if local == base else (local, remote)
    return tuple(dict.fromkeys((*first, *second)))


def document_hash(document: AssessmentDocument) -> str:
    """What identifies a document as exchanged: its canonical JSON without id and uid."""
    return hashlib.sha256(canonical_json(without_identity(document.to_data()))).hexdigest()


def exchanged_json(document: AssessmentDocument) -> str:
    """The document as a package log keeps it: canonical JSON, without this store's id."""
    data = document.to_data()
    data[HEADER].pop("id", None)
    return canonical_json(data).decode()


def unresolved(plan: MergePlan, choices: Mapping[str, Choice]) -> list[Change]:
    return [c for c in plan.conflicts if c.key not in choices]


def apply(plan: MergePlan, choices: Mapping[str, Choice]) -> AssessmentDocument:
    """Local with remote's changes taken and each conflict resolved as chosen (by Change.key).

    Nothing is overwritten silently: a conflict without a choice raises MergeError.
    """
    unknown = sorted(set(choices) - {c.key for c in plan.conflicts})
    if unknown:
        raise MergeError(f"{unknown[0]} is not one of the conflicts of this merge")
    missing = unresolved(plan, choices)
    if missing:
        raise MergeError(
            f"{len(missing)} conflict(s) need a choice (mine or theirs), first {missing[0].label}"
        )
    local, remote = _units(plan.local.to_data()), _units(plan.remote.to_data())
    result = json.loads(json.dumps(local))
    for change in plan.changes:
        if change.outcome == "take_remote" or choices.get(change.key) == "theirs":
            _take(result, remote, change)
    data = _document_data(plan, result)
    try:
        return AssessmentDocument.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise MergeError(f"the merged document is not valid: {where}: {first['msg']}") from None


def _take(
    result: dict[str, dict[str, Item]], remote: dict[str, dict[str, Item]], change: Change
) -> None:
    unit, key = _locate(change)
    theirs = remote[unit].get(key)
    if not change.field:
        if theirs is None:
            result[unit].pop(key, None)
        else:
            result[unit][key] = theirs
        return
    mine = result[unit].setdefault(key, {})
    if theirs is None or change.field not in theirs:
        mine.pop(change.field, None)
    else:
        mine[change.field] = theirs[change.field]


def _locate(change: Change) -> tuple[str, str]:
    if change.key.startswith((f"{HEADER}.", SEAL)):
        return (HEADER if change.key.startswith(HEADER) else SEAL), ""
    if change.key == SCOPE or change.key.startswith(f"{SCOPE}."):
        return SCOPE, ""
    unit, rest = change.key.split("[", 1)
    suffix = f"].{change.field}" if change.field else "]"
    return unit, rest[: len(rest) - len(suffix)]


def _document_data(plan: MergePlan, units: dict[str, dict[str, Item]]) -> Item:
    data = plan.local.to_data()
    identity = {k: data[HEADER][k] for k in IDENTITY_FIELDS if k in data[HEADER]}
    data[HEADER] = {**units[HEADER][""], **identity}
    data[SEAL] = units[SEAL][""][SEAL]
    data[SCOPE] = units[SCOPE].get("")
    for name in COLLECTIONS:
        items = units[name]
        data[name] = [items[k] for k in plan._orders.get(name, ()) if k in items]
    data["signoffs"] = [
        *data["signoffs"],
        *(s.model_dump(mode="json") for s in plan.signoffs_to_add),
    ]
    return data


def shown(value: Any, limit: int = 160) -> str:
    """A value of a change on one line, for a table: text as is, parts briefly."""
    if value is None:
        return "(none)"
    if isinstance(value, str):
        text = value or "(empty)"
    elif isinstance(value, dict) and "data_base64" in value:
        text = f"{value.get('name')} ({value.get('size')} bytes)"
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
