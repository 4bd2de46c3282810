"""The documents this store sent and received in review packages, read back from its audit log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Final

from ccassure.store.reader import StoreReader, reads_safely

SENT: Final = "package_sent"
RECEIVED: Final = "package_received"


@dataclass(frozen=True)
class PackageEntry:
    """One package this store wrote or took in: when, which way, and the document it carried."""

    at: str
    actor: str
    action: str
    assessment_id: int
    package: str
    content_hash: str
    document_hash: str
    document: str  # canonical JSON text of the document as exchanged


@reads_safely
class PackageLog:
    """Packages sent and received, newest first."""

    def __init__(self, reader: StoreReader) -> None:
        self._db = reader.db

    def entries(self, assessment_id: int) -> list[PackageEntry]:
        rows = self._db.execute(
            "SELECT at, actor, action, assessment_id, detail_json FROM audit_event "
            "WHERE action IN (?, ?) AND assessment_id = ? ORDER BY id DESC",
            (SENT, RECEIVED, assessment_id),
        ).fetchall()
        return [entry for entry in map(_entry, rows) if entry is not None]

    def latest(self, assessment_id: int) -> PackageEntry | None:
        """The last document exchanged for this version: the base of the next package."""
        found = self.entries(assessment_id)
        return found[0] if found else None

    def find(self, assessment_id: int, document_hash: str) -> PackageEntry | None:
        """The document exchanged for this version whose hash is `document_hash`, if any."""
        return next(
            (e for e in self.entries(assessment_id) if e.document_hash == document_hash), None
        )


def _entry(row: tuple[str, str, str, int, str]) -> PackageEntry | None:
    at, actor, action, assessment_id, detail_json = row
    try:
        detail = json.loads(detail_json)
        return PackageEntry(
            at=str(at),
            actor=str(actor),
            action=str(action),
            assessment_id=int(assessment_id),
            package=str(detail["package"]),
            content_hash=str(detail["content_hash"]),
            document_hash=str(detail["document_hash"]),
            document=str(detail["document"]),
        )
    except (ValueError, KeyError, TypeError):
        return None  # an entry this module did not write: not a base to merge from
