"""Opening a store for writing: SQLAlchemy engine with durable SQLite pragmas, and migrations."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from ccassure.store.cipher import StoreKey, db_errors
from ccassure.store.errors import StoreError
from ccassure.store.sqlite_file import copy_store, inspect_store, private_empty_file

MIGRATIONS = Path(__file__).with_name("migrations")


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control from the sqlite3 module so that DDL is transactional too.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(path: Path, key: StoreKey | None = None) -> Engine:
    """Plain stores through sqlite3; encrypted ones through SQLCipher (the pysqlcipher
    dialect keys each connection with the raw key before anything else runs)."""
    if key is None:
        url = URL.create("sqlite", database=str(path))
    else:
        url = URL.create("sqlite+pysqlcipher", password=key.pragma, database=str(path))
    engine = create_engine(url, poolclass=NullPool)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", lambda connection: connection.exec_driver_sql("BEGIN IMMEDIATE"))
    return engine


def alembic_config(scripts: Path = MIGRATIONS) -> Config:
    config = Config()
    config.set_main_option("script_location", str(scripts))
    return config


def script_revisions() -> list[str]:
    """Every revision in the migration scripts, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def migrate(engine: Engine, revision: str = "head", scripts: Path = MIGRATIONS) -> None:
    """Upgrade in one transaction: a failure leaves the store exactly as it was.

    Foreign keys are off while migrating (a table rebuilt by a batch migration must not
    cascade deletes into its children) and are checked in full before the commit.
    """
    config = alembic_config(scripts)
    with engine.connect() as connection:
        connection.connection.driver_connection.execute(  # type: ignore[union-attr]
            "PRAGMA foreign_keys=OFF"
        )
        with connection.begin():
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise StoreError(
                    f"the schema upgrade would leave {len(broken)} broken reference(s) "
                    f"(first in table {broken[0][0]}); the store was not changed",
                    "damaged",
                )


def backup_path(path: Path, reason: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return path.with_name(f"{path.name}.{reason}-{stamp}.bak")


def create_store(path: Path, revision: str = "head", key: StoreKey | None = None) -> Engine:
    if path.exists():
        raise StoreError(f"{path}: a file is already there; choose another path", "exists")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        private_empty_file(path)
    except OSError as exc:
        raise StoreError(f"{path}: cannot create the store there ({exc.strerror})") from None
    engine = make_engine(path, key)
    try:
        migrate(engine, revision)
    except BaseException as exc:
        engine.dispose()
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        if isinstance(exc, DBAPIError | db_errors()):
            reason = getattr(exc, "orig", exc)
            raise StoreError(f"{path}: cannot create a store there ({reason})") from None
        raise
    return engine


def open_for_writing(path: Path, key: StoreKey | None = None) -> Engine:
    """Open an existing store, backing it up and upgrading it first if its schema is older."""
    info = inspect_store(path, key)
    engine = make_engine(path, key)
    if info.needs_upgrade:
        copy_store(path, backup_path(path, f"before-upgrade-from-{info.revision}"), key)
        migrate(engine)
    return engine
