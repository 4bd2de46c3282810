"""The audit chain as a pure function, its upgrade from a 0006 store, and the recorded changes."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccassure.domain.audit_changes import Change, as_json, changes, recorded
from ccassure.domain.document import Attachment, ProgrammeRef, Response
from ccassure.store.audit import GENESIS, HASHED, Head, canonical_row, first_break, row_hash
from ccassure.store.audit_queries import AuditQueries
from ccassure.store.engine import create_store
from ccassure.store.errors import StoreError
from ccassure.store.store import Store
from tests.conftest import CORE

text = st.text(max_size=12)
fields = st.fixed_dictionaries(
    {
        "id": st.integers(-(2**63), 2**63 - 1),
        "at": text,
        "actor": text,
        "action": text,
        "assessment_id": st.none() | st.integers(1, 50),
        "entity": st.none() | text,
        "entity_key": st.none() | text,
        "field": st.none() | text,
        "old_value": st.none() | text,
        "new_value": st.none() | text,
        "detail_json": text,
    }
)


@given(fields)
def test_the_fast_canonical_row_is_the_canonical_json_of_the_fields(row: dict[str, Any]) -> None:
    assert canonical_row(row) == as_json({name: row[name] for name in HASHED})


def chained(contents: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], Head]:
    rows, prev = [], GENESIS
    for number, content in enumerate(contents, start=1):
        row = {**content, "id": number}
        digest = row_hash(prev, row)
        rows.append({**row, "prev_hash": prev, "hash": digest})
        prev = digest
    return rows, Head(len(rows), len(rows), prev)


@settings(max_examples=300)
@given(st.lists(fields, min_size=2, max_size=12), st.data())
def test_any_single_alteration_is_found_at_its_first_index(
    contents: list[dict[str, Any]], data: st.DataObject
) -> None:
    rows, head = chained(contents)
    assert first_break(rows, head) == (len(rows), None)
    index = data.draw(st.integers(0, len(rows) - 1), label="index")
    kind = data.draw(st.sampled_from(["field", "rehashed", "delete", "swap"]), label="kind")
    altered = [dict(r) for r in rows]
    expected: tuple[int | None, str]
    if kind in ("field", "rehashed"):
        name = data.draw(st.sampled_from(HASHED), label="field")
        altered[index][name] = f"{altered[index][name]}!"
        expected = (index, "altered")
        if kind == "rehashed":
            altered[index]["hash"] = row_hash(altered[index]["prev_hash"], altered[index])
            last = index == len(rows) - 1
            expected = (index + 1, "head_mismatch" if last else "missing_before")
    elif kind == "delete":
        del altered[index]
        last = index == len(rows) - 1
        expected = (index, "missing_at_end" if last else "missing_before")
    else:
        index = min(index, len(rows) - 2)
        altered[index], altered[index + 1] = altered[index + 1], altered[index]
        expected = (index, "reordered")
    _, found = first_break(altered, head)
    assert found is not None
    assert (found.position, found.problem) == expected


def test_an_empty_trail_is_intact_and_a_missing_head_is_not() -> None:
    assert first_break([], Head(0, 0, GENESIS)) == (0, None)
    rows, _ = chained([dict.fromkeys(HASHED, "x")])
    for trail in ([], rows):  # every store has a head from its creation on
        _, found = first_break(trail, None)
        assert found is not None and found.problem == "head_missing" and found.row is None


def test_a_row_is_chained_with_its_id() -> None:
    rows, head = chained([dict.fromkeys(HASHED, "x")] * 3)
    for index, ident in ((0, -5), (2, 9999)):
        moved = [dict(r) for r in rows]
        moved[index]["id"] = ident
        _, found = first_break(sorted(moved, key=lambda r: r["id"]), head)
        assert found is not None and found.problem == "altered" and found.row == moved[index]


@settings(max_examples=200)
@given(st.lists(fields, min_size=1, max_size=8), st.data())
def test_a_head_not_ending_where_the_rows_end_is_found(
    contents: list[dict[str, Any]], data: st.DataObject
) -> None:
    rows, head = chained(contents)
    edit = data.draw(st.sampled_from(["last_id", "count", "hash", "set_back"]), label="edit")
    expected: tuple[int, str, object]
    if edit == "last_id":
        bad = Head(data.draw(st.integers().filter(lambda n: n != len(rows))), head.count, head.hash)
        expected = (len(rows), "head_altered", None)
    elif edit == "count":
        bad = Head(
            head.last_id, data.draw(st.integers().filter(lambda n: n != len(rows))), head.hash
        )
        expected = (len(rows), "head_altered", None)
    elif edit == "hash":
        bad = Head(head.last_id, head.count, head.hash + "0")
        expected = (len(rows), "head_mismatch", None)
    else:  # the rows after index were added without moving the head
        index = data.draw(st.integers(0, len(rows) - 1), label="index")
        bad = Head(index, index, rows[index - 1]["hash"] if index else GENESIS)
        expected = (index, "added_at_end", rows[index])
    _, found = first_break(rows, bad)
    assert found is not None and (found.position, found.problem, found.row) == expected


def test_changes_are_per_field_and_large_values_by_digest() -> None:
    before = Response(item="step1.aims", value="old", evidence=("a",))
    after = Response(item="step1.aims", value="new", evidence=("a", "b"))
    assert changes("response", "step1.aims", before, after) == [
        Change("response", "step1.aims", "value", "old", "new"),
        Change("response", "step1.aims", "evidence", ["a"], ["a", "b"]),
    ]
    assert changes("response", "x", before, before) == []
    [added] = changes("attachment", "big.bin", None, Attachment.of("big.bin", "a/b", b"x" * 10**6))
    assert "data_base64" not in added.new and added.new["size"] == 10**6
    assert recorded(b"abc") == {
        "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "size": 3,
    }
    assert recorded("y" * 70_000)["size"] == 70_000


def test_a_0006_store_with_events_is_chained_by_the_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    create_store(path, revision="0006").dispose()
    raw = sqlite3.connect(path)
    with raw:
        raw.executemany(
            "INSERT INTO audit_event (at, actor, action, assessment_id, detail_json) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                ("2025-01-02T10:00:00", "ana", "identity.add", None, '{"name": "Ana"}'),
                ("2025-01-03T10:00:00", "bo", "package_sent", 3, '{"to": "DPO"}'),
                ("2025-01-04T10:00:00", "", "response.saved", 3, '{"item": "step1.aims"}'),
            ],
        )
    raw.close()
    store = Store.open(path)
    try:
        queries = AuditQueries(store.reader())
        assert queries.verify().count == 3 and queries.verify().intact
        with store.transaction("cy") as writer:
            writer.audit("package_received", 3, sender="DPO")
        verdict = queries.verify()
        assert verdict.intact and verdict.count == 4
        [newest, *_] = queries.trail(3)
        assert (newest.action, newest.actor) == ("package_received", "cy")
    finally:
        store.close()
    db = sqlite3.connect(path)
    kept = db.execute("SELECT action, detail_json FROM audit_event ORDER BY id").fetchall()
    assert kept[1] == ("package_sent", '{"to": "DPO"}')  # old rows keep their columns as they were
    assert db.execute("SELECT count, last_id FROM audit_head").fetchone() == (4, 4)
    with db:
        db.execute("UPDATE audit_event SET detail_json = '{}' WHERE id = 1")
    db.close()
    store = Store.open(path)
    try:
        verdict = AuditQueries(store.reader()).verify()
        assert verdict.problem == "altered" and verdict.row is not None and verdict.row.id == 1
    finally:
        store.close()


@pytest.mark.parametrize(
    "tampering",
    [
        "DELETE FROM audit_head",
        "UPDATE audit_head SET last_id = last_id - 1",
        "UPDATE audit_head SET hash = 'f00'",
        "DELETE FROM audit_event WHERE id = (SELECT max(id) FROM audit_event)",
        "DELETE FROM audit_event",
    ],
)
def test_a_head_not_ending_where_the_rows_end_refuses_writes(
    tmp_path: Path, tampering: str
) -> None:
    store = Store.create(tmp_path / "s.db")
    try:
        for number in range(3):
            with store.transaction("ana") as writer:
                writer.audit("test.event", None, number=number)
        raw = sqlite3.connect(store.path)
        with raw:
            raw.execute(tampering)
        raw.close()
        queries = AuditQueries(store.reader())
        before = queries.verify()
        assert not before.intact
        with (
            pytest.raises(StoreError, match="audit verify") as caught,
            store.transaction("ana") as writer,
        ):
            writer.component_id(ProgrammeRef(key="new", name="Before the trail"), CORE)
            writer.audit("test.event", None, number=3)
        assert caught.value.kind == "tampered"
        assert queries.verify() == before
        assert not store.reader().has_programme("new")
    finally:
        store.close()


def test_an_events_detail_is_kept_once_on_its_first_row(tmp_path: Path) -> None:
    store = Store.create(tmp_path / "s.db")
    try:
        with store.transaction("ana") as writer:
            writer.note(
                Change("response", "step1.aims", "value", "a", "b"),
                Change("risk", "R01", "owner", "", "DPO"),
            )
            writer.audit("package_received", None, package="x.ccpack")
        rows = sqlite3.connect(store.path).execute(
            "SELECT action, entity, detail_json FROM audit_event ORDER BY id"
        )
        assert rows.fetchall() == [
            ("package_received", "response", '{"package":"x.ccpack"}'),
            ("package_received", "risk", "{}"),
        ]
        assert AuditQueries(store.reader()).verify().intact
    finally:
        store.close()
