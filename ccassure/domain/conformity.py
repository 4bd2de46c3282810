"""Checks that an assessment document fits its template: items, scale levels, roles, criteria."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import get_args

from ccassure.domain.checklist import checklist_for, custom_item_problems
from ccassure.domain.document import ISSUE_FIELDS, AssessmentDocument, IssueStatus, Severity
from ccassure.domain.evaluation import evaluation_problems
from ccassure.domain.scoring import RISK_MATRIX
from ccassure.domain.signoff import DECISION_TEXT, NEEDS_COMMENTS
from ccassure.domain.templates import Item, Template


def _value_problem(template: Template, item: Item, value: str) -> str | None:
    if not value:
        return None
    if item.answer == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return f"answer to {item.key} must be a date (YYYY-MM-DD), not {value!r}"
        return None
    allowed = item.allowed_values(template.scales)
    if allowed is not None and value not in allowed:
        return f"answer to {item.key} must be one of {', '.join(allowed)}, not {value!r}"
    return None


def problems(template: Template, document: AssessmentDocument) -> list[str]:
    """Every way the document does not fit the template; empty when it fits."""
    found: list[str] = []
    header = document.assessment
    if header.kind != template.kind:
        found.append(f"kind {header.kind} does not match template {template.id} ({template.kind})")
    found.extend(custom_item_problems(template, document.custom_items))
    template = checklist_for(template, document.custom_items)
    seen: set[str] = set()
    for response in document.responses:
        item = template.item(response.item)
        if item is None:
            found.append(f"response to unknown item {response.item!r}")
        elif response.item in seen:
            found.append(f"two responses to item {response.item!r}")
        else:
            problem = _value_problem(template, item, response.value)
            if problem:
                found.append(problem)
        seen.add(response.item)
    found.extend(_part_problems(document))
    found.extend(_risk_problems(template, document))
    found.extend(_list_problems(template, document))
    found.extend(evaluation_problems(template, document))
    roles = {role.key for role in template.signoff_roles}
    found.extend(
        f"sign-off for unknown role {s.role!r}" for s in document.signoffs if s.role not in roles
    )
    return found


def _risk_problems(template: Template, document: AssessmentDocument) -> list[str]:
    if not document.risks:
        return []
    matrix = template.matrices.get(RISK_MATRIX)
    if matrix is None:
        return [f"template {template.id} has no risk matrix, but the document has risks"]
    rows, columns = template.scales[matrix.rows].keys(), template.scales[matrix.columns].keys()
    effects = template.scales["effect"].keys() if "effect" in template.scales else ()
    found = []
    for risk in document.risks:
        for field, value, allowed in (
            ("likelihood", risk.likelihood, rows),
            ("severity", risk.severity, columns),
            ("residual_likelihood", risk.residual_likelihood, ("", *rows)),
            ("residual_severity", risk.residual_severity, ("", *columns)),
            ("effect", risk.effect, ("", *effects)),
        ):
            if value not in allowed:
                found.append(f"risk {risk.ref}: {field} {value!r} is not one of {allowed}")
    return found


def _list_problems(template: Template, document: AssessmentDocument) -> list[str]:
    found = []
    characteristics = {c.key for c in template.lists.get("protected_characteristics", ())}
    impact_levels = template.scales["impact"].keys() if "impact" in template.scales else ()
    for impact in document.impacts:
        if impact.characteristic not in characteristics:
            found.append(f"impact on unknown characteristic {impact.characteristic!r}")
        if impact.effect not in impact_levels:
            found.append(f"impact {impact.characteristic}: effect {impact.effect!r} is unknown")
    criteria = {item.wcag.number for _, item in template.items() if item.wcag}
    attached = {a.sha256 for a in document.attachments}
    refs: set[str] = set()
    for issue in document.issues:
        found.extend(
            f"issue {issue.ref}: {c!r} is not a WCAG 2.2 criterion"
            for c in issue.criteria
            if c not in criteria
        )
        if issue.ref in refs:
            found.append(f"issue {issue.ref}: the ref is used twice")
        refs.add(issue.ref)
        if issue.status == "wont_fix" and not issue.status_reason.strip():
            found.append(f"issue {issue.ref}: won't fix needs a reason")
        if any(sha not in attached for sha in issue.screenshots):
            found.append(f"issue {issue.ref}: a screenshot is not among the attachments")
    for evaluation in document.evaluations:
        if evaluation.criterion not in criteria:
            found.append(f"evaluation of {evaluation.criterion!r}: not a WCAG 2.2 criterion")
    return found


_KIND_OF_PART = {
    "risks": "dpia",
    "impacts": "eia",
    "issues": "accessibility",
    "evaluations": "accessibility",
}


def _part_problems(document: AssessmentDocument) -> list[str]:
    kind = document.assessment.kind
    return [
        f"{part} belong only to {owner} assessments, not {kind}"
        for part, owner in _KIND_OF_PART.items()
        if getattr(document, part) and kind != owner
    ]


def bulk_issue_problem(template: Template, rows: Sequence[tuple[object, ...]]) -> str | None:
    """The first row of bulk issue values (in ISSUE_FIELDS order) that does not fit, if any."""
    index = {
        name: ISSUE_FIELDS.index(name)
        for name in ("ref", "title", "criteria", "severity", "status", "source", "needs_review")
    }
    known = {item.wcag.number for _, item in template.items() if item.wcag}
    allowed = {
        "severity": set(get_args(Severity)),
        "status": set(get_args(IssueStatus)),
        "source": {"manual", "axe"},
    }
    for number, row in enumerate(rows, 1):
        if len(row) != len(ISSUE_FIELDS):
            return f"issue row {number} has {len(row)} values, not {len(ISSUE_FIELDS)}"
        if not row[index["ref"]] or not row[index["title"]]:
            return f"issue row {number} needs a ref and a title"
        for field, values in allowed.items():
            if row[index[field]] not in values:
                return f"issue row {number}: {field} {row[index[field]]!r} is not allowed"
        criteria = row[index["criteria"]]
        if not isinstance(criteria, str) or any(c not in known for c in criteria.split()):
            return f"issue row {number}: criteria {criteria!r} are not WCAG 2.2 criteria"
        for position, value in enumerate(row):
            problem = _bulk_value_problem(ISSUE_FIELDS[position], value)
            if problem:
                return f"issue row {number}: {problem}"
    return None


def _bulk_value_problem(field: str, value: object) -> str | None:
    if field == "needs_review":
        return None if isinstance(value, bool) else "needs_review must be true or false"
    if field == "found_on":
        if value in (None, ""):
            return None
        try:
            date.fromisoformat(str(value))
        except ValueError:
            return f"found_on {value!r} is not a date (YYYY-MM-DD)"
        return None
    if not isinstance(value, str):
        return f"{field} must be text, not {type(value).__name__}"
    return None


def status_problems(template: Template, document: AssessmentDocument) -> list[str]:
    """What a document must satisfy to arrive with its status: what the workflow would demand."""
    from ccassure.domain.completeness import completeness
    from ccassure.domain.document import content_hash
    from ccassure.domain.signoff import roles_still_needed

    status, sealed = document.assessment.status, document.sealed_hash
    if status != "approved" and sealed is not None:
        return [f"a {status.replace('_', ' ')} document cannot carry a seal"]
    refused = _refused_signoffs(document)
    if refused:
        return refused
    if status in ("draft", "changes_requested"):
        return []
    state = completeness(template, document)
    if not state.complete:
        return [
            f"a document {status.replace('_', ' ')} must answer every required item; "
            f"{len(state.missing)} unanswered, first {state.missing[0]}"
        ]
    if status == "in_review":
        return []
    if sealed is None:
        return ["an approved document must carry its sealed_hash"]
    actual = content_hash(document)
    if actual != sealed:
        return [
            f"the document was altered after it was sealed (content hash {actual[:12]}… "
            f"does not match the seal {sealed[:12]}…)"
        ]
    missing = roles_still_needed(template, document.signoffs, sealed)
    if missing:
        return [
            "an approved document needs sign-off from: "
            + "; ".join(role.label for role in missing)
            + " (approving the sealed content)"
        ]
    return []


def _refused_signoffs(document: AssessmentDocument) -> list[str]:
    """Sign-off records a document may not carry whatever its status: incomplete signed ones.

    Earlier records (on earlier content, or rejections) stay with a version as its history,
    so any status may carry them; each one's state is shown wherever it appears.
    """
    found = []
    for s in document.signoffs:
        signed = (s.signature, s.fingerprint, s.certificate_pem)
        if any(signed) and not all(signed):
            found.append(
                f"sign-off {s.role}: a signed record needs its signature, signer's "
                "fingerprint and certificate"
            )
        elif s.decision in NEEDS_COMMENTS and not s.notes.strip():
            found.append(f"sign-off {s.role}: {DECISION_TEXT[s.decision].lower()} needs comments")
    return found
