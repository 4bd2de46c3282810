"""Converting a store to encrypted and back: a verified copy replaces the file, or nothing."""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path

from ccassure.services.errors import ServiceError
from ccassure.services.store_keys import KeyRequest, NewKey, forget_key, make_key, unlock
from ccassure.services.stores import safety_backup
from ccassure.store.cipher import SQLITE_MAGIC, StoreKey
from ccassure.store.errors import StoreError
from ccassure.store.file_lock import alone_with
from ccassure.store.sqlite_file import (
    CONVERTING,
    convert_copy,
    inspect_store,
    integrity_problems,
    is_encrypted,
    leave_wal_mode,
    writers_held_off,
)
from ccassure.store.store import Store


@dataclass(frozen=True)
class Conversion:
    path: Path
    encrypted: bool
    in_keyring: bool
    kept: Path | None  # the encrypted store kept before decrypting
    plain_copies: tuple[Path, ...]  # earlier unencrypted backups still beside the store


def encrypt_store(
    path: Path, passphrase: str | None = None, backup_folders: tuple[Path, ...] = ()
) -> Conversion:
    """Encrypt a plain store in place: with a new key in the OS keyring, or a passphrase.

    Unencrypted copies found afterwards (beside the store, and automatic backups in
    `backup_folders`) are named in the result, for the person to delete."""
    if is_encrypted(path):
        raise ServiceError(f"{path}: the store is already encrypted", "exists")
    inspect_store(path)
    new = make_key(passphrase)
    try:
        _replace_with_copy(path, None, new.key)
        if new.in_keyring and unlock(path, KeyRequest()) != new.key:
            raise ServiceError("the OS keyring did not keep the store's key", "unavailable")
    except BaseException:
        _forget_unless_used(path, new)
        raise
    plain = tuple(p for p in _copies(path, backup_folders) if _is_plain(p))
    return Conversion(path, True, new.in_keyring, None, plain)


def decrypt_store(path: Path, request: KeyRequest) -> Conversion:
    """Store an encrypted store unencrypted; the encrypted original is kept as a backup (and
    its key stays in the keyring, which earlier encrypted backups need)."""
    key = unlock(path, request)
    if key is None:
        raise ServiceError(f"{path}: the store is not encrypted", "invalid")
    kept = safety_backup(path, "before-decrypt", key)
    _replace_with_copy(path, key, None)
    return Conversion(path, False, False, kept, ())


def _replace_with_copy(path: Path, old: StoreKey | None, new: StoreKey | None) -> None:
    info = inspect_store(path, old)
    if info.needs_upgrade:
        raise ServiceError(
            f"{path}: open the store once to upgrade its schema, then convert it", "workflow"
        )
    converted = path.with_name(path.name + CONVERTING)
    converted.unlink(missing_ok=True)
    try:
        with alone_with(path):
            leave_wal_mode(path, old)  # nothing may linger in a -wal file beside the new one
            with writers_held_off(path, old):  # nothing committed after the copy is read
                convert_copy(path, old, converted, new)
                _check_same(path, old, converted, new)
                converted.replace(path)
                _sync_folder(path.parent)
    except StoreError as exc:
        raise ServiceError(f"{exc}; the store was not changed", exc.kind) from None
    finally:
        converted.unlink(missing_ok=True)


def _check_same(path: Path, old: StoreKey | None, copy: Path, new: StoreKey | None) -> None:
    problems = integrity_problems(copy, new)
    if problems:
        raise StoreError(f"the converted copy failed its check ({problems[0]})", "damaged")
    before, after = Store(path, key=old, claim=False), Store(copy, key=new, claim=False)
    try:
        if before.reader().table_counts() != after.reader().table_counts():
            raise StoreError("the converted copy does not hold every row", "damaged")
    finally:
        before.close()
        after.close()


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _forget_unless_used(path: Path, new: NewKey) -> None:
    try:
        used = path.read_bytes()[:16] == new.key.salt
    except OSError:
        used = False
    if not used:
        forget_key(new)


def _copies(path: Path, backup_folders: tuple[Path, ...]) -> list[Path]:
    found = list(path.parent.glob(f"{glob.escape(path.name)}.*.bak"))
    for folder in backup_folders:
        found += folder.glob(f"{glob.escape(path.stem)}-auto-*.db")
    return sorted(p for p in found if p.is_file())


def _is_plain(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(16) == SQLITE_MAGIC
    except OSError:
        return False
