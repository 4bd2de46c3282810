"""Sign-offs as people see them: who decided what on which content, and whether it still holds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SignoffState = Literal["valid", "stale", "unknown_certificate", "bad_signature", "unsigned"]

STATE_TEXT: dict[SignoffState, str] = {
    "valid": "Signature valid; covers this content",
    "stale": "Covers an earlier content of this assessment only",
    "unknown_certificate": "Signer's certificate is not known in this store",
    "bad_signature": "Signature does not verify: the record was altered",
    "unsigned": "Recorded without a digital signature",
}


@dataclass(frozen=True)
class SignoffView:
    """One sign-off with its checked state, ready for a table in the app or a report."""

    role: str
    role_label: str
    name: str
    position: str
    decision: str
    decision_label: str
    signed_at: str
    comments: str
    content_hash: str
    state: SignoffState

    @property
    def state_text(self) -> str:
        return STATE_TEXT[self.state]


@dataclass(frozen=True)
class VersionLine:
    """One version of an assessment in its history."""

    version: int
    status: str
    created_on: str
    sealed_hash: str | None
    signoffs: int
