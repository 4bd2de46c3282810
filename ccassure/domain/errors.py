"""The root of every error ccassure reports to a person: one readable message and a kind."""

from __future__ import annotations


class CcassureError(Exception):
    """A problem the user can act on. `kind` lets the UI and CLI choose how to respond."""

    def __init__(self, message: str, kind: str = "invalid") -> None:
        super().__init__(message)
        self.kind = kind
