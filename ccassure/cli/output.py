"""Plain-text renderings of assessments, lists and reports for the command line."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from ccassure.domain.checklist import checklist_for
from ccassure.domain.completeness import completeness
from ccassure.domain.document import AssessmentDocument
from ccassure.domain.scoring import inherent_rating, needs_prior_consultation, residual_rating
from ccassure.domain.signoff import SignoffView
from ccassure.domain.summary import AssessmentSummary
from ccassure.domain.templates import Template

MAX_ISSUES_SHOWN = 50


def safe(text: str, keep_newlines: bool = False) -> str:
    """Show control and direction-changing characters as escapes, never raw on a terminal."""
    return "".join(
        c
        if c.isprintable() or (keep_newlines and c == "\n")
        else f"\\x{ord(c):02x}"
        if ord(c) < 0x100
        else f"\\u{ord(c):04x}"
        for c in text
    )


def table(rows: list[list[str]], headings: list[str]) -> str:
    rows = [[safe(str(cell)) for cell in row] for row in rows]
    widths = [max(len(str(c)) for c in col) for col in zip(headings, *rows, strict=False)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headings, widths, strict=True)).rstrip()]
    lines += [
        "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]
    return "\n".join(lines)


def assessment_list(summaries: Iterable[AssessmentSummary]) -> str:
    rows = [
        [str(s.id), s.kind, s.status.replace("_", " "), f"v{s.version}", s.component, s.title]
        for s in summaries
    ]
    if not rows:
        return "No assessments yet."
    return table(rows, ["ID", "KIND", "STATUS", "VER", "COMPONENT", "TITLE"])


def document_text(
    document: AssessmentDocument, template: Template, signoffs: Sequence[SignoffView] = ()
) -> str:
    """The version as text; `signoffs` are its sign-offs with their checked states."""
    h = document.assessment
    template = checklist_for(template, document.custom_items)
    state = completeness(template, document)
    out = [
        f"{h.title}",
        f"  {h.kind.upper()} · {h.component.name} ({h.component.supplier or 'no supplier'}) · "
        f"{h.programme.name}",
        f"  id {h.id} · version {h.version} · {h.status.replace('_', ' ')} · {h.marking}",
        f"  owner: {h.owner or '-'} · created {h.created_on} · review due {h.review_due or '-'}",
        f"  template: {template.title} ({template.id} v{template.version})",
        f"  completeness: {state.answered}/{state.required} required items ({state.percent}%)",
    ]
    if document.sealed_hash:
        out.append(f"  sealed: SHA-256 {document.sealed_hash}")
    out = [safe(line) for line in out]
    if h.summary:
        out += ["", h.summary]
    answers = {r.item: r for r in document.responses}
    for section in template.sections:
        done = next(s for s in state.sections if s.key == section.key)
        mark = "complete" if done.complete else f"{done.answered}/{done.required} required"
        mark = mark if done.applies else "does not apply"
        out += ["", f"## {section.title}  [{mark}]"]
        for item in section.items:
            response = answers.get(item.key)
            value = template.answer_label(item.key, response.value) if response else ""
            flag = "*" if item.required else " "
            out.append(f" {flag} {item.prompt}: {value.strip() or '(not answered)'}")
            if response and response.evidence:
                out.append(f"     evidence: {'; '.join(response.evidence)}")
    out += _risks(document, template) + _issues(document) + _actions(document)
    out = [safe(line, keep_newlines=True) for line in out]
    if signoffs:
        out += ["", "## Sign-off", signoff_table(signoffs)]
    return "\n".join(out)


def signoff_table(views: Sequence[SignoffView]) -> str:
    """Each sign-off with its decision, when, and its state in words; comments below it."""
    lines = []
    for v in views:
        lines.append(f"  {v.role_label}: {v.name}{', ' + v.position if v.position else ''}")
        lines.append(f"    {v.decision_label} · {v.signed_at} · {v.state_text}")
        if v.comments:
            lines.append(f"    comments: {v.comments}")
    return "\n".join(safe(line, keep_newlines=True) for line in lines)


def _risks(document: AssessmentDocument, template: Template) -> list[str]:
    if not document.risks:
        return []
    rows = [
        [
            r.ref,
            r.title[:60],
            inherent_rating(template, r),
            r.effect or "-",
            residual_rating(template, r),
            r.status,
        ]
        for r in document.risks
    ]
    out = [
        "",
        "## Risk register",
        table(rows, ["REF", "RISK", "INHERENT", "EFFECT", "RESIDUAL", "STATUS"]),
    ]
    if needs_prior_consultation(template, document):
        out.append(
            "! A high residual risk remains: consult the ICO before processing "
            "(UK GDPR Art 36 / DPA 2018 s65)."
        )
    return out


def _issues(document: AssessmentDocument) -> list[str]:
    if not document.issues:
        return []
    by_severity = Counter(i.severity for i in document.issues)
    by_status = Counter(i.status for i in document.issues)
    out = [
        "",
        f"## Accessibility issues ({len(document.issues)})",
        "  by severity: "
        + ", ".join(f"{k} {by_severity[k]}" for k in ("critical", "serious", "moderate", "minor")),
        "  by status: "
        + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(by_status.items())),
    ]
    shown = document.issues[:MAX_ISSUES_SHOWN]
    out.append(
        table(
            [
                [
                    i.ref,
                    i.severity,
                    i.status.replace("_", " "),
                    " ".join(i.criteria) or "-",
                    i.assistive_tech or "-",
                    i.title[:60],
                ]
                for i in shown
            ],
            ["REF", "SEVERITY", "STATUS", "SC", "AT", "TITLE"],
        )
    )
    if len(document.issues) > len(shown):
        out.append(f"  … and {len(document.issues) - len(shown)} more (use --json for all)")
    return out


def _actions(document: AssessmentDocument) -> list[str]:
    if not document.actions:
        return []
    rows = [
        [a.ref, a.status.replace("_", " "), str(a.due or "-"), a.owner or "-", a.description[:60]]
        for a in document.actions
    ]
    return ["", "## Actions", table(rows, ["REF", "STATUS", "DUE", "OWNER", "ACTION"])]


def templates_text(templates: Iterable[Template]) -> str:
    rows = [
        [t.id, t.kind, str(t.version), str(len(t.sections)), str(t.item_count), t.title]
        for t in templates
    ]
    return table(rows, ["ID", "KIND", "VER", "SECTIONS", "ITEMS", "TITLE"])
