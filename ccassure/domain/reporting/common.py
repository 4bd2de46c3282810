"""The parts every report shares: cover, checklist sections, summary, actions, sign-off, history."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from ccassure.domain.completeness import Completeness, SectionCompleteness
from ccassure.domain.document import AssessmentDocument, Response
from ccassure.domain.report import Block, Facts, Section, Table, Text
from ccassure.domain.reporting.words import (
    KIND_LABELS,
    NOT_ANSWERED,
    date_text,
    joined,
    kind_phrase,
    long_date,
    moment_text,
    plural,
    short_hash,
    status_label,
)
from ccassure.domain.signoff import SignoffView, VersionLine
from ccassure.domain.templates import Item, Template
from ccassure.domain.templates import Section as TemplateSection

EXPIRY_WINDOW = timedelta(days=60)
ACTION_STATUS = {
    "open": "Open",
    "in_progress": "In progress",
    "done": "Done",
    "cancelled": "Cancelled",
}


@dataclass(frozen=True)
class LinkedLine:
    """A finding of another assessment linked to one line of an EIA's impact matrix."""

    characteristic: str
    assessment: str
    label: str


@dataclass(frozen=True)
class ReportInputs:
    """Everything a kind's builder reads; `template` already holds the custom items."""

    document: AssessmentDocument
    template: Template
    answers: Mapping[str, Response]
    state: Completeness
    signoffs: Sequence[SignoffView]
    history: Sequence[VersionLine]
    today: date
    content_hash: str
    linked: Sequence[LinkedLine] = ()

    def section_state(self, key: str) -> SectionCompleteness | None:
        return next((s for s in self.state.sections if s.key == key), None)

    def value(self, key: str) -> str:
        response = self.answers.get(key)
        return response.value if response else ""


@dataclass(frozen=True)
class KindContent:
    """What a kind adds: summary sentences and its sections; `actions` False when shown already."""

    sentences: tuple[str, ...]
    sections: tuple[Section, ...]
    actions: bool = True


Renderer = Callable[[ReportInputs, TemplateSection], Section]


