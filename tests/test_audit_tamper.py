"""Tampering the app must not launder: writes refused on a bad head, ids and the head checked."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from ccassure.services.store_keys import KeyRequest, unlock
from ccassure.store.audit import row_hash
from ccassure.store.cipher import connect
from tests.conftest import run_cli

PASS = "correct horse battery staple"


@pytest.fixture
def store(demo_store: Path, tmp_path: Path) -> Path:
    """A copy of the demo store, whose trail holds a few dozen rows."""
    copy = tmp_path / "store.db"
    shutil.copyfile(demo_store, copy)
    return copy


def ccassure(store: Path, *args: str) -> Any:
    result = run_cli("--store", str(store), *args)
    assert "Traceback" not in result.stderr
    return result


def verdict(store: Path) -> tuple[int, dict[str, Any]]:
    """`audit verify --json`: its exit code and its verdict (the human form says the same)."""
    result = ccassure(store, "audit", "verify", "--json")
    found: dict[str, Any] = json.loads(result.stdout)
    human = ccassure(store, "audit", "verify")
    assert human.returncode == result.returncode and found["message"] in human.stdout
    return result.returncode, found


def tamper(store: Path, *statements: str) -> None:
    db = sqlite3.connect(store)
    with db:
        for statement in statements:
            db.execute(statement)
    db.close()


def last_ids(store: Path, count: int) -> list[int]:
    with closing(sqlite3.connect(store)) as db:  # closed: the last close empties the WAL
        rows = db.execute("SELECT id FROM audit_event ORDER BY id DESC LIMIT ?", (count,))
        return sorted(row[0] for row in rows)


def file_digest(store: Path) -> str:
    digest = hashlib.sha256()
    for part in (store, Path(f"{store}-wal")):
        digest.update(part.read_bytes() if part.exists() else b"-")
    return digest.hexdigest()


def refused(store: Path, *args: str) -> str:
    """An ordinary change is refused in one line, and the file is left exactly as it was."""
    before = file_digest(store)
    result = ccassure(store, *args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1
    assert "ccassure audit verify" in result.stderr and "backup" in result.stderr
    assert file_digest(store) == before
    return str(result.stderr)


@pytest.mark.parametrize("head", ["removed", "kept"])
def test_removed_last_rows_are_not_laundered_by_the_next_change(store: Path, head: str) -> None:
    removed = last_ids(store, 5)
    statements = [f"DELETE FROM audit_event WHERE id >= {removed[0]}"]
    if head == "removed":
        statements.append("DELETE FROM audit_head")
    tamper(store, *statements)
    code, found = verdict(store)
    assert code == 1
    problem = "head_missing" if head == "removed" else "missing_at_end"
    assert found["problem"] == problem
    refused(store, "new-version", "1")
    code, again = verdict(store)
    assert code == 1 and again == found


def test_a_store_refusing_writes_is_mended_by_restoring_a_backup(
    store: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "backup.db"
    assert ccassure(store, "backup", str(backup)).returncode == 0
    tamper(store, "UPDATE audit_head SET last_id = 1")
    message = refused(store, "new-version", "1")
    assert "head" in message
    restored = ccassure(store, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert ccassure(store, "new-version", "1").returncode == 0
    code, found = verdict(store)
    assert code == 0 and found["intact"], found["message"]


def test_a_moved_last_row_is_named(store: Path) -> None:
    tamper(store, "UPDATE audit_event SET id = 9999 WHERE id = (SELECT max(id) FROM audit_event)")
    code, found = verdict(store)
    assert code == 1 and (found["problem"], found["row"]["id"]) == ("altered", 9999)


def test_a_first_row_given_another_id_is_named(store: Path) -> None:
    tamper(store, "UPDATE audit_event SET id = -5 WHERE id = 1")
    code, found = verdict(store)
    assert code == 1 and (found["problem"], found["row"]["id"]) == ("altered", -5)


@pytest.mark.parametrize(
    ("edit", "problem", "says"),
    [
        ("last_id = 1", "head_altered", "ending with row 1"),
        ("count = count + 1", "head_altered", "the head was altered"),
        ("hash = 'f00'", "head_mismatch", "hash"),
    ],
)
def test_an_edited_head_is_named_as_the_bad_thing(
    store: Path, edit: str, problem: str, says: str
) -> None:
    [last] = last_ids(store, 1)
    tamper(store, f"UPDATE audit_head SET {edit}")
    code, found = verdict(store)
    assert code == 1 and (found["problem"], found["row"]) == (problem, None)
    assert found["message"].startswith("The audit trail is broken at the trail's head")
    assert says in found["message"] and f"row {last}" in found["message"]
    assert "missing" not in found["message"]
    if edit.startswith("count"):  # not checked by a write (that would count the trail) ...
        assert ccassure(store, "new-version", "1").returncode == 0
    else:
        refused(store, "new-version", "1")
    code, after = verdict(store)  # ... and still wrong after it, by as many rows
    assert code == 1 and (after["problem"], after["row"]) == (problem, None)


def test_a_row_chained_on_with_plain_sql_is_named(store: Path) -> None:
    db = sqlite3.connect(store)
    db.row_factory = sqlite3.Row
    last = dict(db.execute("SELECT * FROM audit_event ORDER BY id DESC LIMIT 1").fetchone())
    forged = {**last, "id": last["id"] + 1, "actor": "forger", "prev_hash": last["hash"]}
    forged["hash"] = row_hash(last["hash"], forged)
    columns = ", ".join(forged)
    with db:
        db.execute(
            f"INSERT INTO audit_event ({columns}) VALUES ({', '.join('?' * len(forged))})",
            list(forged.values()),
        )
    db.close()
    code, found = verdict(store)
    assert code == 1 and (found["problem"], found["row"]["id"]) == ("added_at_end", forged["id"])
    assert found["row"]["actor"] == "forger"


def test_verify_and_refusal_on_an_encrypted_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CCASSURE_PASSPHRASE", PASS)
    base = ("--data-dir", str(tmp_path / "data"))
    assert "encrypted" in run_cli(*base, "init", "--passphrase", check=True).stdout
    run_cli(*base, "demo", check=True)
    path = tmp_path / "data" / "ccassure.db"
    code, found = verdict(path)
    assert code == 0 and found["count"] > 10
    db = connect(path, unlock(path, KeyRequest(PASS)))
    with db:
        db.execute("DELETE FROM audit_event WHERE id = (SELECT max(id) FROM audit_event)")
    db.close()
    code, found = verdict(path)
    assert code == 1 and found["problem"] == "missing_at_end"
    refused(path, "new-version", "1")


def test_check_names_a_broken_trail_and_restore_refuses_the_backup(
    store: Path, tmp_path: Path
) -> None:
    """A backup whose trail was edited would be restored and then refuse every change: it is
    refused before anything is replaced, and `check` reports the break."""
    backup = tmp_path / "backup.db"
    assert ccassure(store, "backup", str(backup)).returncode == 0
    tamper(backup, "UPDATE audit_event SET actor = 'someone else' WHERE id = 3")
    checked = run_cli("--store", str(backup), "check")
    assert checked.returncode == 2 and "The audit trail is broken at row 3" in checked.stderr
    before = file_digest(store)
    result = ccassure(store, "restore", str(backup))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "cannot restore from" in result.stderr and "audit trail is broken" in result.stderr
    assert file_digest(store) == before
    assert ccassure(store, "check").returncode == 0
