"""Encrypted stores' keys: from the OS keyring, or from a passphrase where there is none."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ccassure.services.errors import ServiceError
from ccassure.store.cipher import StoreKey, file_salt, new_key, opens_with, passphrase_key
from ccassure.store.sqlite_file import is_encrypted

# Asked with a prompt; returns the passphrase, or None when the person cancels.
Ask = Callable[[str], "str | None"]
MIN_PASSPHRASE = 8


@dataclass(frozen=True)
class KeyRequest:
    """How to unlock an encrypted store: the keyring first, then a given or asked passphrase."""

    passphrase: str | None = None
    ask: Ask | None = None


@dataclass(frozen=True)
class NewKey:
    """How a new store (or a store being encrypted) is keyed."""

    key: StoreKey
    in_keyring: bool


def keyring_usable() -> bool:
    from ccassure import credentials

    return credentials.backend().usable


def unlock(path: Path, request: KeyRequest | None = None) -> StoreKey | None:
    """None for a plain store (or none yet); the key that opens an encrypted one.

    Raises ServiceError: kind "needs_passphrase" when the keyring has no key and none was
    given, "wrong_passphrase" when the given one does not open it.
    """
    if not is_encrypted(path):
        return None
    salt = file_salt(path)
    found = _keyring_key(path, salt)
    if found is not None:
        return found
    request = request or KeyRequest()
    passphrase = request.passphrase
    if passphrase is None and request.ask is not None:
        passphrase = request.ask(f"Passphrase for the encrypted store {path.name}: ")
    if passphrase is None:
        raise ServiceError(
            f"{path}: the store is encrypted and its key is not in this computer's keyring; "
            "give its passphrase (CCASSURE_PASSPHRASE in scripts)",
            "needs_passphrase",
        )
    key = passphrase_key(passphrase, salt)
    if not opens_with(path, key):
        raise ServiceError(
            f"{path}: the passphrase does not open this store (or the file is not a ccassure "
            "store); nothing was changed",
            "wrong_passphrase",
        )
    return key


def backup_key(
    backup: Path, current: StoreKey | None, request: KeyRequest | None = None
) -> StoreKey | None:
    """The key of a backup: the open store's own when the backup is of it (same salt),
    else as for any store (keyring, then passphrase)."""
    same = current is not None and is_encrypted(backup) and file_salt(backup) == current.salt
    if same and current is not None and opens_with(backup, current):
        return current
    return unlock(backup, request)


def _keyring_key(path: Path, salt: bytes) -> StoreKey | None:
    from ccassure import credentials  # loaded only for an encrypted store

    try:
        stored = credentials.load_database_key(salt.hex())
    except credentials.CredentialError:
        return None  # locked or refused: the passphrase route still works
    if not stored:
        return None
    try:
        key = StoreKey(bytes.fromhex(stored), salt)
    except ValueError:
        return None
    return key if opens_with(path, key) else None


def check_new_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise ServiceError(
            f"the passphrase is too short: use at least {MIN_PASSPHRASE} characters "
            "(a few words are easiest to remember)"
        )


def make_key(passphrase: str | None = None) -> NewKey:
    """A new random key kept in the OS keyring, or, given a passphrase, a key derived from it
    (for machines with no keyring, or stores that travel)."""
    from ccassure import credentials

    if passphrase is not None:
        check_new_passphrase(passphrase)
        return NewKey(passphrase_key(passphrase), False)
    state = credentials.backend()
    if not state.usable:
        raise ServiceError(
            f"cannot keep the store's key: {state.reason}; encrypt with a passphrase instead",
            "unavailable",
        )
    key = new_key()
    try:
        credentials.store_database_key(key.salt_hex, key.key.hex())
    except credentials.CredentialError as exc:
        raise ServiceError(str(exc), exc.kind) from None
    return NewKey(key, True)


def forget_key(new: NewKey) -> None:
    """Undo make_key when the store it was for was not written."""
    from ccassure import credentials

    if new.in_keyring:
        with contextlib.suppress(credentials.CredentialError):  # unused: it opens nothing
            credentials.delete_database_key(new.key.salt_hex)
