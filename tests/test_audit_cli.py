"""`ccassure audit verify` and `audit show` on real store files tampered with by plain SQL."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ccassure.domain.document import Action, Response, Risk
from ccassure.services.context import build_context
from ccassure.services.paths import AppPaths
from ccassure.store.audit import COLUMNS
from tests.conftest import CORE, PROGRAMME, run_cli

ROWS = "SELECT id FROM audit_event ORDER BY id"


def cli(store: Path, *args: str) -> Any:
    result = run_cli("--store", str(store), "audit", *args)
    assert "Traceback" not in result.stderr
    return result


@pytest.fixture
def trail(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """A store whose trail holds a dozen or so rows about one DPIA; the DPIA's id."""
    paths = AppPaths(tmp_path / "data", tmp_path / "store.db")
    context = build_context(paths, mode="create", today=lambda: date(2026, 11, 26))
    service = context.assessments
    dpia = service.create("dpia", "DPIA for call handling", PROGRAMME, CORE, owner="IA officer")
    for value in ("First answer", "Second answer", "Third answer"):
        service.set_response(dpia, Response(item="step1.aims", value=value))
    service.put_risk(
        dpia, Risk(ref="R01", title="Excess data", likelihood="possible", severity="significant")
    )
    service.put_risk(
        dpia, Risk(ref="R01", title="Excess data", likelihood="probable", severity="significant")
    )
    service.update_header(dpia, title="DPIA for call handling and despatch", owner="New owner")
    service.put_action(dpia, Action(ref="A01", description="Agree retention", owner="DPO"))
    service.put_action(dpia, Action(ref="A01", description="Agree retention", status="done"))
    service.remove_risk(dpia, "R01")
    context.close()
    yield paths.store, dpia


def ids(store: Path) -> list[int]:
    with sqlite3.connect(store) as db:
        return [row[0] for row in db.execute(ROWS)]


def tamper(store: Path, *statements: str) -> None:
    db = sqlite3.connect(store)
    with db:
        for statement in statements:
            db.execute(statement)
    db.close()


def broken(store: Path) -> dict[str, Any]:
    """Run verify (human and JSON): exit 1 both times; the JSON verdict."""
    human = cli(store, "verify")
    assert human.returncode == 1, (human.stdout, human.stderr)
    result = cli(store, "verify", "--json")
    assert result.returncode == 1, result.stderr
    verdict: dict[str, Any] = json.loads(result.stdout)
    assert not verdict["intact"] and verdict["message"] in human.stdout
    return verdict


def test_an_intact_trail_verifies_with_its_count(trail: tuple[Path, int]) -> None:
    store, _ = trail
    result = cli(store, "verify", "--json")
    assert result.returncode == 0, result.stderr
    verdict = json.loads(result.stdout)
    assert verdict["intact"] and verdict["count"] == len(ids(store)) > 10
    assert f"{len(ids(store))} rows" in cli(store, "verify").stdout


def test_an_altered_value_is_named(trail: tuple[Path, int]) -> None:
    store, _ = trail
    target = ids(store)[4]
    tamper(store, f"UPDATE audit_event SET new_value = '\"forged\"' WHERE id = {target}")
    verdict = broken(store)
    assert verdict["problem"] == "altered" and verdict["row"]["id"] == target
    assert verdict["row"]["new"] == "forged"  # what the bad row now claims
    assert f"row {target} (" in verdict["message"] and "altered" in verdict["message"]


def test_an_altered_row_with_its_hash_recomputed_breaks_the_next_link(
    trail: tuple[Path, int],
) -> None:
    store, _ = trail
    target, following = ids(store)[4:6]
    tamper(
        store, f"UPDATE audit_event SET actor = 'someone else', hash = 'f00' WHERE id = {target}"
    )
    # The forger recomputes nothing correctly here, so the row itself is named first.
    assert broken(store)["row"]["id"] == target
    from ccassure.store.audit import row_hash

    db = sqlite3.connect(store)
    db.row_factory = sqlite3.Row
    row = dict(db.execute(f"SELECT * FROM audit_event WHERE id = {target}").fetchone())
    db.close()
    tamper(
        store,
        f"UPDATE audit_event SET hash = '{row_hash(row['prev_hash'], row)}' WHERE id = {target}",
    )
    verdict = broken(store)
    assert (verdict["problem"], verdict["row"]["id"]) == ("missing_before", following)


