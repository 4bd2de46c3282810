"""Shared steps for sign-off tests: a complete assessment in review, and signers for its roles."""

from __future__ import annotations

from ccassure.domain.decisions import Decision
from ccassure.domain.document import Response
from ccassure.services.context import Context
from ccassure.services.identities import IdentityView
from tests.conftest import CORE, PROGRAMME

PASS = "correct horse battery"


def answer_required(context: Context, assessment_id: int) -> None:
    service = context.assessments
    template = service.template_for(service.document(assessment_id))
    for _, item in template.items():
        if not item.required:
            continue
        allowed = item.allowed_values(template.scales)
        value = "2026-12-01" if item.answer == "date" else (allowed[0] if allowed else "Yes.")
        service.set_response(assessment_id, Response(item=item.key, value=value))


def in_review(context: Context, kind: str = "dpia", title: str = "DPIA for call handling") -> int:
    """A new assessment of the kind with every required item answered, submitted for review."""
    service = context.assessments
    assessment_id = service.create(kind, title, PROGRAMME, CORE, owner="IA officer")
    answer_required(context, assessment_id)
    service.transition(assessment_id, "submit")
    return assessment_id


def signer(context: Context, name: str, role: str) -> IdentityView:
    return context.identities.create(name, role, "Metropolitan Police", lambda _p: PASS)


def roles(context: Context, assessment_id: int) -> list[str]:
    document = context.assessments.document(assessment_id)
    return [r.key for r in context.assessments.template_for(document).signoff_roles]


DPIA_PLAN: dict[str, tuple[int, Decision, str]] = {
    # role: (which of three signers: 0 DPO, 1 SRO, 2 SIRO; decision; comments)
    "measures-approved": (1, "approved_with_conditions", "M3 before go-live."),
    "residual-risks-approved": (2, "approved", ""),
    "dpo-advice-provided": (0, "advice_given", "Proceed once measure M3 is in place."),
    "dpo-advice-summary": (0, "advice_given", "Proceed; M3 first."),
    "dpo-advice-decision": (1, "accepted", ""),
    "consultation-reviewed": (2, "noted", ""),
    "review-owner": (0, "noted", ""),
}
"""A DPIA signed off as the template allows: each role's own decisions, the DPO kept apart
from the roles that decide on the DPO's advice and approve for the controller."""
