"""Private keys and store keys in the OS keyring (the only module that imports keyring)."""

from __future__ import annotations

from dataclasses import dataclass

import keyring
import keyring.core
import keyring.errors

from ccassure.domain.errors import CcassureError

SERVICE = "ccassure"


class CredentialError(CcassureError):
    """The keyring refused or failed (kind: locked, unavailable, invalid)."""


@dataclass(frozen=True)
class Backend:
    """The keyring backend in use and whether keys may be kept in it."""

    name: str
    usable: bool
    reason: str


def _account(fingerprint: str) -> str:
    return f"signing-key:{fingerprint}"


def _store_account(salt_hex: str) -> str:
    return f"store-key:{salt_hex}"


def backend() -> Backend:
    """Usable only if keyring recommends it (priority >= 1): never fail, null or plaintext."""
    try:
        current = keyring.get_keyring()
        name = type(current).__module__ + "." + type(current).__qualname__
        priority = float(current.priority)
    except Exception as exc:  # a backend that cannot even say its priority is unusable
        return Backend("unknown", False, f"the OS keyring cannot be reached ({exc})")
    if keyring.core.recommended(current):
        return Backend(name, True, "")
    if priority <= 0:
        reason = "no OS keyring (Secret Service, macOS Keychain or Windows) is available"
    else:
        reason = f"the keyring in use ({name}) is not a secure OS keyring"
    return Backend(name, False, reason)


def _refused(action: str, exc: Exception) -> CredentialError:
    if isinstance(exc, keyring.errors.KeyringLocked):
        return CredentialError(f"the OS keyring is locked; unlock it and {action} again", "locked")
    if isinstance(exc, keyring.errors.NoKeyringError):
        return CredentialError("no OS keyring is available", "unavailable")
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return CredentialError(f"the OS keyring refused to {action} the key ({detail})", "unavailable")


def _put(account: str, secret: str) -> None:
    if not backend().usable:
        raise CredentialError(backend().reason, "unavailable")
    try:
        keyring.set_password(SERVICE, account, secret)
    except Exception as exc:
        raise _refused("store", exc) from None


def _get(account: str) -> str | None:
    try:
        return keyring.get_password(SERVICE, account)
    except Exception as exc:
        raise _refused("read", exc) from None


def _delete(account: str) -> bool:
    try:
        keyring.delete_password(SERVICE, account)
    except keyring.errors.PasswordDeleteError:
        return False
    except Exception as exc:
        raise _refused("delete", exc) from None
    return True


def store_key(fingerprint: str, key_pem: str) -> None:
    """Keep a private key (PEM text) in the OS keyring under its certificate's fingerprint."""
    _put(_account(fingerprint), key_pem)


def load_key(fingerprint: str) -> str | None:
    """The private key for a fingerprint, or None if the keyring holds none."""
    return _get(_account(fingerprint))


def delete_key(fingerprint: str) -> bool:
    """Remove a key; False if there was none."""
    return _delete(_account(fingerprint))


def store_database_key(salt_hex: str, key_hex: str) -> None:
    """Keep an encrypted store's key under its salt (the first 16 bytes of the store file,
    shared by its backups, so they open with the same entry)."""
    _put(_store_account(salt_hex), key_hex)


def load_database_key(salt_hex: str) -> str | None:
    """The key of the store with this salt, or None; never raises for a missing keyring."""
    if not backend().usable:
        return None
    return _get(_store_account(salt_hex))


def delete_database_key(salt_hex: str) -> bool:
    return _delete(_store_account(salt_hex))