def test_a_deleted_middle_row_names_the_row_after_it(trail: tuple[Path, int]) -> None:
    store, _ = trail
    before = ids(store)
    tamper(store, f"DELETE FROM audit_event WHERE id = {before[5]}")
    verdict = broken(store)
    assert (verdict["problem"], verdict["row"]["id"]) == ("missing_before", before[6])
    assert "removed" in verdict["message"]


def test_a_deleted_last_row_is_seen_through_the_head(trail: tuple[Path, int]) -> None:
    store, _ = trail
    before = ids(store)
    tamper(store, f"DELETE FROM audit_event WHERE id = {before[-1]}")
    verdict = broken(store)
    assert verdict["problem"] == "missing_at_end" and verdict["row"]["id"] == before[-2]
    assert "1 row(s) at the end are missing" in verdict["message"]
    assert f"ending with row {before[-1]}" in verdict["message"]


def test_the_last_rows_and_the_head_deleted(trail: tuple[Path, int]) -> None:
    store, _ = trail
    before = ids(store)
    tamper(store, f"DELETE FROM audit_event WHERE id >= {before[-3]}", "DELETE FROM audit_head")
    verdict = broken(store)
    assert verdict["problem"] == "head_missing" and verdict["row"] is None


def test_swapped_contents_are_named_as_reordered(trail: tuple[Path, int]) -> None:
    store, _ = trail
    a, b = ids(store)[3:5]
    columns = ", ".join(COLUMNS[1:])
    tamper(
        store,
        f"CREATE TEMP TABLE keep AS SELECT * FROM audit_event WHERE id IN ({a}, {b})",
        f"UPDATE audit_event SET ({columns}) = (SELECT {columns} FROM keep WHERE keep.id = "
        f"CASE audit_event.id WHEN {a} THEN {b} ELSE {a} END) WHERE id IN ({a}, {b})",
    )
    verdict = broken(store)
    assert (verdict["problem"], verdict["row"]["id"]) == ("reordered", a)
    assert f"written as row {b}" in verdict["message"]


def test_swapped_ids_are_named_as_reordered(trail: tuple[Path, int]) -> None:
    store, _ = trail
    a, b = ids(store)[7:9]
    tamper(
        store,
        f"UPDATE audit_event SET id = -1 WHERE id = {a}",
        f"UPDATE audit_event SET id = {a} WHERE id = {b}",
        f"UPDATE audit_event SET id = {b} WHERE id = -1",
    )
    verdict = broken(store)
    assert (verdict["problem"], verdict["row"]["id"]) == ("reordered", a)


def test_an_unreadable_store_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a store at all\n" * 20)
    result = cli(bad, "verify")
    assert result.returncode == 2 and result.stderr.startswith("ccassure: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_show_lists_one_assessments_changes_newest_first(trail: tuple[Path, int]) -> None:
    store, dpia = trail
    result = cli(store, "show", str(dpia), "--json")
    assert result.returncode == 0, result.stderr
    entries = json.loads(result.stdout)
    assert [e["id"] for e in entries] == sorted((e["id"] for e in entries), reverse=True)
    answers = [(e["old"], e["new"]) for e in entries if e["entity"] == "response" and e["field"]]
    assert answers == [("Second answer", "Third answer"), ("First answer", "Second answer")]
    titles = [e for e in entries if e["field"] == "title"]
    assert [(t["old"], t["new"]) for t in titles] == [
        ("DPIA for call handling", "DPIA for call handling and despatch")
    ]
    removed = [e for e in entries if e["entity"] == "risk" and e["new"] is None]
    assert removed and removed[0]["old"]["title"] == "Excess data"
    assert all(e["actor"] for e in entries)  # the operating system's user when none was named
    limited = json.loads(cli(store, "show", str(dpia), "--json", "--limit", "2").stdout)
    assert limited == entries[:2]
    text = cli(store, "show", str(dpia)).stdout
    assert "Second answer" in text and "Third answer" in text and "WHEN (UTC)" in text
    missing = cli(store, "show", "999")
    assert missing.returncode == 2 and "no assessment with id 999" in missing.stderr
