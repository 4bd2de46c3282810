"""Two laptops for review-package tests: the assurance officer's store and the DPO's."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ccassure.services.context import Context, build_context
from ccassure.services.identities import IdentityView
from ccassure.services.paths import AppPaths
from tests.signoff_helpers import PASS

PACKAGE_PASS = "removable media 2026"


def laptop(folder: Path) -> Context:
    return build_context(
        AppPaths(folder / "data", folder / "store.db"),
        mode="open_or_create",
        today=lambda: date(2026, 11, 26),
    )


def person(context: Context, name: str, role: str) -> IdentityView:
    return context.identities.create(name, role, "Metropolitan Police", lambda _p: PASS)


def trust(receiver: Context, sender: Context, fingerprint: str, folder: Path) -> None:
    """The receiver trusts the sender's certificate, passed as a file (as people would)."""
    certificate = folder / f"{fingerprint[:8]}.pem"
    sender.identities.export_certificate(certificate, fingerprint, force=True)
    receiver.identities.trust_certificate(certificate)


def store_bytes(context: Context) -> dict[str, str]:
    """SHA-256 of the store file and its journal (write-ahead log), as they are now."""
    return file_bytes(context.store.path)


def file_bytes(store: Path) -> dict[str, str]:
    """An empty journal counts as none: a read-only look at a store (as `unpack` takes before
    refusing) may leave an empty -wal file behind, which holds nothing."""
    found = {}
    for suffix in ("", "-wal"):
        path = Path(f"{store}{suffix}")
        empty = not path.exists() or (suffix and path.stat().st_size == 0)
        found[path.name] = "-" if empty else hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def no_ask(prompt: str) -> str:
    raise AssertionError(f"a key in the keyring needs no passphrase, yet it asked: {prompt}")


@dataclass
class Pair:
    """The officer's laptop and the DPO's, each with its own identity; `folder` is the media."""

    officer: Context
    dpo: Context
    officer_id: IdentityView
    dpo_id: IdentityView
    folder: Path

    def trust_each_other(self) -> None:
        trust(self.dpo, self.officer, self.officer_id.fingerprint, self.folder)
        trust(self.officer, self.dpo, self.dpo_id.fingerprint, self.folder)


@contextmanager
def two_laptops(folder: Path) -> Iterator[Pair]:
    officer, dpo = laptop(folder / "officer"), laptop(folder / "dpo")
    try:
        officer_id = person(officer, "Olu Officer", "Information Assurance Officer")
        dpo_id = person(dpo, "Dana DPO", "Data Protection Officer")
        yield Pair(officer, dpo, officer_id, dpo_id, folder)
    finally:
        officer.close()
        dpo.close()
