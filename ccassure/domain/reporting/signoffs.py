"""Sign-off views without signature checking: unsigned or stale, until a verifier is wired in."""

from __future__ import annotations

from ccassure.domain.document import AssessmentDocument, Signoff, content_hash
from ccassure.domain.reporting.words import DECISION_LABELS, long_date
from ccassure.domain.signoff import SignoffState, SignoffView, seal_broken
from ccassure.domain.templates import Template


def plain_state(signoff: Signoff, current_hash: str, altered: bool = False) -> SignoffState:
    """Altered when the version's sealed content changed, stale when it covers other content,
    unsigned without a signature; a signature present is not checked here, so it is never
    called valid: its certificate is unknown to us."""
    if altered:
        return "altered"
    if signoff.content_hash != current_hash:
        return "stale"
    if not signoff.signature:
        return "unsigned"
    return "unknown_certificate"


def plain_signoff_views(document: AssessmentDocument, template: Template) -> list[SignoffView]:
    labels = {role.key: role.label for role in template.signoff_roles}
    current = content_hash(document)
    altered = seal_broken(document, current)
    return [
        SignoffView(
            role=s.role,
            role_label=labels.get(s.role, s.role),
            name=s.name,
            position=s.position,
            decision=s.decision,
            decision_label=DECISION_LABELS.get(s.decision, s.decision),
            signed_at=s.signed_at or long_date(s.signed_on),
            comments=s.notes,
            content_hash=s.content_hash,
            state=plain_state(s, current, altered),
        )
        for s in document.signoffs
    ]
