"""The error signing raises: one readable message."""

from __future__ import annotations

from ccassure.domain.errors import CcassureError


class SigningError(CcassureError):
    """A key, certificate or signature refused (kind: invalid, passphrase, ...)."""
