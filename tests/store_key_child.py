"""Run under dbus-run-session with gnome-keyring: an encrypted store keyed from the keyring."""

from __future__ import annotations

import contextlib
import io
import sqlite3
import sys
from pathlib import Path

from ccassure import credentials
from ccassure.cli import main


def run(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue() + err.getvalue()


def plain_sqlite_refuses(path: Path) -> bool:
    try:
        sqlite3.connect(path).execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        return True
    return False


def main_child(folder: Path) -> None:
    assert "SecretService" in credentials.backend().name, credentials.backend()
    base = ("--data-dir", str(folder / "data"))
    store = folder / "data" / "ccassure.db"
    code, text = run(*base, "init")
    assert code == 0 and "encrypted" in text and "keyring" in text, text
    assert plain_sqlite_refuses(store)
    salt = store.read_bytes()[:16].hex()
    assert credentials.load_database_key(salt), "no key in the keyring"
    code, text = run(*base, "demo")
    assert code == 0, text
    code, text = run(*base, "list")
    assert code == 0 and "DPIA" in text, text
    code, text = run(*base, "backup", str(folder / "copy.db"))
    assert code == 0, text
    assert (folder / "copy.db").read_bytes()[:16].hex() == salt  # same key opens it
    assert plain_sqlite_refuses(folder / "copy.db")
    code, text = run("--store", str(folder / "copy.db"), "list")
    assert code == 0 and "DPIA" in text, text
    code, text = run(*base, "decrypt")
    assert code == 0 and not plain_sqlite_refuses(store), text
    code, text = run(*base, "encrypt")
    assert code == 0 and "keyring" in text and plain_sqlite_refuses(store), text
    code, text = run(*base, "check")
    assert code == 0 and "passes" in text, text
    print("store key ok")


if __name__ == "__main__":
    main_child(Path(sys.argv[1]))
