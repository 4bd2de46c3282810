"""Sign-offs arriving in a review package: only those this store's own sign-off would accept."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, time

from ccassure.domain.decisions import REJECTING
from ccassure.domain.document import AssessmentDocument, Signoff
from ccassure.domain.signoff import signed_payload
from ccassure.domain.templates import Template
from ccassure.services.signoffs import check_signature
from ccassure.signing.pdf_signatures import signing_certificate_problem


def arriving_problem(
    document: AssessmentDocument, template: Template, signoff: Signoff, trusted: Mapping[str, bool]
) -> str:
    """Why this sign-off may not be taken into the store ("" when it may): it must be signed,
    verify, come from a signer trusted here whose certificate could sign at the time, record
    a decision its role allows, and respect the roles the template keeps apart."""
    role = next((r for r in template.signoff_roles if r.key == signoff.role), None)
    if role is None:
        return f"the template has no role {signoff.role!r}"
    if not signoff.signature:
        return "it is not signed (only signed sign-offs are taken from a package)"
    header = document.assessment
    if not check_signature(signoff, signed_payload(header.uid or "", header.version, signoff)):
        return "its signature does not verify: the record was altered"
    if not trusted.get(signoff.fingerprint, False):
        return (
            f"its signer's certificate ({signoff.fingerprint[:16]}…) is not trusted here; "
            "trust it with 'ccassure identity trust' and open the package again"
        )
    if signoff.decision not in role.allowed_decisions:
        return f"{role.label} cannot record the decision {signoff.decision.replace('_', ' ')!r}"
    when = _signed_at(signoff)
    problem = signing_certificate_problem(signoff.certificate_pem, when)
    if problem:
        return f"the signer's certificate could not sign on {when.date().isoformat()} ({problem})"
    for other in template.separated_from(role.key):
        if any(
            s.role == other.key
            and s.fingerprint == signoff.fingerprint
            and s.content_hash == signoff.content_hash
            for s in document.signoffs
        ):
            return (
                f"the same signer also signed “{other.label}” on this content, and the "
                "template keeps the two roles separate"
            )
    return ""


def rejected(arriving: tuple[Signoff, ...], current: str) -> bool:
    """An arriving rejection of this very content sends the version back for changes."""
    return any(s.decision == REJECTING and s.content_hash == current for s in arriving)


def _signed_at(signoff: Signoff) -> datetime:
    if signoff.signed_at:
        try:
            found = datetime.fromisoformat(signoff.signed_at)
            return found if found.tzinfo else found.replace(tzinfo=UTC)
        except ValueError:
            pass
    return datetime.combine(signoff.signed_on, time(12), UTC)
