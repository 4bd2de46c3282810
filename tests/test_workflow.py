"""Every workflow transition, allowed and refused, in the domain and through the services."""

from __future__ import annotations

import itertools
from typing import get_args

import pytest

from ccassure.domain.document import Response, Signoff, Status
from ccassure.domain.workflow import TRANSITIONS, WorkflowError, check_editable, next_status
from ccassure.services.context import Context
from ccassure.services.errors import ServiceError
from tests.conftest import CORE, PROGRAMME

ALLOWED = {
    ("draft", "submit"): "in_review",
    ("changes_requested", "submit"): "in_review",
    ("in_review", "withdraw"): "draft",
    ("in_review", "approve"): "approved",
    ("in_review", "request_changes"): "changes_requested",
}
STATUSES: tuple[Status, ...] = get_args(Status)


@pytest.mark.parametrize(
    ("status", "name"), list(itertools.product(STATUSES, [t.name for t in TRANSITIONS]))
)
def test_each_transition_from_each_status(status: Status, name: str) -> None:
    if (status, name) in ALLOWED:
        assert next_status(status, name) == ALLOWED[(status, name)]
    else:
        with pytest.raises(WorkflowError, match="cannot"):
            next_status(status, name)


def test_unknown_transition_is_refused() -> None:
    with pytest.raises(WorkflowError, match="unknown transition"):
        next_status("draft", "publish")


def test_only_drafts_and_changes_requested_are_editable() -> None:
    check_editable("draft")
    check_editable("changes_requested")
    with pytest.raises(WorkflowError, match="sealed"):
        check_editable("approved")
    with pytest.raises(WorkflowError, match="withdraw"):
        check_editable("in_review")


def _answer_required(context: Context, assessment_id: int) -> None:
    service = context.assessments
    template = service.template_for(service.document(assessment_id))
    for _, item in template.items():
        if not item.required:
            continue
        allowed = item.allowed_values(template.scales)
        value = "2026-12-01" if item.answer == "date" else (allowed[0] if allowed else "Yes.")
        service.set_response(assessment_id, Response(item=item.key, value=value))


def _signoffs(context: Context, assessment_id: int) -> list[Signoff]:
    template = context.assessments.template_for(context.assessments.document(assessment_id))
    return [
        Signoff.model_validate(
            {
                "role": role.key,
                "name": "A. Person",
                "signed_on": "2026-11-20",
                "content_hash": "0" * 64,
            }
        )
        for role in template.signoff_roles
    ]


def test_service_workflow_seals_and_versions(context: Context) -> None:
    service = context.assessments
    eia = service.create("eia", "EIA for despatch", PROGRAMME, CORE, owner="Equality lead")
    with pytest.raises(ServiceError, match="required item"):
        service.transition(eia, "submit")
    _answer_required(context, eia)
    assert service.transition(eia, "submit") == "in_review"
    with pytest.raises(ServiceError, match="withdraw"):
        service.set_response(eia, Response(item="impact.age", value="positive"))
    assert service.transition(eia, "request_changes") == "changes_requested"
    service.set_response(eia, Response(item="impact.age", value="positive"))
    assert service.transition(eia, "submit") == "in_review"
    with pytest.raises(ServiceError, match="sign-off needed"):
        service.transition(eia, "approve", _signoffs(context, eia)[:1])
    assert service.transition(eia, "approve", _signoffs(context, eia)) == "approved"
    sealed = service.document(eia)
    assert sealed.sealed_hash and all(s.content_hash == sealed.sealed_hash for s in sealed.signoffs)
    with pytest.raises(ServiceError, match="sealed"):
        service.set_response(eia, Response(item="impact.age", value="negative"))
    with pytest.raises(ServiceError, match="cannot"):
        service.transition(eia, "submit")

    v2 = service.start_new_version(eia)
    draft = service.document(v2)
    assert (draft.assessment.version, draft.assessment.status) == (2, "draft")
    assert draft.assessment.uid == sealed.assessment.uid and not draft.signoffs
    service.set_response(v2, Response(item="impact.age", value="negative"))
    assert service.document(eia) == sealed  # the approved version never changes
    assert [s.version for s in service.versions(v2)] == [1, 2]
    assert [s.id for s in service.list_summaries()] == [v2]
    with pytest.raises(ServiceError, match="only an approved version"):
        service.start_new_version(v2)
    with pytest.raises(ServiceError, match="already exists"):
        service.start_new_version(eia)


def test_answers_must_fit_the_template(context: Context) -> None:
    service = context.assessments
    dpia = service.create("dpia", "DPIA", PROGRAMME, CORE)
    with pytest.raises(ServiceError, match="unknown item"):
        service.set_response(dpia, Response(item="nonexistent", value="x"))
    rating = next(
        i
        for _, i in service.template_for(service.document(dpia)).items()
        if i.answer in ("yes_no_partly", "choice", "rating")
    )
    with pytest.raises(ServiceError, match="must be one of"):
        service.set_response(dpia, Response(item=rating.key, value="maybe"))
    assert service.document(dpia).responses == ()


def test_risk_register_edits(context: Context) -> None:
    from ccassure.domain.document import Risk

    service = context.assessments
    dpia = service.create("dpia", "DPIA", PROGRAMME, CORE)
    first = Risk(ref="R01", title="Over-retention", likelihood="probable", severity="severe")
    service.put_risk(dpia, first)
    service.put_risk(
        dpia, Risk(ref="R02", title="Misuse", likelihood="possible", severity="significant")
    )
    reduced = first.model_copy(
        update={
            "measures": "Retention rules",
            "effect": "reduced",
            "residual_likelihood": "remote",
            "residual_severity": "significant",
        }
    )
    service.put_risk(dpia, reduced)
    risks = service.document(dpia).risks
    assert [r.ref for r in risks] == ["R01", "R02"] and risks[0] == reduced
    with pytest.raises(ServiceError, match="likelihood"):
        service.put_risk(dpia, first.model_copy(update={"likelihood": "certain"}))
    service.remove_risk(dpia, "R02")
    assert [r.ref for r in service.document(dpia).risks] == ["R01"]