def expiry_flag(value: str, today: date) -> str:
    """'Expired on …', 'Expires within 60 days, on …', 'Valid until …' or 'No date given'."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return "No date given" if not value.strip() else "Not a date"
    if day < today:
        return f"Expired on {long_date(day)}"
    if day <= today + EXPIRY_WINDOW:
        return f"Expires within 60 days, on {long_date(day)}"
    return f"Valid until {long_date(day)}"


def answer_text(template: Template, item: Item, response: Response | None) -> str:
    if response is None or not response.value.strip():
        return f"{NOT_ANSWERED} (required)" if item.required else NOT_ANSWERED
    label = template.answer_label(item.key, response.value)
    if item.answer == "yes_no_partly":
        label = label[:1].upper() + label[1:]
    return date_text(label) if item.answer == "date" else label


def checklist_table(inputs: ReportInputs, section: TemplateSection, items: Sequence[Item]) -> Table:
    """Question and answer, with comment, evidence and expiry columns when any item has one."""
    answers = inputs.answers
    comments = any(answers.get(i.key) and answers[i.key].comment for i in items)
    evidence = any(answers.get(i.key) and answers[i.key].evidence for i in items)
    expiry = any(i.expires for i in items)
    headings = ["Question", "Answer"]
    widths = [3.0, 3.0]
    for wanted, heading, width in (
        (comments, "Comment", 3.0),
        (evidence, "Evidence", 2.0),
        (expiry, "Expiry", 1.6),
    ):
        if wanted:
            headings.append(heading)
            widths.append(width)
    rows = []
    for item in items:
        response = answers.get(item.key)
        row = [item.prompt, answer_text(inputs.template, item, response)]
        if comments:
            row.append(response.comment if response else "")
        if evidence:
            row.append("; ".join(response.evidence) if response else "")
        if expiry:
            row.append(
                expiry_flag(response.value if response else "", inputs.today)
                if item.expires
                else ""
            )
        rows.append(tuple(row))
    return Table(section.title, tuple(headings), rows, tuple(widths))


def progress_text(done: SectionCompleteness | None) -> str:
    if done is None or not done.required:
        return "No required items."
    if done.complete:
        return f"All {plural(done.required, 'required item')} answered."
    return f"{done.answered} of {plural(done.required, 'required item')} answered."


def applies_text(inputs: ReportInputs, section: TemplateSection) -> str:
    condition = section.applies_when
    given = inputs.value(condition.item) if condition else ""
    answered = (
        f" The answer given is “{inputs.template.answer_label(condition.item, given)}”."
        if condition and given
        else " That question is not answered yet."
    )
    return f"Does not apply to this assessment. {section.condition_text(inputs.template)}{answered}"


def checklist_section(
    inputs: ReportInputs,
    section: TemplateSection,
    before: Sequence[Block] = (),
    items: Sequence[Item] | None = None,
    children: Sequence[Section] = (),
) -> Section:
    """A template section as a report section: its reference, progress and answers."""
    shown = list(section.items if items is None else items)
    done = inputs.section_state(section.key)
    blocks: list[Block] = []
    if done is not None and not done.applies:
        blocks.append(Text(applies_text(inputs, section), "note"))
        # Answers given before the section stopped applying stay on the record.
        shown = [i for i in shown if inputs.value(i.key) or i.key.startswith("custom.")]
    else:
        blocks.append(Text(progress_text(done), "note"))
    if section.reference:
        blocks.append(Text(f"Reference: {section.reference}", "note"))
    blocks.extend(before)
    if shown:
        blocks.append(checklist_table(inputs, section, shown))
    return Section(section.title, tuple(blocks), tuple(children))


def template_sections(
    inputs: ReportInputs,
    render: Mapping[str, Renderer] | None = None,
    after: Mapping[str, Sequence[Section]] | None = None,
) -> tuple[Section, ...]:
    """Every section of the checklist, in order; `render` replaces one, `after` adds after one."""
    found: list[Section] = []
    for section in inputs.template.sections:
        renderer = (render or {}).get(section.key)
        found.append(renderer(inputs, section) if renderer else checklist_section(inputs, section))
        found.extend((after or {}).get(section.key, ()))
    return tuple(found)


def cover_pairs(inputs: ReportInputs) -> tuple[tuple[str, str], ...]:
    header = inputs.document.assessment
    component = header.component.name + (
        f" (supplier: {header.component.supplier})" if header.component.supplier else ""
    )
    return (
        ("Programme", header.programme.name),
        ("Component", component),
        *(
            (("Component description", header.component.description),)
            if header.component.description
            else ()
        ),
        ("Assessment", KIND_LABELS.get(header.kind, header.kind)),
        ("Version", str(header.version)),
        ("Status", status_label(header.status)),
        ("Owner", header.owner or "not set"),
        ("Protective marking", header.marking),
        ("Created on", long_date(header.created_on)),
        ("Review due", long_date(header.review_due)),
        ("Template", f"{inputs.template.title} (version {inputs.template.version})"),
        ("Report generated on", long_date(inputs.today)),
        ("Content hash (SHA-256)", inputs.content_hash),
    )


def signoff_sentence(inputs: ReportInputs) -> str:
    views = inputs.signoffs
    missing = missing_roles(inputs)
    if not views:
        return "No sign-off is recorded for this version."
    states = [v.state_text.lower() for v in views if v.state != "valid"]
    text = f"{plural(len(views), 'sign-off')} recorded"
    if states and len(set(states)) == 1 and len(states) == len(views):
        text += (
            f", {'both' if len(views) == 2 else 'all'} {states[0]}"
            if len(views) > 1
            else f", {states[0]}"
        )
    elif states:
        counted = {s: states.count(s) for s in dict.fromkeys(states)}
        text += " (" + "; ".join(f"{n} {s}" for s, n in counted.items()) + ")"
    text += "."
    if missing:
        text += f" Still to sign off: {joined(missing)}."
    return text


def missing_roles(inputs: ReportInputs) -> list[str]:
    signed = {v.role for v in inputs.signoffs}
    return [r.label for r in inputs.template.signoff_roles if r.required and r.key not in signed]


def executive_summary(inputs: ReportInputs, sentences: Sequence[str]) -> Section:
    header = inputs.document.assessment
    state = inputs.state
    opening = (
        f"This is version {header.version} of the {kind_phrase(header.kind)} "
        f"for {header.component.name} ({header.programme.name}). Its status is "
        f"{status_label(header.status).lower()}; review is due {long_date(header.review_due)}."
    )
    complete = (
        f"{state.answered} of {plural(state.required, 'required item')} are answered "
        f"({state.percent}%)."
    )
    blocks: list[Block] = [Text(f"{opening} {complete}")]
    if header.summary.strip():
        blocks.append(Text(header.summary))
    blocks.extend(Text(s) for s in sentences)
    blocks.append(Text(signoff_sentence(inputs)))
    return Section("Executive summary", tuple(blocks))


def actions_section(inputs: ReportInputs, title: str = "Actions") -> Section:
    actions = inputs.document.actions
    if not actions:
        return Section(title, (Text("No actions are recorded."),))
    today = inputs.today
    rows = []
    for action in actions:
        status = ACTION_STATUS.get(action.status, action.status)
        if action.due and action.due < today and action.status in ("open", "in_progress"):
            status += " (overdue)"
        rows.append(
            (
                action.ref,
                action.description,
                action.owner,
                long_date(action.due, ""),
                status,
                action.link,
            )
        )
    open_count = sum(1 for a in actions if a.status in ("open", "in_progress"))
    table = Table(
        title,
        ("Ref", "Action", "Owner", "Due", "Status", "Linked to"),
        rows,
        # At least the widest word: "ENV-L10", "18 December", "In progress", "RAID-1144"
        (1.05, 4.25, 2.4, 1.8, 1.4, 1.3),
    )
    return Section(
        title, (Text(f"{plural(len(actions), 'action')}, {open_count} still open."), table)
    )


def signoff_section(inputs: ReportInputs) -> Section:
    rows = [
        (
            v.role_label,
            f"{v.name}, {v.position}" if v.position else v.name,
            v.decision_label,
            moment_text(v.signed_at),
            v.comments,
            v.state_text,
        )
        for v in inputs.signoffs
    ]
    blocks: list[Block] = []
    if rows:
        blocks.append(
            Table(
                "Sign-offs of this version, by role",
                ("Role", "Name and position", "Decision", "Signed", "Comments", "State"),
                rows,
                (2.0, 2.4, 1.4, 2.4, 3.0, 2.0),
            )
        )
    else:
        blocks.append(Text("No sign-off is recorded for this version."))
    missing = missing_roles(inputs)
    if missing:
        blocks.append(Text(f"Required sign-off not yet given: {joined(missing)}.", "warning"))
    return Section("Sign-off", tuple(blocks))


def history_section(inputs: ReportInputs) -> Section:
    rows = [
        (
            str(line.version),
            status_label(line.status),
            line.created_on,
            str(line.signoffs),
            short_hash(line.sealed_hash),
        )
        for line in inputs.history
    ]
    if not rows:
        return Section("Version history", (Text("No earlier versions."),))
    table = Table(
        "Every version of this assessment",
        ("Version", "Status", "Created on", "Sign-offs", "Seal (first 12 hex digits)"),
        rows,
        (1.0, 1.6, 1.8, 1.2, 2.4),
    )
    return Section("Version history", (table,))


def hash_section(inputs: ReportInputs) -> Section:
    document = inputs.document
    digest = inputs.content_hash
    sealed = document.sealed_hash
    if sealed and sealed == digest:
        seal = "Sealed on approval: this hash is the seal the sign-offs cover."
    elif sealed:
        seal = f"The seal recorded on approval ({sealed}) does not match this content."
    else:
        seal = "Not sealed: the hash changes with every edit until the version is approved."
    ident = document.assessment.id if document.assessment.id is not None else "ID"
    return Section(
        "Content hash and how to verify it",
        (
            Facts((("SHA-256 content hash", digest), ("Seal", seal))),
            Text(
                "What it covers: the assessment's content written as canonical JSON (keys "
                "sorted, UTF-8, no insignificant whitespace): title, programme, component, "
                "owner, marking, dates, every answer with its comment and evidence, the items "
                "added to the checklist, risks, impacts, actions, issues, evaluations, links and "
                "attachments. It leaves out the store's own identifiers, the workflow status, "
                "the seal and the sign-offs, which sign this hash."
            ),
            Text(
                "To verify a signed PDF of this report: run “ccassure verify REPORT.pdf”. It "
                "lists each signature with its signer and time, and exits with status 0 only "
                "when every signature is intact and valid. Any PDF reader that checks "
                "signatures (for example poppler's pdfsig) shows the same."
            ),
            Text(
                "To verify the content: “ccassure check” confirms that every sealed version in "
                "the store still matches its seal. By hand, take “ccassure show "
                f"{ident} --json”, remove the assessment's id, uid and status, the sealed_hash "
                "and the signoffs, write the rest as canonical JSON and compute its SHA-256: it "
                "must equal the hash above."
            ),
        ),
    )
