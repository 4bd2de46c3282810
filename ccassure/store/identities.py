"""Reads and writes of known signers' certificates (the identity table)."""

from __future__ import annotations

from dataclasses import dataclass

from ccassure.store.errors import StoreError
from ccassure.store.reader import StoreReader, reads_safely
from ccassure.store.store import Store
from ccassure.store.tables import IdentityRow


@dataclass(frozen=True)
class IdentityRecord:
    """One row of the identity table, as stored."""

    name: str
    email: str
    fingerprint: str
    certificate_pem: str
    created_at: str


@reads_safely
class IdentityQueries:
    """Known identities, oldest first, and one by fingerprint."""

    def __init__(self, reader: StoreReader) -> None:
        self._db = reader.db

    def all(self) -> list[IdentityRecord]:
        rows = self._db.execute(
            "SELECT name, email, fingerprint, certificate_pem, created_at FROM identity ORDER BY id"
        )
        return [IdentityRecord(*(str(v) for v in r)) for r in rows]

    def find(self, fingerprint: str) -> IdentityRecord | None:
        row = self._db.execute(
            "SELECT name, email, fingerprint, certificate_pem, created_at FROM identity "
            "WHERE fingerprint = ?",
            (fingerprint,),
        ).fetchone()
        return IdentityRecord(*(str(v) for v in row)) if row else None


def add_identity(store: Store, record: IdentityRecord, actor: str = "") -> None:
    """Insert an identity and its audit event in one transaction; a known one is refused."""
    if IdentityQueries(store.reader()).find(record.fingerprint) is not None:
        raise StoreError(f"identity {record.fingerprint[:16]}… is already in the store")
    with store.transaction(actor) as writer:
        writer.add(
            IdentityRow(
                name=record.name,
                email=record.email,
                fingerprint=record.fingerprint,
                certificate_pem=record.certificate_pem,
                created_at=record.created_at,
            )
        )
        writer.audit("identity.add", None, fingerprint=record.fingerprint, name=record.name)
