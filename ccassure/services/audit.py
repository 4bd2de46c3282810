"""The audit trail's use cases: verify the hash chain, and read one assessment's trail."""

from __future__ import annotations

from ccassure.domain.audit_trail import AuditEntry, AuditVerdict
from ccassure.services.errors import ServiceError
from ccassure.store.audit_queries import AuditQueries
from ccassure.store.store import Store


class AuditService:
    """Reads only: the trail is written by the store with every change."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def verify(self) -> AuditVerdict:
        """Recompute the whole chain; intact, or the first bad row and why."""
        return AuditQueries(self.store.reader()).verify()

    def trail(self, assessment_id: int, limit: int | None = None) -> list[AuditEntry]:
        """One assessment version's changes, newest first (at most `limit`)."""
        if limit is not None and limit < 1:
            raise ServiceError("--limit must be 1 or more")
        queries = AuditQueries(self.store.reader())
        found = queries.trail(assessment_id, limit)
        if not found and self.store.reader().summary(assessment_id) is None:
            raise ServiceError(f"no assessment with id {assessment_id}", "missing")
        return found

    def count(self, assessment_id: int) -> int:
        """How many rows the trail holds for one assessment version."""
        return AuditQueries(self.store.reader()).count(assessment_id)
