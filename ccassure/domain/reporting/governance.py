"""The board paper's paragraphs: equality, privacy and environmental comments for a programme."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from ccassure.domain.conformance import LEVELS, TERM_LABELS, Term
from ccassure.domain.document import AssessmentDocument
from ccassure.domain.reporting.accessibility import UNRESOLVED
from ccassure.domain.reporting.build import report_inputs
from ccassure.domain.reporting.common import ReportInputs, missing_roles
from ccassure.domain.reporting.dpia import high_residual_refs, residual_counts
from ccassure.domain.reporting.eia import OUTCOME_ITEM, impact_sentence
from ccassure.domain.reporting.environmental import compliance_sentence, expiry_states
from ccassure.domain.reporting.words import date_text, joined, long_date, plural, status_label
from ccassure.domain.scoring import RISK_MATRIX
from ccassure.domain.signoff import SignoffView
from ccassure.domain.templates import Template

EQUALITY = "Equality comments"
PRIVACY = "Privacy comments"
ENVIRONMENT = "Environmental implications"
HEADINGS = (EQUALITY, PRIVACY, ENVIRONMENT)
SEVERITIES = ("blocker", "critical", "serious", "moderate", "minor")


@dataclass(frozen=True)
class GovernanceEntry:
    """The latest version of one assessment, with what the summary says about it.

    `approved_version`/`approved_on`: the newest approved version (this one or an earlier one).
    `issue_counts`: accessibility issues by (severity, status), counted in the store."""

    document: AssessmentDocument
    template: Template
    signoffs: Sequence[SignoffView] = ()
    approved_version: int | None = None
    approved_on: date | None = None
    issue_counts: Mapping[tuple[str, str], int] = field(default_factory=dict)


def governance_summary(entries: Sequence[GovernanceEntry], today: date) -> dict[str, str]:
    """{heading: paragraphs}, one paragraph per assessment, plain sentences for a board paper."""
    found: dict[str, list[str]] = {heading: [] for heading in HEADINGS}
    writers = {
        "eia": (EQUALITY, _eia),
        "accessibility": (EQUALITY, _accessibility),
        "dpia": (PRIVACY, _dpia),
        "environmental": (ENVIRONMENT, _environmental),
    }
    for entry in entries:
        heading, write = writers[entry.document.assessment.kind]
        inputs = report_inputs(entry.document, entry.template, entry.signoffs, (), today)
        found[heading].append(write(entry, inputs))
    empty = {
        EQUALITY: "No equality impact assessment or accessibility testing is recorded.",
        PRIVACY: "No data protection impact assessment is recorded.",
        ENVIRONMENT: "No supplier environmental evidence is recorded.",
    }
    return {h: "\n\n".join(found[h]) if found[h] else empty[h] for h in HEADINGS}


def _standing(entry: GovernanceEntry, what: str, today: date) -> str:
    """'the DPIA was approved at version 1 on 7 March 2025 …; review is due by …'."""
    header = entry.document.assessment
    status = header.status
    if status == "approved":
        text = f"{what} was approved at version {header.version}"
        text += f" on {long_date(entry.approved_on)}" if entry.approved_on else ""
    else:
        state = "a draft" if status == "draft" else status_label(status).lower()
        text = f"{what} is at version {header.version}, {state}"
        if entry.approved_version is not None:
            when = f" on {long_date(entry.approved_on)}" if entry.approved_on else ""
            text += f" (version {entry.approved_version} was approved{when})"
    if header.review_due:
        overdue = header.review_due < today
        text += f"; review {'was' if overdue else 'is'} due by {long_date(header.review_due)}"
    return text + "."


def _signoff(entry: GovernanceEntry, inputs: ReportInputs) -> str:
    status = entry.document.assessment.status
    views = entry.signoffs
    parts = []
    if views:
        states = sorted({v.state_text.lower() for v in views if v.state != "valid"})
        roles = len({v.role for v in views})
        text = f"It carries {plural(len(views), 'sign-off')} from {plural(roles, 'role')}"
        parts.append(text + (f" ({'; '.join(states)})." if states else "."))
    missing = missing_roles(inputs)
    required = sum(1 for r in inputs.template.signoff_roles if r.required)
    if status == "in_review" and missing:
        who = f"all {required} required roles" if len(missing) == required else joined(missing)
        parts.append(f"Sign-off is awaited from {who}.")
    return " ".join(parts)


def _actions(inputs: ReportInputs) -> str:
    actions = inputs.document.actions
    if not actions:
        return ""
    open_ones = [a for a in actions if a.status in ("open", "in_progress")]
    overdue = [a for a in open_ones if a.due and a.due < inputs.today]
    text = (
        (
            "Both actions remain open"
            if len(actions) == 2
            else f"All {len(actions)} actions remain open"
        )
        if len(open_ones) == len(actions) > 1
        else f"{len(open_ones)} of its {plural(len(actions), 'action')} remain open"
    )
    return text + (f", {len(overdue)} overdue." if overdue else ".")


def _lead(entry: GovernanceEntry, kind: str, today: date) -> str:
    header = entry.document.assessment
    supplier = f" ({header.component.supplier})" if header.component.supplier else ""
    what = f"the {kind} “{header.title}”"
    return f"{header.component.name}{supplier}: {_standing(entry, what, today)}"


def _paragraph(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def _dpia(entry: GovernanceEntry, inputs: ReportInputs) -> str:
    if RISK_MATRIX not in inputs.template.matrices:
        return _paragraph(
            _lead(entry, "DPIA", inputs.today), _signoff(entry, inputs), _actions(inputs)
        )
    counts = residual_counts(inputs)
    template = inputs.template
    levels = list(reversed(template.scales[template.matrices[RISK_MATRIX].result].levels))
    high = high_residual_refs(inputs)
    others = joined([f"{counts[lv.key]} {lv.label.lower()}" for lv in levels[1:]])
    risks = plural(sum(counts.values()), "open risk")
    if high:
        risk_text = (
            f"Of its {risks}, {len(high)} ({joined(high)}) remain high after the agreed "
            f"measures ({others} otherwise), so the ICO must be consulted before processing "
            "starts (UK GDPR Art 36 / DPA 2018 s65)."
        )
    else:
        risk_text = (
            f"Of its {risks}, none remains high after the agreed measures ({others}), so prior "
            "consultation with the ICO is not needed."
        )
    return _paragraph(
        _lead(entry, "DPIA", inputs.today), _signoff(entry, inputs), risk_text, _actions(inputs)
    )


def _eia(entry: GovernanceEntry, inputs: ReportInputs) -> str:
    outcome = inputs.value(OUTCOME_ITEM)
    outcome_text = (
        f"Its outcome is “{inputs.template.answer_label(OUTCOME_ITEM, outcome)}”."
        if outcome
        else "Its outcome is not yet recorded."
    )
    return _paragraph(
        _lead(entry, "EIA", inputs.today),
        _signoff(entry, inputs),
        impact_sentence(inputs),
        outcome_text,
        _actions(inputs),
    )


def _accessibility(entry: GovernanceEntry, inputs: ReportInputs) -> str:
    counts = entry.issue_counts
    total = sum(counts.values())
    unresolved = {
        s: sum(n for (sev, st), n in counts.items() if sev == s and st in UNRESOLVED)
        for s in SEVERITIES
    }
    open_total = sum(unresolved.values())
    parts = [f"{n} {s}" for s, n in unresolved.items() if n]
    scope = inputs.document.scope
    target = f" against WCAG 2.2 Level {scope.level}" if scope else ""
    issues = (
        f"Testing{target} has logged {plural(total, 'issue')}, of which {open_total:,} are still "
        f"open or failing retest" + (f" ({joined(parts)})." if parts else ".")
        if total
        else f"Testing{target} has logged no issues yet."
    )
    return _paragraph(
        _lead(entry, "accessibility assessment", inputs.today),
        _signoff(entry, inputs),
        issues,
        _criteria(inputs, scope.level if scope else "AA"),
    )


def _criteria(inputs: ReportInputs, target: str) -> str:
    """How the criteria up to the target level are rated, worst first."""
    levels = LEVELS[: LEVELS.index(target) + 1] if target in LEVELS else LEVELS
    wanted = [
        item for _, item in inputs.template.items() if item.wcag and item.wcag.level in levels
    ]
    if not wanted:
        return ""
    counts = Counter(inputs.value(item.key) for item in wanted)
    order: tuple[Term, ...] = (
        "does_not_support",
        "partially_supports",
        "supports",
        "not_applicable",
        "not_evaluated",
    )
    parts = [f"{counts[t]} {TERM_LABELS[t]}" for t in order if counts[t]]
    if counts[""]:
        parts.append(f"{counts['']} not yet rated")
    scope = f"Level {' and '.join(levels)}"
    return f"Of the {len(wanted)} {scope} criteria: {joined(parts)}."


def _environmental(entry: GovernanceEntry, inputs: ReportInputs) -> str:
    states = expiry_states(inputs)
    expired = [f"{s.prompt}: {date_text(s.value)}" for s in states if s.expired]
    soon = [f"{s.prompt}: {date_text(s.value)}" for s in states if s.soon]
    evidence = []
    if expired:
        evidence.append(f"Evidence has expired ({'; '.join(expired)}).")
    if soon:
        evidence.append(f"Evidence expires within 60 days ({'; '.join(soon)}).")
    if not evidence and states:
        evidence.append("No evidence has expired or expires within 60 days.")
    return _paragraph(
        _lead(entry, "supplier environmental evidence", inputs.today),
        _signoff(entry, inputs),
        compliance_sentence(inputs),
        *evidence,
        _actions(inputs),
    )
