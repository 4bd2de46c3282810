"""A read-only HTML rendering of an assessment document; every value is escaped."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from html import escape

from ccassure.domain.checklist import checklist_for
from ccassure.domain.completeness import completeness
from ccassure.domain.document import AssessmentDocument
from ccassure.domain.scoring import inherent_rating, needs_prior_consultation, residual_rating
from ccassure.domain.signoff import SignoffView
from ccassure.domain.templates import Template

MAX_ISSUES = 300


def _table(headings: list[str], rows: list[list[str]], caption: str) -> str:
    head = "".join(f"<th align='left'>{escape(h)}</th>" for h in headings)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (
        f"<table border='1' cellspacing='0' cellpadding='4' width='100%'>"
        f"<caption>{escape(caption)}</caption><tr>{head}</tr>{body}</table>"
    )


def document_html(
    document: AssessmentDocument, template: Template, signoffs: Sequence[SignoffView] = ()
) -> str:
    """The version, escaped; `signoffs` are its sign-offs with their checked states."""
    h = document.assessment
    template = checklist_for(template, document.custom_items)
    state = completeness(template, document)
    out = [
        f"<h1>{escape(h.title)}</h1>",
        f"<p><b>{escape(h.kind.upper())}</b> · {escape(h.component.name)} "
        f"({escape(h.component.supplier or 'no supplier')}) · {escape(h.programme.name)}<br>"
        f"Version {h.version} · <b>{escape(h.status.replace('_', ' '))}</b> · "
        f"{escape(h.marking)} · owner {escape(h.owner or 'not set')} · review due "
        f"{escape(str(h.review_due or 'not set'))}<br>"
        f"Completeness: {state.answered} of {state.required} required items "
        f"({state.percent}%) · template {escape(template.title)} v{template.version}</p>",
    ]
    if document.sealed_hash:
        out.append(f"<p>Sealed on approval. SHA-256 {escape(document.sealed_hash)}</p>")
    if h.summary:
        out.append(f"<p>{escape(h.summary)}</p>")
    if needs_prior_consultation(template, document):
        out.append(
            "<p><b>A high residual risk remains: consult the ICO before processing "
            "(UK GDPR Art 36, DPA 2018 s65).</b></p>"
        )
    answers = {r.item: r for r in document.responses}
    for section, done in zip(template.sections, state.sections, strict=True):
        mark = "complete" if done.complete else f"{done.answered} of {done.required} required"
        mark = mark if done.applies else "does not apply"
        out.append(f"<h2>{escape(section.title)} ({mark})</h2>")
        if not done.applies:
            out.append(f"<p>{escape(section.condition_text(template))}</p>")
        for item in section.items:
            response = answers.get(item.key)
            value = template.answer_label(item.key, response.value) if response else ""
            required = " (required)" if item.required else ""
            out.append(
                f"<p><b>{escape(item.prompt)}</b>{required}<br>"
                f"{escape(value) if value.strip() else '<i>Not answered</i>'}"
            )
            if response and response.comment:
                out.append(f"<br>Comment: {escape(response.comment)}")
            if response and response.evidence:
                out.append(f"<br>Evidence: {escape('; '.join(response.evidence))}")
            out.append(f"<br><small>{escape(item.reference)}</small></p>")
    out += _registers(document, template) + signoff_html(signoffs)
    return "\n".join(out)


def _registers(document: AssessmentDocument, template: Template) -> list[str]:
    out = []
    if document.risks:
        out += [
            "<h2>Risk register</h2>",
            _table(
                ["Ref", "Risk", "Inherent", "Measures", "Effect", "Residual", "Status"],
                [
                    [
                        r.ref,
                        r.title,
                        inherent_rating(template, r),
                        r.measures,
                        r.effect or "-",
                        residual_rating(template, r),
                        r.status,
                    ]
                    for r in document.risks
                ],
                "Risks",
            ),
        ]
    if document.impacts:
        out += [
            "<h2>Impacts by protected characteristic</h2>",
            _table(
                ["Characteristic", "Impact", "Rationale", "Mitigation"],
                [
                    [i.characteristic.replace("_", " "), i.effect, i.rationale, i.mitigation]
                    for i in document.impacts
                ],
                "Impacts",
            ),
        ]
    if document.issues:
        severity = Counter(i.severity for i in document.issues)
        shown = document.issues[:MAX_ISSUES]
        out += [
            f"<h2>Accessibility issues ({len(document.issues):,})</h2>",
            "<p>"
            + ", ".join(
                f"{k}: {severity[k]:,}" for k in ("critical", "serious", "moderate", "minor")
            )
            + "</p>",
            _table(
                ["Ref", "Title", "Criterion", "Severity", "Status", "Assistive tech"],
                [
                    [
                        i.ref,
                        i.title,
                        " ".join(i.criteria),
                        i.severity,
                        i.status.replace("_", " "),
                        i.assistive_tech,
                    ]
                    for i in shown
                ],
                "Issues",
            ),
        ]
        if len(document.issues) > len(shown):
            out.append(
                f"<p>Showing the first {len(shown):,} of {len(document.issues):,}; "
                "the dashboard lists them all.</p>"
            )
    if document.actions:
        out += [
            "<h2>Actions</h2>",
            _table(
                ["Ref", "Action", "Owner", "Due", "Status"],
                [
                    [a.ref, a.description, a.owner, str(a.due or ""), a.status.replace("_", " ")]
                    for a in document.actions
                ],
                "Actions",
            ),
        ]
    return out


def signoff_html(views: Sequence[SignoffView]) -> list[str]:
    """The sign-off table: who decided what, when, and whether the record still holds."""
    if not views:
        return []
    return [
        "<h2>Sign-off</h2>",
        _table(
            ["Role", "Name", "Position", "Signed", "Decision", "Comments", "State"],
            [
                [
                    v.role_label,
                    v.name,
                    v.position,
                    v.signed_at,
                    v.decision_label,
                    v.comments,
                    v.state_text,
                ]
                for v in views
            ],
            "Sign-offs, each with the state of its signature",
        ),
    ]
