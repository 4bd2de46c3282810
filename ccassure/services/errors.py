"""The error services raise for a refused request."""

from __future__ import annotations

from ccassure.domain.errors import CcassureError


class ServiceError(CcassureError):
    """A request refused with one readable message (kind: invalid, missing, workflow, ...)."""
