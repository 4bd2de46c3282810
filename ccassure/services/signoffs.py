"""Sign-off per the template's roles: signed records, rejection, and sealing when all approve."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from ccassure.domain.document import AssessmentDocument, Decision, Signoff, Status, content_hash
from ccassure.domain.signoff import (
    DECISION_TEXT,
    NEEDS_COMMENTS,
    OpenRole,
    SignoffView,
    VersionLine,
    current_decisions,
    current_hash_of,
    open_roles,
    roles_still_needed,
    signed_payload,
    signoff_state,
    views,
)
from ccassure.domain.templates import SignoffRole, Template
from ccassure.services.assessments import AssessmentService
from ccassure.services.errors import ServiceError
from ccassure.services.identities import Ask, IdentityService
from ccassure.signing.errors import SigningError
from ccassure.signing.identity import read_certificate
from ccassure.signing.records import fingerprint_of, sign_record, verify_record
from ccassure.store.identities import IdentityQueries
from ccassure.store.store import Store

COMMENTS_LIMIT = 10_000


@dataclass(frozen=True)
class SignoffOutcome:
    """What one sign-off did: the record's view, the version's status after it, what is left."""

    assessment_id: int
    view: SignoffView
    status: Status
    sealed_hash: str | None
    still_needed: tuple[str, ...]  # labels of required roles without an approving sign-off

    @property
    def sealed(self) -> bool:
        return self.sealed_hash is not None

    def message(self) -> str:
        """One sentence for the status bar, the screen reader and the command line."""
        done = f"{self.view.role_label}: {self.view.decision_label.lower()} by {self.view.name}"
        if self.sealed:
            return f"{done}. Every required role has approved: the version is sealed."
        if self.status == "changes_requested":
            return f"{done}. The version goes back to its author as changes requested."
        return f"{done}. Still needed: {'; '.join(self.still_needed)}."


def check_signature(signoff: Signoff, payload: bytes) -> bool:
    """The record's signature verifies with its certificate, and that is the named signer's."""
    try:
        if fingerprint_of(signoff.certificate_pem) != signoff.fingerprint:
            return False
    except SigningError:
        return False
    return verify_record(signoff.certificate_pem, payload, signoff.signature)


class SignoffService:
    """Sign-offs of versions in review, checked against the identities this store knows."""

    def __init__(
        self,
        assessments: AssessmentService,
        identities: IdentityService,
        store: Store,
        actor: str = "",
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.assessments = assessments
        self.identities = identities
        self.store = store
        self.actor = actor
        self._now = now

    def known_fingerprints(self) -> frozenset[str]:
        return frozenset(self.signers())

    def signers(self) -> dict[str, bool]:
        """Each known certificate's fingerprint, and whether its signer is trusted here."""
        return {r.fingerprint: r.trusted for r in IdentityQueries(self.store.reader()).all()}

    def sign_off(
        self,
        assessment_id: int,
        role: str,
        decision: Decision,
        comments: str,
        fingerprint: str | None,
        ask: Ask,
    ) -> SignoffOutcome:
        """Sign one role's decision on the version's current content, in one transaction.

        A rejection sends the version back (changes requested) and stays in its sign-off list;
        the sign-off that completes the required roles' approvals seals the version.
        """
        stamp = self.assessments.stamp(assessment_id)
        document = self.assessments.document(assessment_id)
        template = self.assessments.template_for(document)
        header = document.assessment
        if header.status != "in_review":
            raise ServiceError(
                f"only a version in review can be signed off; version {header.version} is "
                f"{header.status.replace('_', ' ')}",
                "workflow",
            )
        _allowed_decision(_role(template, role), decision)
        comments = _checked_comments(decision, comments)
        current = content_hash(document)
        self._refuse_second(document, template, role, current)
        signer = self.identities.find(fingerprint)
        if not signer.trusted:
            raise ServiceError(
                f"{signer.name} is not trusted in this store; trust the identity again "
                "before signing with it",
                "invalid",
            )
        _refuse_same_signer(document, template, role, signer.fingerprint, signer.name, current)
        now = self._now().astimezone(UTC).replace(microsecond=0)
        try:
            info = read_certificate(signer.certificate_pem)
        except SigningError as exc:
            raise ServiceError(str(exc), exc.kind) from None
        _refuse_outside_validity(info.name, info.not_before, info.not_after, now)
        try:
            key_pem = self.identities.private_key(signer.fingerprint, ask)
        except SigningError as exc:
            raise ServiceError(str(exc), exc.kind) from None
        unsigned = Signoff(
            role=role,
            name=info.name,
            position=info.role,
            signed_on=now.date(),
            decision=decision,
            notes=comments,
            content_hash=current,
            signed_at=now.isoformat(),
            fingerprint=signer.fingerprint,
            certificate_pem=signer.certificate_pem,
        )
        payload = signed_payload(header.uid or "", header.version, unsigned)
        try:
            signature = sign_record(key_pem, payload)
        except SigningError as exc:
            raise ServiceError(str(exc), exc.kind) from None
        signoff = unsigned.model_copy(update={"signature": signature})
        if not check_signature(signoff, payload):
            raise ServiceError(f"the key kept for {signer.name} does not match their certificate")
        signed = document.model_copy(update={"signoffs": (*document.signoffs, signoff)})
        still = self._still_needed(signed, template, current)
        status: Status = "in_review"
        sealed = None
        if decision == "rejected":
            status = "changes_requested"
        elif not still:
            status, sealed = "approved", current
        with self.store.transaction(self.actor) as writer:
            writer.expect(assessment_id, stamp)
            writer.add_signoff(assessment_id, signoff)
            writer.audit(
                "signoff.recorded",
                assessment_id,
                role=role,
                decision=decision,
                fingerprint=signer.fingerprint,
                content_hash=current,
            )
            writer.touch(assessment_id)
            if status != "in_review":
                writer.set_status(assessment_id, status, sealed)
                action = "workflow.approve" if sealed else "workflow.request_changes"
                writer.audit(action, assessment_id, status=status, sealed_hash=sealed, role=role)
        view = views(
            signed.model_copy(update={"signoffs": (signoff,)}),
            template,
            self.signers(),
            check_signature,
            current,
        )[0]
        return SignoffOutcome(
            assessment_id, view, status, sealed, tuple(r.label for r in still) if not sealed else ()
        )

    def _refuse_second(
        self, document: AssessmentDocument, template: Template, role: str, current: str
    ) -> None:
        """A role approves a given content once; a new decision needs changed content (or a
        rejection before it): a signed record is evidence, never replaced."""
        earlier = current_decisions(document.signoffs, current).get(role)
        if earlier is None or not _role(template, role).approves(earlier.decision):
            return
        header = document.assessment
        payload = signed_payload(header.uid or "", header.version, earlier)
        state = signoff_state(
            earlier, current, self.signers(), lambda s: check_signature(s, payload)
        )
        if state == "valid":
            raise ServiceError(
                f"{_role_label(template, role)} has already signed off this content "
                f"({DECISION_TEXT[earlier.decision].lower()} by {earlier.name} on "
                f"{earlier.signed_on}); a role signs once for the same content",
                "exists",
            )

    def _valid(self, document: AssessmentDocument, current: str) -> list[Signoff]:
        """The records on this content that verify and come from trusted signers."""
        signers = self.signers()
        header = document.assessment
        return [
            s
            for s in document.signoffs
            if signoff_state(
                s,
                current,
                signers,
                lambda r: check_signature(r, signed_payload(header.uid or "", header.version, r)),
            )
            == "valid"
        ]

    def _still_needed(
        self, document: AssessmentDocument, template: Template, current: str
    ) -> list[SignoffRole]:
        """Required roles whose latest valid sign-off on this content is not an approval."""
        return roles_still_needed(template, self._valid(document, current), current)

    def views(self, assessment_id: int) -> list[SignoffView]:
        """Every sign-off of one version with its state, checked against this store's signers."""
        return self.views_of(self.assessments.document(assessment_id))

    def views_of(
        self, document: AssessmentDocument, current_hash: str | None = None
    ) -> list[SignoffView]:
        """The same, for a version already read (with its issues: the hash covers them);
        `current_hash` is what the sign-offs must cover, if the caller has it already."""
        template = self.assessments.template_for(document)
        return views(document, template, self.signers(), check_signature, current_hash)

    def still_needed(self, assessment_id: int) -> list[tuple[str, str]]:
        """(key, label) of the required roles that have not yet validly approved this content;
        none once the version is sealed."""
        document = self.assessments.document(assessment_id)
        if document.assessment.status == "approved":
            return []
        template = self.assessments.template_for(document)
        current = current_hash_of(document)
        return [(r.key, r.label) for r in self._still_needed(document, template, current)]

    def open_roles(self, assessment_id: int) -> list[OpenRole]:
        """Every role, required or optional, that can still be signed on this version's content
        (none unless it is in review), with the decisions each takes."""
        document = self.assessments.document(assessment_id)
        if document.assessment.status != "in_review":
            return []
        template = self.assessments.template_for(document)
        current = content_hash(document)
        return open_roles(template, self._valid(document, current), current)

    def history(self, assessment_id: int) -> list[VersionLine]:
        """Every version of the assessment, oldest first, with its seal and sign-off count."""
        lines = []
        for summary in self.assessments.versions(assessment_id):
            document = self.assessments.document(summary.id, with_issues=False)
            lines.append(
                VersionLine(
                    version=summary.version,
                    status=summary.status,
                    created_on=document.assessment.created_on.isoformat(),
                    sealed_hash=document.sealed_hash,
                    signoffs=len(document.signoffs),
                )
            )
        return lines


