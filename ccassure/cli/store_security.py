"""The store's encryption on the command line: init's choice, encrypt, decrypt, unlocking."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from ccassure.services.errors import ServiceError
from ccassure.services.paths import AppPaths
from ccassure.services.store_keys import KeyRequest

PASSPHRASE_ENV = "CCASSURE_PASSPHRASE"  # noqa: S105 (the variable's name)
EXIT_OK = 0


def _prompt(text: str) -> str | None:
    try:
        return getpass.getpass(text)
    except EOFError:
        return None


def key_request() -> KeyRequest:
    """CCASSURE_PASSPHRASE in scripts; a prompt on a terminal; else no passphrase at all."""
    return KeyRequest(os.environ.get(PASSPHRASE_ENV), _prompt if sys.stdin.isatty() else None)


def new_passphrase() -> str:
    given = os.environ.get(PASSPHRASE_ENV)
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise ServiceError(f"a passphrase is needed: set {PASSPHRASE_ENV} or run in a terminal")
    first = _prompt("New passphrase for the store: ")
    if first is None or _prompt("Again: ") != first:
        raise ServiceError("the two passphrases differ; nothing was changed")
    return first


def _passphrase_wanted(args: argparse.Namespace) -> str | None:
    """A passphrase when asked for one, or when there is no keyring to keep a key in."""
    from ccassure.services.store_keys import keyring_usable

    if args.passphrase or not keyring_usable():
        return new_passphrase()
    return None


def init(args: argparse.Namespace, paths: AppPaths) -> int:
    """Encrypted by default where an OS keyring can keep the key; --passphrase otherwise."""
    from ccassure.services.context import build_context
    from ccassure.services.store_keys import forget_key, keyring_usable, make_key

    if paths.store.exists():
        raise ServiceError(f"{paths.store}: a file is already there; choose another path", "exists")
    encrypt = args.encrypt or args.passphrase or (args.encrypt is None and keyring_usable())
    new = make_key(_passphrase_wanted(args)) if encrypt else None
    try:
        build_context(paths, mode="create", new_key=new.key if new else None).close()
    except BaseException:
        if new is not None:
            forget_key(new)
        raise
    if new is None:
        hint = "" if args.encrypt is False else " (no OS keyring here: use --passphrase)"
        print(f"Created an empty store at {paths.store}, not encrypted{hint}")
    else:
        where = "its key is in the OS keyring" if new.in_keyring else "it opens with the passphrase"
        print(f"Created an empty encrypted store at {paths.store}; {where}")
    return EXIT_OK


def encrypt(args: argparse.Namespace, paths: AppPaths) -> int:
    from ccassure.services.store_encryption import encrypt_store

    done = encrypt_store(paths.store, _passphrase_wanted(args), (paths.data_dir / "backups",))
    where = "its key is in the OS keyring" if done.in_keyring else "it opens with the passphrase"
    print(f"Encrypted {done.path}; {where}")
    for plain in done.plain_copies:
        print(f"note: {plain} is an unencrypted copy of this store; delete it if not needed")
    return EXIT_OK


def decrypt(args: argparse.Namespace, paths: AppPaths) -> int:
    from ccassure.services.store_encryption import decrypt_store

    done = decrypt_store(paths.store, key_request())
    print(f"Decrypted {done.path}; the encrypted store is kept at {done.kept}")
    return EXIT_OK
