"""Sign-offs as people see them: who decided what on which content, and whether it still holds."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
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

SignoffState = Literal[
    "valid", "stale", "altered", "unknown_certificate", "untrusted", "bad_signature", "unsigned"
]

STATE_TEXT: dict[SignoffState, str] = {
    "valid": "Signature valid; covers this content",
    "stale": "Covers an earlier content of this assessment only",
    "altered": "The sealed content has changed since this sign-off",
    "unknown_certificate": "Signer's certificate is not known in this store",
    "untrusted": "Signer is known here but not trusted",
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
    signers: Mapping[str, bool],
    verify: Callable[[Signoff], bool],
    altered: bool = False,
) -> SignoffState:
    """The most serious thing true of a record: its sealed version altered, unsigned, record
    altered, unknown or untrusted signer, then stale. `signers` maps each known certificate's
    fingerprint to whether it is trusted."""
    if altered:
        return "altered"
    if not signoff.signature:
        return "unsigned"
    if not verify(signoff):
        return "bad_signature"
    if signoff.fingerprint not in signers:
        return "unknown_certificate"
    if not signers[signoff.fingerprint]:
        return "untrusted"
    if signoff.content_hash != current_hash:
        return "stale"
    return "valid"


def current_decisions(signoffs: Iterable[Signoff], current_hash: str) -> dict[str, Signoff]:
    """Each role's latest sign-off over the current content (later records replace earlier)."""
    return {s.role: s for s in signoffs if s.content_hash == current_hash}


def roles_still_needed(
    template: Template, signoffs: Iterable[Signoff], current_hash: str
) -> list[SignoffRole]:
    """Required roles without an approving decision on the current content, template order:
    a decision approves when the role allows it and it is not a rejection."""
    decided = current_decisions(signoffs, current_hash)
    return [
        role
        for role in template.signoff_roles
        if role.required
        and (role.key not in decided or not role.approves(decided[role.key].decision))
    ]


def current_hash_of(document: AssessmentDocument) -> str:
    """What a version's sign-offs must cover: its content as it is now, sealed or not (a seal
    that no longer matches it is reported, never trusted in its place)."""
    return content_hash(document)


def seal_broken(document: AssessmentDocument, current_hash: str) -> bool:
    """Whether a sealed version's content is no longer what was sealed (altered in the store)."""
    return document.sealed_hash is not None and document.sealed_hash != current_hash


@dataclass(frozen=True)
class OpenRole:
    """A role that can still be signed on this content, with the decisions it takes."""

    key: str
    label: str
    required: bool
    decisions: tuple[Decision, ...]


def open_roles(template: Template, valid: Iterable[Signoff], current_hash: str) -> list[OpenRole]:
    """Every role (required or not) without a valid approval on this content, template order."""
    decided = current_decisions(valid, current_hash)
    return [
        OpenRole(role.key, role.label, role.required, role.allowed_decisions)
        for role in template.signoff_roles
        if role.key not in decided or not role.approves(decided[role.key].decision)
    ]


def views(
    document: AssessmentDocument,
    template: Template,
    signers: Mapping[str, bool],
    check: Check,
    current_hash: str | None = None,
) -> list[SignoffView]:
    """Every sign-off of one version, in the order given, each with its checked state; all of
    them "altered" when the version's content no longer matches its seal."""
    header = document.assessment
    current = current_hash or content_hash(document)
    altered = seal_broken(document, current)
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
            state=signoff_state(s, current, signers, verify, altered),
        )
        for s in document.signoffs
    ]
