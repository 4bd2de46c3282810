"""SQLCipher for encrypted stores: keys, connections, and the file test for encryption."""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SQLITE_MAGIC = b"SQLite format 3\x00"
KEY_BYTES = 32
SALT_BYTES = 16
# SQLCipher's page size: an encrypted store is a whole number of these.
PAGE_BYTES = 4096
# scrypt turns a passphrase into the 256-bit key once per session (about 0.1 s here);
# SQLCipher then opens each connection with the raw key, so no per-connection KDF.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1


@dataclass(frozen=True, repr=False)
class StoreKey:
    """A raw 256-bit SQLCipher key and the store's salt (the first 16 bytes of its file)."""

    key: bytes
    salt: bytes

    def __post_init__(self) -> None:
        if len(self.key) != KEY_BYTES or len(self.salt) != SALT_BYTES:
            raise ValueError("a store key is 32 bytes with a 16-byte salt")

    @property
    def pragma(self) -> str:
        """SQLCipher's raw key with explicit salt: copies made with it keep the same salt."""
        return f"x'{self.key.hex()}{self.salt.hex()}'"

    @property
    def salt_hex(self) -> str:
        return self.salt.hex()

    def __repr__(self) -> str:
        return f"StoreKey(salt={self.salt_hex})"


def new_key(salt: bytes | None = None) -> StoreKey:
    return StoreKey(secrets.token_bytes(KEY_BYTES), salt or secrets.token_bytes(SALT_BYTES))


def passphrase_key(passphrase: str, salt: bytes | None = None) -> StoreKey:
    """The key a passphrase gives for a store with this salt (a new salt for a new store)."""
    salt = salt or secrets.token_bytes(SALT_BYTES)
    key = hashlib.scrypt(
        passphrase.encode("utf-8"),
        salt=salt,
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        maxmem=2**26,
        dklen=KEY_BYTES,
    )
    return StoreKey(key, salt)


def read_header(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(100)


def looks_encrypted(path: Path) -> bool:
    """Not plain SQLite, and shaped like SQLCipher's pages (random bytes are not told apart)."""
    header = read_header(path)
    if header.startswith(SQLITE_MAGIC) or len(header) < 100:
        return False
    size = path.stat().st_size
    return size >= PAGE_BYTES and size % PAGE_BYTES == 0


def file_salt(path: Path) -> bytes:
    return read_header(path)[:SALT_BYTES]


def _sqlcipher() -> Any:
    from sqlcipher3 import dbapi2

    return dbapi2


def db_errors(*also: type[Exception]) -> tuple[type[Exception], ...]:
    """Errors of either driver (and any others given); SQLCipher's only once it has been
    loaded (nothing else raises them), so plain stores never pay for importing it."""
    loaded = sys.modules.get("sqlcipher3.dbapi2")
    drivers = (sqlite3.Error,) if loaded is None else (sqlite3.Error, loaded.Error)
    return (*also, *drivers)


def connect(
    path: Path,
    key: StoreKey | None,
    *,
    read_only: bool = False,
    timeout: float = 5.0,
    check_same_thread: bool = True,
    isolation_level: str | None = "",
    through_sqlcipher: bool = False,
) -> sqlite3.Connection:
    """A DB-API connection to the store: sqlite3 for plain stores, SQLCipher when keyed."""
    module: Any = sqlite3 if key is None and not through_sqlcipher else _sqlcipher()
    target = f"{path.resolve().as_uri()}?mode=ro" if read_only else str(path)
    connection: sqlite3.Connection = module.connect(
        target,
        uri=read_only,
        timeout=timeout,
        check_same_thread=check_same_thread,
        isolation_level=isolation_level,
    )
    if module is not sqlite3:
        connection.execute("PRAGMA cipher_log_level = NONE")
    if key is not None:
        connection.execute(f'PRAGMA key = "{key.pragma}"')
    return connection


def row_factory(key: StoreKey | None) -> Any:
    return sqlite3.Row if key is None else _sqlcipher().Row


def opens_with(path: Path, key: StoreKey) -> bool:
    """True when the key decrypts the store's first page (a wrong key fails at once)."""
    try:
        connection = connect(path, key, read_only=True)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            connection.close()
    except db_errors():
        return False
    return True
