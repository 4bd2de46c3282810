"""Store errors: missing, damaged, newer, locked or otherwise unusable store files."""

from __future__ import annotations

from ccassure.domain.errors import CcassureError


class StoreError(CcassureError):
    """A store that cannot be opened or written; kind is one of missing, not_a_store, damaged,
    newer, locked, exists, invalid."""
