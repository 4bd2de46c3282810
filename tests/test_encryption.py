"""Encrypted stores: unreadable without the key, opened with it, converted both ways."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest

from ccassure.services.context import build_context
from ccassure.services.errors import ServiceError
from ccassure.services.paths import resolve_paths
from ccassure.services.store_keys import KeyRequest, make_key, unlock
from ccassure.store.cipher import SQLITE_MAGIC
from ccassure.store.store import Store
from tests.conftest import ROOT, run_cli
from tests.keyrings import MemoryKeyring, run_under_secret_service

PASS = "correct horse battery staple"
MARKER = "Zanzibar-quokka-7731"  # an answer that must never be readable on disk


def store_bytes(path: Path) -> str:
    digest = hashlib.sha256()
    for part in (path, Path(f"{path}-wal")):
        digest.update(part.read_bytes() if part.exists() else b"-")
    return digest.hexdigest()


def plain_sqlite_reads(path: Path) -> bool:
    result = subprocess.run(
        ["sqlite3", str(path), "SELECT count(*) FROM sqlite_master"],
        capture_output=True,
        text=True,
    )
    return result.returncode == 0


@pytest.fixture
def encrypted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[tuple[str, ...], Path]:
    monkeypatch.setenv("CCASSURE_PASSPHRASE", PASS)
    base = ("--data-dir", str(tmp_path / "data"))
    created = run_cli(*base, "init", "--passphrase", check=True)
    assert "encrypted" in created.stdout
    run_cli(*base, "demo", check=True)
    store = tmp_path / "data" / "ccassure.db"
    # an answer with a marker, written through the app's own services
    context = build_context(resolve_paths(str(store), None, {}), keys=KeyRequest(PASS))
    try:
        draft = next(s for s in context.assessments.list_summaries() if s.status == "draft")
        document = context.assessments.document(draft.id)
        response = document.responses[0]
        updated = response.model_copy(update={"comment": f"{MARKER} comment"})
        context.assessments.set_response(draft.id, updated)
    finally:
        context.close()
    return base, store


def test_the_encrypted_file_is_unreadable_without_its_key(
    encrypted: tuple[tuple[str, ...], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, store = encrypted
    # checkpoint into the main file, then look at every byte on disk
    run_cli(*base, "check", check=True)
    for part in store.parent.iterdir():
        data = part.read_bytes()
        assert MARKER.encode() not in data, part
        assert b"DPIA" not in data and b"LifeX" not in data, part
    strings = subprocess.run(["strings", str(store)], capture_output=True, text=True).stdout
    assert MARKER not in strings and "CREATE TABLE" not in strings
    assert not store.read_bytes().startswith(SQLITE_MAGIC)
    assert not plain_sqlite_reads(store)
    listed = run_cli(*base, "list", "--json", check=True)
    assert len(json.loads(listed.stdout)) >= 7


def test_a_wrong_or_missing_passphrase_is_one_clear_line_and_changes_nothing(
    encrypted: tuple[tuple[str, ...], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, store = encrypted
    before = store_bytes(store)
    monkeypatch.setenv("CCASSURE_PASSPHRASE", "not the passphrase")
    for command in (("list",), ("show", "1"), ("check",), ("decrypt",), ("backup", "x.db")):
        wrong = run_cli(*base, *command, stdin=subprocess.DEVNULL)
        assert wrong.returncode == 2, command
        assert wrong.stderr.count("\n") == 1, wrong.stderr
        assert "the passphrase does not open this store" in wrong.stderr
        assert "hmac" not in wrong.stderr.lower()
    monkeypatch.delenv("CCASSURE_PASSPHRASE")
    missing = run_cli(*base, "list", stdin=subprocess.DEVNULL)
    assert missing.returncode == 2 and "give its passphrase" in missing.stderr
    assert store_bytes(store) == before
    assert not (store.parent / "x.db").exists()


def test_encrypt_and_decrypt_keep_every_assessment_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = ("--data-dir", str(tmp_path / "data"))
    store = tmp_path / "data" / "ccassure.db"
    run_cli(*base, "init", "--no-encrypt", check=True)
    run_cli(*base, "demo", check=True)

    def documents() -> list[str]:
        ids = [
            s["id"]
            for s in json.loads(
                run_cli(*base, "list", "--json", "--all-versions", check=True).stdout
            )
        ]
        return [run_cli(*base, "show", str(i), "--json", check=True).stdout for i in ids]

    plain = documents()
    assert plain_sqlite_reads(store)
    monkeypatch.setenv("CCASSURE_PASSPHRASE", PASS)
    done = run_cli(*base, "encrypt", "--passphrase", check=True)
    assert "Encrypted" in done.stdout
    assert not plain_sqlite_reads(store)
    assert not Path(f"{store}-wal").exists() or b"LifeX" not in Path(f"{store}-wal").read_bytes()
    assert documents() == plain
    again = run_cli(*base, "encrypt", "--passphrase")
    assert again.returncode == 2 and "already encrypted" in again.stderr
    back = run_cli(*base, "decrypt", check=True)
    assert "kept at" in back.stdout
    assert plain_sqlite_reads(store)
    assert documents() == plain
    kept = next(store.parent.glob("ccassure.db.before-decrypt-*.bak"))
    assert not plain_sqlite_reads(kept)  # the encrypted original stays encrypted


def test_encrypting_a_store_in_use_is_refused_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = ("--data-dir", str(tmp_path / "data"))
    store = tmp_path / "data" / "ccassure.db"
    run_cli(*base, "init", "--no-encrypt", check=True)
    run_cli(*base, "demo", check=True)
    holder = Store.open(store)  # as the app holds it
    holder.reader().list_assessments()
    try:
        before = store_bytes(store)
        monkeypatch.setenv("CCASSURE_PASSPHRASE", PASS)
        busy = run_cli(*base, "encrypt", "--passphrase")
        assert busy.returncode == 2 and "open in another program" in busy.stderr
        assert store_bytes(store) == before and plain_sqlite_reads(store)
    finally:
        holder.close()


def test_backups_stay_encrypted_and_restore_keeps_the_store_encrypted(
    encrypted: tuple[tuple[str, ...], Path], tmp_path: Path
) -> None:
    base, store = encrypted
    run_cli(*base, "backup", str(tmp_path / "b.db"), check=True)
    backup = tmp_path / "b.db"
    assert not plain_sqlite_reads(backup)
    assert backup.read_bytes()[:16] == store.read_bytes()[:16]
    listed = run_cli("--store", str(backup), "list", "--json", check=True)
    assert json.loads(listed.stdout)
    # a plain backup restored into an encrypted store: the store stays encrypted
    plain = tmp_path / "plain"
    run_cli("--data-dir", str(plain), "init", "--no-encrypt", check=True)
    run_cli(*base, "restore", str(plain / "ccassure.db"), check=True)
    assert not plain_sqlite_reads(store)
    assert json.loads(run_cli(*base, "list", "--json", check=True).stdout) == []
    run_cli(*base, "restore", str(backup), check=True)
    assert len(json.loads(run_cli(*base, "list", "--json", check=True).stdout)) >= 7


def test_a_new_store_key_lives_in_the_keyring_and_opens_the_store(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    new = make_key()
    assert new.in_keyring
    path = tmp_path / "k.db"
    Store.create(path, new.key).close()
    assert f"store-key:{new.key.salt_hex}" in {name for (_service, name) in memory_keyring.secrets}
    found = unlock(path)
    assert found == new.key
    memory_keyring.secrets.clear()
    with pytest.raises(ServiceError, match="not in this computer's keyring") as caught:
        unlock(path)
    assert caught.value.kind == "needs_passphrase"


def test_random_bytes_shaped_like_a_store_are_not_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(bytes(range(256)) * 64)
    before = junk.read_bytes()
    monkeypatch.setenv("CCASSURE_PASSPHRASE", PASS)
    result = run_cli("--store", str(junk), "list")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "does not open this store" in result.stderr
    assert junk.read_bytes() == before


def test_real_keyring_keeps_the_store_key(tmp_path: Path) -> None:
    result = run_under_secret_service(ROOT / "tests" / "store_key_child.py", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "store key ok" in result.stdout


def test_a_store_being_converted_cannot_be_opened_or_written(tmp_path: Path) -> None:
    from ccassure.store.errors import StoreError
    from ccassure.store.file_lock import alone_with
    from ccassure.store.sqlite_file import writers_held_off

    path = tmp_path / "s.db"
    Store.create(path).close()
    with alone_with(path):
        with pytest.raises(StoreError, match="converting or restoring") as caught:
            Store.open(path)
        assert caught.value.kind == "locked"
    opened = Store.open(path)
    try:
        with (
            writers_held_off(path),
            pytest.raises(Exception, match="locked"),
            opened.transaction() as writer,
        ):
            writer.audit("test.write", None)
    finally:
        opened.close()


def test_a_killed_conversion_leaves_no_copy_once_the_store_opens(
    encrypted: tuple[tuple[str, ...], Path],
) -> None:
    base, store = encrypted
    leftovers = [store.with_name(store.name + s) for s in (".converting", ".restoring.partial")]
    for leftover in leftovers:
        leftover.write_bytes(b"SQLite format 3\x00 plain text of the store")
    run_cli(*base, "list", check=True)
    assert not any(p.exists() for p in leftovers)


def test_encrypt_names_the_unencrypted_automatic_backups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = ("--data-dir", str(tmp_path / "data"))
    run_cli(*base, "init", "--no-encrypt", check=True)
    auto = tmp_path / "data" / "backups"
    auto.mkdir()
    run_cli(*base, "backup", str(auto / "ccassure-auto-20261126T100000Z.db"), check=True)
    monkeypatch.setenv("CCASSURE_PASSPHRASE", PASS)
    done = run_cli(*base, "encrypt", "--passphrase", check=True)
    assert "ccassure-auto-20261126T100000Z.db is an unencrypted copy" in done.stdout