def _role(template: Template, role: str) -> SignoffRole:
    found = template.role(role)
    if found is None:
        roles = ", ".join(r.key for r in template.signoff_roles)
        raise ServiceError(f"{template.title} has no sign-off role {role!r}; use one of {roles}")
    return found


def _role_label(template: Template, role: str) -> str:
    return _role(template, role).label


def _allowed_decision(role: SignoffRole, decision: Decision) -> None:
    if decision not in DECISION_TEXT:
        raise ServiceError(f"unknown decision {decision!r}; use one of {', '.join(DECISION_TEXT)}")
    allowed = role.allowed_decisions
    if decision not in allowed:
        names = ", ".join(DECISION_TEXT[d].lower() for d in allowed)
        raise ServiceError(
            f"{role.label} cannot record “{DECISION_TEXT[decision].lower()}”; "
            f"this role takes: {names}"
        )


def _refuse_same_signer(
    document: AssessmentDocument,
    template: Template,
    role: str,
    fingerprint: str,
    name: str,
    current: str,
) -> None:
    """Separation of duties: whoever holds a role on this content may not sign one that the
    template keeps apart from it."""
    decided = current_decisions(document.signoffs, current)
    for other in template.separated_from(role):
        earlier = decided.get(other.key)
        if earlier is not None and earlier.fingerprint == fingerprint:
            raise ServiceError(
                f"{name} has signed “{other.label}” on this content; “{_role_label(template, role)}"
                "” must be signed by someone else (the template keeps the two roles separate)",
                "invalid",
            )


def _refuse_outside_validity(name: str, not_before: str, not_after: str, now: datetime) -> None:
    if now > datetime.fromisoformat(not_after):
        raise ServiceError(
            f"the certificate of {name} expired on {not_after[:10]}; it can no longer sign",
            "invalid",
        )
    if now < datetime.fromisoformat(not_before):
        raise ServiceError(
            f"the certificate of {name} is not valid until {not_before[:10]}; it cannot sign yet",
            "invalid",
        )


def _checked_comments(decision: Decision, comments: str) -> str:
    comments = comments.strip()
    if decision in NEEDS_COMMENTS and not comments:
        what = "the conditions" if decision == "approved_with_conditions" else "the reasons"
        raise ServiceError(f"{DECISION_TEXT[decision]} needs comments: give {what}")
    if len(comments) > COMMENTS_LIMIT:
        raise ServiceError(f"comments are limited to {COMMENTS_LIMIT:,} characters")
    return comments
