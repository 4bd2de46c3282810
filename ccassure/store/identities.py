"""Reads and writes of known signers' certificates and the trust in them (the identity table)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import delete, update

from ccassure.domain.audit_changes import changes, field_change
from ccassure.store.accessibility_writes import table_of
from ccassure.store.errors import StoreError
from ccassure.store.reader import StoreReader, reads_safely
from ccassure.store.store import Store
from ccassure.store.tables import IdentityRow

_COLUMNS = "name, email, fingerprint, certificate_pem, created_at, trusted"


@dataclass(frozen=True)
class IdentityRecord:
    """One row of the identity table, as stored."""

    name: str
    email: str
    fingerprint: str
    certificate_pem: str
    created_at: str
    trusted: bool = False


def _record(row: tuple[object, ...]) -> IdentityRecord:
    *text, trusted = row
    name, email, fingerprint, certificate_pem, created_at = (str(v) for v in text)
    return IdentityRecord(name, email, fingerprint, certificate_pem, created_at, bool(trusted))


@reads_safely
class IdentityQueries:
    """Known identities, oldest first, and one by fingerprint."""

    def __init__(self, reader: StoreReader) -> None:
        self._db = reader.db

    def all(self) -> list[IdentityRecord]:
        rows = self._db.execute(f"SELECT {_COLUMNS} FROM identity ORDER BY id")
        return [_record(r) for r in rows]

    def find(self, fingerprint: str) -> IdentityRecord | None:
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM identity WHERE fingerprint = ?",
            (fingerprint,),
        ).fetchone()
        return _record(row) if row else None

    def signoffs_signed_by(self, fingerprint: str) -> int:
        """How many sign-off records in the store carry this certificate's signature."""
        row = self._db.execute(
            "SELECT COUNT(*) FROM signoff WHERE fingerprint = ?", (fingerprint,)
        ).fetchone()
        return int(row[0])


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
                trusted=record.trusted,
            )
        )
        writer.note(*changes("identity", record.fingerprint, None, asdict(record)))
        writer.audit(
            "identity.add",
            None,
            fingerprint=record.fingerprint,
            name=record.name,
            trusted=record.trusted,
        )


def _known(store: Store, fingerprint: str) -> IdentityRecord:
    found = IdentityQueries(store.reader()).find(fingerprint)
    if found is None:
        raise StoreError(f"identity {fingerprint[:16]}… is not in the store", "missing")
    return found


def set_trusted(store: Store, fingerprint: str, trusted: bool, actor: str = "") -> None:
    """Mark a known identity trusted or not, with its audit event."""
    found = _known(store, fingerprint)
    with store.transaction(actor) as writer:
        table = table_of("identity")
        writer.execute(
            update(table).where(table.c.fingerprint == fingerprint).values(trusted=trusted)
        )
        writer.note(*field_change("identity", fingerprint, "trusted", found.trusted, trusted))
        writer.audit(
            "identity.trust" if trusted else "identity.untrust",
            None,
            fingerprint=fingerprint,
            name=found.name,
        )


def delete_identity(store: Store, fingerprint: str, actor: str = "") -> None:
    """Remove a known identity (its certificate and trust), with its audit event."""
    found = _known(store, fingerprint)
    with store.transaction(actor) as writer:
        table = table_of("identity")
        writer.execute(delete(table).where(table.c.fingerprint == fingerprint))
        writer.note(*changes("identity", fingerprint, asdict(found), None))
        writer.audit("identity.delete", None, fingerprint=fingerprint, name=found.name)


def record_key_deleted(store: Store, fingerprint: str, actor: str = "") -> None:
    """The audit event for a private key deleted while its certificate stays known."""
    found = _known(store, fingerprint)
    with store.transaction(actor) as writer:
        writer.note(*field_change("identity", fingerprint, "private key", "kept here", None))
        writer.audit("identity.key_delete", None, fingerprint=fingerprint, name=found.name)
