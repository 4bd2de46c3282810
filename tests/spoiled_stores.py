"""Ways a store file goes bad, for the tests of every command that must refuse one."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path


def scribble(path: Path) -> None:
    """600 bytes of 0xff over a table page: SQLite opens it, the integrity check fails."""
    data = bytearray(path.read_bytes())
    data[4096 * 3 : 4096 * 3 + 600] = b"\xff" * 600
    path.write_bytes(bytes(data))


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def not_a_store(path: Path) -> None:
    path.write_text("name,value\nthis,is a csv file\n", "utf-8")


def newer(path: Path) -> None:
    """Stamped with a schema revision this program does not know."""
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE alembic_version SET version_num = 'ffff'")
