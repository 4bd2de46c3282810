"""Every mutating service method leaves rows in the audit trail naming what changed, old -> new.

The list of methods is test_sealing's classification: a new mutating method fails here until
it is driven below and its changes are recorded."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from ccassure.domain.document import (
    ISSUE_FIELDS,
    Action,
    AssessmentDocument,
    CustomItem,
    Evaluation,
    Impact,
    Response,
    Retest,
    Risk,
    Scope,
)
from ccassure.services.axe_import import import_axe
from ccassure.services.context import Context
from ccassure.store.accessibility_writes import sql_value
from tests.conftest import CORE, PROGRAMME, ROOT
from tests.keyrings import MemoryKeyring
from tests.signoff_helpers import answer_required, signer
from tests.test_sealing import ISSUE, MUTATIONS, NEW_VERSIONS, PNG
from tests.test_workflow import _signoffs

ANY = object()
Step = Callable[[Context, int], object]


def nothing(_context: Context, _assessment_id: int) -> None:
    return None


@dataclass(frozen=True)
class Case:
    kind: str
    call: Step
    expected: tuple[tuple[str, str | None, Any, Any], ...]  # entity, field, old, new
    prepare: Step = nothing


def _risk(likelihood: str) -> Risk:
    return Risk(ref="R01", title="Excess data", likelihood=likelihood, severity="significant")


def _scope(context: Context, i: int) -> object:
    scope = Scope(product="Call handling", samples=({"name": "Incident form"},))
    return context.evaluations.set_scope(i, scope)


def _with_issue(context: Context, i: int) -> None:
    context.issues.save(i, ISSUE)


def _eia_uid(context: Context) -> str:
    eia = context.assessments.create("eia", "EIA", PROGRAMME, CORE)
    return context.assessments.summary(eia).uid


def _linked(context: Context, i: int) -> None:
    _with_issue(context, i)
    context.evaluations.link(i, "issue:AT-0001", _eia_uid(context), "impact:disability")


def _unlink(context: Context, i: int) -> None:
    uid = context.evaluations.links(i)[0].target_uid
    context.evaluations.unlink(i, "issue:AT-0001", uid, "impact:disability")


def _submitted(context: Context, i: int) -> None:
    answer_required(context, i)
    context.assessments.transition(i, "submit")


def _approved(context: Context, i: int) -> None:
    _submitted(context, i)
    context.assessments.transition(i, "approve", _signoffs(context, i))


def _in_review_with_signer(context: Context, i: int) -> None:
    signer(context, "A Person", "Accessibility lead")
    _with_issue(context, i)
    _submitted(context, i)


def _edit(context: Context, i: int) -> None:
    with context.assessments.editing(i, context.assessments.stamp(i)) as writer:
        writer.put_response(i, Response(item="step1.aims", value="Through the writer"))
        writer.audit("test.edit", i)


def _import_document(context: Context, i: int) -> int:
    document = context.assessments.document(i)
    copy = AssessmentDocument.model_validate(document.to_data())
    return context.assessments.add_document(copy, "another-uid", 1)


CASES: dict[str, Case] = {
    "set_response": Case(
        "dpia",
        lambda c, i: c.assessments.set_response(i, Response(item="step1.aims", value="New")),
        (("response", "value", "Old", "New"),),
        lambda c, i: c.assessments.set_response(i, Response(item="step1.aims", value="Old")),
    ),
    "put_risk": Case(
        "dpia",
        lambda c, i: c.assessments.put_risk(i, _risk("probable")),
        (("risk", "likelihood", "possible", "probable"),),
        lambda c, i: c.assessments.put_risk(i, _risk("possible")),
    ),
    "remove_risk": Case(
        "dpia",
        lambda c, i: c.assessments.remove_risk(i, "R01"),
        (("risk", None, ANY, None),),
        lambda c, i: c.assessments.put_risk(i, _risk("possible")),
    ),
    "put_action": Case(
        "dpia",
        lambda c, i: c.assessments.put_action(i, Action(ref="A01", description="d", status="done")),
        (("action", "status", "open", "done"),),
        lambda c, i: c.assessments.put_action(i, Action(ref="A01", description="d")),
    ),
    "remove_action": Case(
        "dpia",
        lambda c, i: c.assessments.remove_action(i, "A01"),
        (("action", None, ANY, None),),
        lambda c, i: c.assessments.put_action(i, Action(ref="A01", description="d")),
    ),
    "add_attachment": Case(
        "dpia",
        lambda c, i: c.assessments.add_attachment(i, PNG),
        (("attachment", None, None, {**PNG.model_dump(exclude={"data_base64"})}),),
    ),
    "remove_attachment": Case(
        "dpia",
        lambda c, i: c.assessments.remove_attachment(i, PNG),
        (("attachment", None, {**PNG.model_dump(exclude={"data_base64"})}, None),),
        lambda c, i: c.assessments.add_attachment(i, PNG),
    ),
    "put_custom_item": Case(
        "dpia",
        lambda c, i: c.assessments.put_custom_item(
            i, CustomItem(key="custom.x", section="custom", prompt="Changed check")
        ),
        (("custom_item", "prompt", "Another check", "Changed check"),),
        lambda c, i: c.assessments.put_custom_item(
            i, CustomItem(key="custom.x", section="custom", prompt="Another check")
        ),
    ),
    "remove_custom_item": Case(
        "dpia",
        lambda c, i: c.assessments.remove_custom_item(i, "custom.x"),
        (("custom_item", None, ANY, None),),
        lambda c, i: c.assessments.put_custom_item(
            i, CustomItem(key="custom.x", section="custom", prompt="Another check")
        ),
    ),
    "put_impact": Case(
        "eia",
        lambda c, i: c.assessments.put_impact(i, Impact(characteristic="age", effect="negative")),
        (("impact", "effect", "positive", "negative"),),
        lambda c, i: c.assessments.put_impact(i, Impact(characteristic="age", effect="positive")),
    ),
    "update_header": Case(
        "dpia",
        lambda c, i: c.assessments.update_header(i, title="Renamed", owner="Someone"),
        (("assessment", "title", "Assessment", "Renamed"), ("assessment", "owner", "", "Someone")),
    ),
    "add_issues": Case(
        "accessibility",
        lambda c, i: c.assessments.add_issues(i, [ISSUE]),
        (("issue", None, None, ISSUE.model_dump(mode="json")),),
    ),
    "add_issue_rows": Case(
        "accessibility",
        lambda c, i: c.assessments.add_issue_rows(
            i, [tuple(sql_value(getattr(ISSUE, f)) for f in ISSUE_FIELDS)]
        ),
        (("issue", None, None, ANY),),
    ),
    "transition": Case(
        "dpia",
        lambda c, i: c.assessments.transition(i, "submit"),
        (("assessment", "status", "draft", "in_review"),),
        answer_required,
    ),
    "editing": Case("dpia", _edit, (("response", None, None, ANY),)),
    "save": Case(
        "accessibility",
        lambda c, i: c.issues.save(i, ISSUE.model_copy(update={"title": "Changed"})),
        (("issue", "title", ISSUE.title, "Changed"),),
        _with_issue,
    ),
    "add": Case(
        "accessibility", lambda c, i: c.issues.add(i, ISSUE), (("issue", None, None, ANY),)
    ),
    "add_retest": Case(
        "accessibility",
        lambda c, i: c.issues.add_retest(
            i,
            "AT-0001",
            Retest(tested_on="2026-11-26", outcome="failed"),
        ),
        (("issue", "retest", None, ANY), ("issue", "status", "open", "retest_failed")),
        _with_issue,
    ),
    "set_status": Case(
        "accessibility",
        lambda c, i: c.issues.set_status(i, ["AT-0001"], "closed"),
        (("issue", "status", "open", "closed"),),
        _with_issue,
    ),
    "attach_screenshot": Case(
        "accessibility",
        lambda c, i: c.issues.attach_screenshot(i, "AT-0001", PNG),
        (("attachment", None, None, ANY), ("issue", "screenshots", [], [PNG.sha256])),
        _with_issue,
    ),
    "set_scope": Case(
        "accessibility",
        lambda c, i: c.evaluations.set_scope(i, Scope(product="Changed")),
        (("scope", "product", "Call handling", "Changed"),),
        _scope,
    ),
    "set_evaluation": Case(
        "accessibility",
        lambda c, i: c.evaluations.set_evaluation(
            i, Evaluation(criterion="1.1.1", sample="Incident form", outcome="passed")
        ),
        (("evaluation", None, None, ANY),),
        _scope,
    ),
    "link": Case(
        "accessibility",
        lambda c, i: c.evaluations.link(i, "issue:AT-0001", _eia_uid(c), "impact:disability"),
        (("link", None, None, ANY),),
        _with_issue,
    ),
    "unlink": Case("accessibility", _unlink, (("link", None, ANY, None),), _linked),
    "sign_off": Case(
        "accessibility",
        lambda c, i: c.signoffs.sign_off(i, "sro", "approved", "", None, lambda _p: ""),
        (("signoff", None, None, ANY),),
        _in_review_with_signer,
    ),
    "import_axe": Case(
        "accessibility",
        lambda c, i: import_axe(
            c.assessments, i, ROOT / "tests" / "fixtures" / "axe" / "login.json"
        ),
        (("issue", None, None, ANY),),
    ),
    "create": Case(
        "dpia",
        lambda c, i: c.assessments.create("eia", "New EIA", PROGRAMME, CORE),
        (("assessment", None, None, ANY),),
    ),
    "add_document": Case("dpia", _import_document, (("assessment", None, None, ANY),)),
    "start_new_version": Case(
        "accessibility",
        lambda c, i: c.assessments.start_new_version(i),
        (("assessment", None, None, ANY),),
        _approved,
    ),
    "remove_programme": Case(
        "dpia",
        lambda c, i: c.assessments.remove_programme(PROGRAMME.key),
        (("programme", None, {"key": PROGRAMME.key, "name": PROGRAMME.name}, None),),
    ),
}


def test_every_mutating_method_has_a_case() -> None:
    assert set(CASES) == set(MUTATIONS) | set(NEW_VERSIONS)


def _rows_after(context: Context, last: int) -> list[dict[str, Any]]:
    db = sqlite3.connect(context.store.path)
    db.row_factory = sqlite3.Row
    rows = [dict(r) for r in db.execute("SELECT * FROM audit_event WHERE id > ?", (last,))]
    db.close()
    for row in rows:
        for name in ("old_value", "new_value"):
            row[name] = None if row[name] is None else json.loads(row[name])
    return rows


def _matches(row: dict[str, Any], entity: str, field: str | None, old: Any, new: Any) -> bool:
    return (
        row["entity"] == entity
        and row["field"] == field
        and (old is ANY or row["old_value"] == old)
        and (new is ANY or row["new_value"] == new)
    )


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_mutating_call_is_recorded(
    context: Context, memory_keyring: MemoryKeyring, name: str
) -> None:
    case = CASES[name]
    assessment_id = context.assessments.create(case.kind, "Assessment", PROGRAMME, CORE)
    case.prepare(context, assessment_id)
    last = max((r["id"] for r in _rows_after(context, 0)), default=0)
    case.call(context, assessment_id)
    rows = _rows_after(context, last)
    assert rows, f"{name} changed the store without a row in the audit trail"
    for entity, field, old, new in case.expected:
        assert any(_matches(r, entity, field, old, new) for r in rows), (
            entity,
            field,
            old,
            new,
            rows,
        )
    assert all(r["actor"] and r["at"] and r["hash"] for r in rows)
    assert context.audit.verify().intact
