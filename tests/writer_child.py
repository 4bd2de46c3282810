"""Child process for online-backup tests: another program writing the store as SQLite allows."""

from __future__ import annotations

import sqlite3
import sys


def hold(store: str) -> None:
    """Open a write transaction with a change in it, say so, and wait for a line: COMMIT or
    ROLLBACK."""
    db = sqlite3.connect(store, isolation_level=None, timeout=10)
    db.execute("BEGIN IMMEDIATE")
    db.execute("UPDATE assessment SET summary = 'IN-FLIGHT' WHERE id = 1")
    print("holding", flush=True)
    db.execute(sys.stdin.readline().strip())
    db.close()


def churn(store: str, first: int, second: int) -> None:
    """Commit, over and over, one token to two assessments in one transaction each time."""
    db = sqlite3.connect(store, isolation_level=None, timeout=10)
    number = 0
    while True:
        db.execute("BEGIN IMMEDIATE")
        for ident in (first, second):
            db.execute("UPDATE assessment SET summary = ? WHERE id = ?", (f"token {number}", ident))
        db.execute("COMMIT")
        if number == 0:  # only once: a full pipe would stop the writer
            print(number, flush=True)
        number += 1


if __name__ == "__main__":
    if sys.argv[1] == "hold":
        hold(sys.argv[2])
    else:
        churn(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
