"""Sign-offs as people see them: who decided what on which content, and whether it still holds."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Literal

from ccassure.domain.document import (
    AssessmentDocument,
    Decision,
    Signoff,
    canonical_json,
    content_hash,
)
from ccassure.domain.templates import SignoffRole, Template

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


DECISION_TEXT: dict[Decision, str] = {
    "approved": "Approved",
    "approved_with_conditions": "Approved with conditions",
    "rejected": "Rejected",
    "advice_given": "Advice given",
    "accepted": "Advice accepted",
    "overruled": "Advice overruled",
    "noted": "Noted",
}
APPROVING: frozenset[Decision] = frozenset(DECISION_TEXT) - {"rejected"}
"""Decisions that let a role's sign-off count towards sealing (the DPIA's DPO-advice decisions
among them: overruled advice is the controller's recorded decision to proceed)."""
NEEDS_COMMENTS: frozenset[Decision] = frozenset(
    {"approved_with_conditions", "rejected", "overruled"}
)
"""Decisions that mean nothing without their comments: the conditions, or the reasons."""
PAYLOAD_FORMAT = "ccassure.signoff/1"
SIGNED_FIELDS = (
    "role",
    "name",
    "position",
    "decision",
    "notes",
    "signed_on",
    "signed_at",
    "content_hash",
    "fingerprint",
)

Check = Callable[[Signoff, bytes], bool]
"""Whether a record's signature verifies over the payload, with the record's certificate,
and that certificate's fingerprint is the record's fingerprint (supplied by the signing layer)."""


def signed_payload(assessment_uid: str, version: int, signoff: Signoff) -> bytes:
    """The bytes a sign-off's signature covers: canonical JSON (sorted keys, UTF-8) of

    {"format": "ccassure.signoff/1", "assessment_uid", "version", "role", "name", "position",
    "decision", "notes" (the comments), "signed_on", "signed_at", "content_hash",
    "fingerprint"}. The content hash binds it to one content of the assessment, the uid and
    version to the assessment it was given on, the fingerprint to the signer's certificate.
    """
    data = signoff.model_dump(mode="json", include=set(SIGNED_FIELDS))
    data.update(format=PAYLOAD_FORMAT, assessment_uid=assessment_uid, version=version)
    return canonical_json(data)


def signoff_state(
    signoff: Signoff,
    current_hash: str,
    known_fingerprints: Collection[str],
    verify: Callable[[Signoff], bool],
) -> SignoffState:
    """The most serious thing true of a record: unsigned, altered, unknown signer, then stale."""
    if not signoff.signature:
        return "unsigned"
    if not verify(signoff):
        return "bad_signature"
    if signoff.fingerprint not in known_fingerprints:
        return "unknown_certificate"
    if signoff.content_hash != current_hash:
        return "stale"
    return "valid"


def current_decisions(signoffs: Iterable[Signoff], current_hash: str) -> dict[str, Signoff]:
    """Each role's latest sign-off over the current content (later records replace earlier)."""
    return {s.role: s for s in signoffs if s.content_hash == current_hash}


def roles_still_needed(
    template: Template, signoffs: Iterable[Signoff], current_hash: str
) -> list[SignoffRole]:
    """Required roles without an approving decision on the current content, template order."""
    decided = current_decisions(signoffs, current_hash)
    return [
        role
        for role in template.signoff_roles
        if role.required
        and (role.key not in decided or decided[role.key].decision not in APPROVING)
    ]


def current_hash_of(document: AssessmentDocument) -> str:
    """What a version's sign-offs must cover: its seal once sealed, else its content now."""
    return document.sealed_hash or content_hash(document)


def views(
    document: AssessmentDocument,
    template: Template,
    known_fingerprints: Collection[str],
    check: Check,
    current_hash: str | None = None,
) -> list[SignoffView]:
    """Every sign-off of one version, in the order given, each with its checked state."""
    header = document.assessment
    current = current_hash or current_hash_of(document)
    labels = {role.key: role.label for role in template.signoff_roles}

    def verify(signoff: Signoff) -> bool:
        return check(signoff, signed_payload(header.uid or "", header.version, signoff))

    return [
        SignoffView(
            role=s.role,
            role_label=labels.get(s.role, s.role),
            name=s.name,
            position=s.position,
            decision=s.decision,
            decision_label=DECISION_TEXT[s.decision],
            signed_at=s.signed_at or s.signed_on.isoformat(),
            comments=s.notes,
            content_hash=s.content_hash,
            state=signoff_state(s, current, known_fingerprints, verify),
        )
        for s in document.signoffs
    ]
