"""A sealed (approved) version never changes: every mutating service call refuses it."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import keyring
import pytest

from ccassure.domain.document import (
    ISSUE_FIELDS,
    Action,
    Attachment,
    CustomItem,
    Evaluation,
    Impact,
    Issue,
    Response,
    Retest,
    Risk,
    Scope,
)
from ccassure.services.assessments import AssessmentService
from ccassure.services.axe_import import import_axe
from ccassure.services.context import Context
from ccassure.services.errors import ServiceError
from ccassure.services.evaluation import EvaluationService
from ccassure.services.issues import IssueService
from ccassure.services.signoffs import SignoffService
from tests.conftest import ROOT
from tests.signoff_helpers import signer
from tests.test_identities import MemoryKeyring
from tests.test_workflow import _signoffs

Call = Callable[[Context, int], object]
ISSUE = Issue(ref="AT-0001", title="Focus lost after saving", severity="serious")
PNG = Attachment.of("shot.png", "image/png", b"\x89PNG\r\n\x1a\nnot really")
SERVICES: dict[type, str] = {
    AssessmentService: "assessments",
    IssueService: "issues",
    EvaluationService: "evaluations",
    SignoffService: "signoffs",
}
READS = {
    "list_summaries", "components", "versions", "summary", "document", "template_for",
    "completeness", "validate", "document_header_only", "today", "check_editable", "stamp",
    "page", "facets", "get", "next_ref",
    "scope", "grid", "link_targets", "links", "linked_findings",
    "known_fingerprints", "signers", "views", "views_of", "still_needed", "open_roles",
    "history",
}  # fmt: skip
NEW_VERSIONS = {
    "create": "adds a new assessment",
    "add_document": "adds a new assessment version (import, demo)",
    "start_new_version": "adds version n+1 beside the sealed one (tested below)",
    "remove_programme": "removes a whole programme: only to undo a failed demo build",
}
MUTATIONS: dict[str, Call] = {
    "set_response": lambda c, i: c.assessments.set_response(
        i, Response(item="scope.scope", value="changed")
    ),
    "put_risk": lambda c, i: c.assessments.put_risk(
        i, Risk(ref="R01", title="t", likelihood="possible", severity="significant")
    ),
    "remove_risk": lambda c, i: c.assessments.remove_risk(i, "R01"),
    "put_action": lambda c, i: c.assessments.put_action(i, Action(ref="A01", description="d")),
    "remove_action": lambda c, i: c.assessments.remove_action(i, "A01"),
    "add_attachment": lambda c, i: c.assessments.add_attachment(i, PNG),
    "remove_attachment": lambda c, i: c.assessments.remove_attachment(i, PNG),
    "put_custom_item": lambda c, i: c.assessments.put_custom_item(
        i, CustomItem(key="custom.x", section="custom", prompt="Another check")
    ),
    "remove_custom_item": lambda c, i: c.assessments.remove_custom_item(i, "custom.x"),
    "put_impact": lambda c, i: c.assessments.put_impact(
        i, Impact(characteristic="age", effect="positive")
    ),
    "update_header": lambda c, i: c.assessments.update_header(i, title="Renamed"),
    "add_issues": lambda c, i: c.assessments.add_issues(
        i, [ISSUE.model_copy(update={"ref": "AT-0002"})]
    ),
    "add_issue_rows": lambda c, i: c.assessments.add_issue_rows(
        i, [tuple(getattr(ISSUE, f) for f in ISSUE_FIELDS)]
    ),
    "transition": lambda c, i: _every_transition(c, i),
    "editing": lambda c, i: c.assessments.editing(i, c.assessments.stamp(i)).__enter__(),
    "save": lambda c, i: c.issues.save(i, ISSUE.model_copy(update={"title": "Changed"})),
    "add": lambda c, i: c.issues.add(i, ISSUE),
    "add_retest": lambda c, i: c.issues.add_retest(
        i, "AT-0001", Retest(tested_on=date(2026, 11, 26), outcome="passed")
    ),
    "set_status": lambda c, i: c.issues.set_status(i, ["AT-0001"], "closed"),
    "attach_screenshot": lambda c, i: c.issues.attach_screenshot(i, "AT-0001", PNG),
    "set_scope": lambda c, i: c.evaluations.set_scope(i, Scope(product="Changed")),
    "set_evaluation": lambda c, i: c.evaluations.set_evaluation(
        i, Evaluation(criterion="1.1.1", sample="Incident form", outcome="passed")
    ),
    "link": lambda c, i: c.evaluations.link(i, "issue:AT-0001", "someone", "impact:disability"),
    "unlink": lambda c, i: c.evaluations.unlink(i, "issue:AT-0001", "someone"),
    "sign_off": lambda c, i: c.signoffs.sign_off(
        i, "sro", "approved", "", None, lambda _p: "unused"
    ),
    "import_axe": lambda c, i: import_axe(
        c.assessments, i, ROOT / "tests" / "fixtures" / "axe" / "login.json"
    ),
}


def _every_transition(context: Context, assessment_id: int) -> object:
    """Each transition is refused; the last refusal (approve) is the one reported."""
    for name in ("submit", "withdraw", "request_changes"):
        with pytest.raises(ServiceError, match="approved"):
            context.assessments.transition(assessment_id, name)
    return context.assessments.transition(
        assessment_id, "approve", _signoffs(context, assessment_id)
    )


@pytest.fixture
def sealed(context: Context) -> Iterator[int]:
    """An approved accessibility assessment with an issue, signed by one identity."""
    before = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        signer(context, "A Person", "Accessibility lead")
        assessment_id = context.assessments.create(
            "accessibility", "Accessibility of call handling", *_programme()
        )
        context.issues.save(assessment_id, ISSUE)
        context.evaluations.set_scope(
            assessment_id,
            Scope(product="Call handling", samples=({"name": "Incident form"},)),  # type: ignore[arg-type]
        )
        from tests.signoff_helpers import answer_required

        answer_required(context, assessment_id)
        context.assessments.transition(assessment_id, "submit")
        for role in ("accessibility-lead", "product-owner", "sro"):
            context.signoffs.sign_off(assessment_id, role, "approved", "", None, lambda _p: "")
        assert context.assessments.document(assessment_id).assessment.status == "approved"
        yield assessment_id
    finally:
        keyring.set_keyring(before)


def _programme() -> tuple[Any, Any]:
    from tests.conftest import CORE, PROGRAMME

    return PROGRAMME, CORE


def store_bytes(path: Path) -> bytes:
    """The store file and its write-ahead log: everything a change could touch."""
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_every_public_method_is_classified() -> None:
    found = {
        name
        for cls in SERVICES
        for name, _ in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    } | {"editing"}
    assert found == READS | set(NEW_VERSIONS) | (set(MUTATIONS) - {"import_axe"})


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_each_mutating_call_refuses_a_sealed_version(
    context: Context, sealed: int, name: str
) -> None:
    before, document = store_bytes(context.store.path), context.assessments.document(sealed)
    with pytest.raises(ServiceError) as refused:
        MUTATIONS[name](context, sealed)
    message = str(refused.value)
    assert "\n" not in message and ("sealed" in message or "approved" in message), message
    assert context.assessments.document(sealed) == document
    assert store_bytes(context.store.path) == before


def test_editing_starts_the_next_version_and_old_sign_offs_cover_the_old_one(
    context: Context, sealed: int
) -> None:
    v1 = context.assessments.document(sealed)
    v2 = context.assessments.start_new_version(sealed)
    context.assessments.update_header(v2, title="Revised after the supplier's fixes")
    assert context.assessments.document(sealed) == v1
    assert {v.state for v in context.signoffs.views(sealed)} == {"valid"}
    assert context.signoffs.views(v2) == []
    lines = context.signoffs.history(v2)
    assert [(line.version, line.status, line.signoffs) for line in lines] == [
        (1, "approved", 3),
        (2, "draft", 0),
    ]
    assert lines[0].sealed_hash == v1.sealed_hash and lines[1].sealed_hash is None
