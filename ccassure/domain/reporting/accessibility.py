"""An accessibility report: WCAG-EM scope, conformance per criterion, AT matrix, issue log."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ccassure.domain.conformance import LEVELS
from ccassure.domain.document import AtCombination, Issue
from ccassure.domain.evaluation import GridRow, criteria, grid_rows
from ccassure.domain.issue_log import SEVERITY_ORDER, STATUS_LABELS, STATUS_ORDER
from ccassure.domain.report import Block, Facts, Section, Table, Text
from ccassure.domain.reporting.common import (
    KindContent,
    Renderer,
    ReportInputs,
    checklist_section,
    checklist_table,
    template_sections,
)
from ccassure.domain.reporting.issue_details import evaluation_notes, issue_details
from ccassure.domain.reporting.words import joined, long_date, plural
from ccassure.domain.templates import Section as TemplateSection

SCOPE = "scope"
AT_TESTING = "at-testing"
UNRESOLVED = ("open", "retest_failed")
MATRIX_TITLE = "Assistive-technology matrix"
NOT_RATED = "Not rated"


def _scope(inputs: ReportInputs, section: TemplateSection) -> Section:
    scope = inputs.document.scope
    if scope is None:
        return checklist_section(inputs, section, (Text("No evaluation scope is recorded."),))
    blocks: list[Block] = [
        Facts(
            (
                ("Product", scope.product or "not given"),
                ("Release", scope.release or "not given"),
                ("Conformance target", f"WCAG 2.2 Level {scope.level}"),
                ("Sample", plural(len(scope.samples), "screen")),
            )
        )
    ]
    if scope.samples:
        samples = [(s.name, s.description) for s in scope.samples]
        blocks.append(Table("Sample of screens", ("Screen", "Description"), samples, (1.0, 3.0)))
    if scope.baseline:
        rows = [(b.assistive_tech, b.at_version, b.browser, b.os) for b in scope.baseline]
        blocks.append(
            Table(
                "Accessibility-support baseline",
                ("Assistive technology", "Version", "Browser or runtime", "Operating system"),
                rows,
            )
        )
    return checklist_section(inputs, section, blocks)


def _combination_key(baseline: Sequence[AtCombination], issue: Issue) -> str:
    """The baseline line an issue was found with, or the issue's own assistive technology."""
    name = issue.assistive_tech.strip()
    same = [b for b in baseline if b.assistive_tech.casefold() == name.casefold()]
    versioned = [b for b in same if b.at_version and issue.at_version.startswith(b.at_version)]
    chosen = versioned or same
    return chosen[0].label() if chosen else (name or "Not recorded")


def at_matrix(inputs: ReportInputs) -> Section:
    """Unresolved issues by assistive-technology combination and sample screen."""
    scope = inputs.document.scope
    baseline = scope.baseline if scope else ()
    samples = [s.name for s in scope.samples] if scope else []
    known = set(samples)
    unresolved: Counter[tuple[str, str]] = Counter()
    every: Counter[str] = Counter()
    keys: dict[tuple[str, str], str] = {}  # thousands of issues share a few combinations
    for issue in inputs.document.issues:
        seen = (issue.assistive_tech, issue.at_version)
        key = keys.get(seen) or keys.setdefault(seen, _combination_key(baseline, issue))
        every[key] += 1
        if issue.status in UNRESOLVED:
            unresolved[(key, issue.screen if issue.screen in known else "")] += 1
    lines = [b.label() for b in baseline]
    lines += [key for key in every if key not in lines]
    other = any(screen == "" for _, screen in unresolved)
    headings = ["Assistive technology", *samples, *(["Other screens"] if other else [])]
    rows = []
    for line in lines:
        cells = [str(unresolved[(line, screen)]) for screen in samples]
        if other:
            cells.append(str(unresolved[(line, "")]))
        total = sum(unresolved[(line, s)] for s in [*samples, ""])
        rows.append((line, *cells, str(total), str(every[line])))
    table = Table(
        "Unresolved issues by assistive technology and screen",
        (*headings, "Unresolved", "All issues"),
        rows,
    )
    note = Text(
        "Each cell counts the issues still open or failing retest that were found with that "
        "assistive technology on that screen; the last column counts every issue found with it.",
        "note",
    )
    return Section(MATRIX_TITLE, (note, table) if rows else (Text("No issues are logged."),))


def _criterion_rows(inputs: ReportInputs) -> dict[str, GridRow]:
    document = inputs.document
    rows = grid_rows(criteria(inputs.template), document.scope, document.evaluations)
    return {row.criterion.number: row for row in rows}


def _principle(
    inputs: ReportInputs,
    section: TemplateSection,
    grid: dict[str, GridRow],
    notes: dict[str, list[str]],
) -> Section:
    rows = []
    for item in section.items:
        if item.wcag is None:
            continue
        response = inputs.answers.get(item.key)
        term = inputs.template.answer_label(item.key, response.value) if response else ""
        found = grid.get(item.wcag.number)
        over_sample = f"{found.conformance.label}; {found.conformance.progress}" if found else ""
        rows.append(
            (
                item.prompt,
                item.wcag.level,
                term or NOT_RATED,
                over_sample,
                "\n".join(
                    filter(
                        None,
                        [response.comment if response else "", *notes.get(item.wcag.number, ())],
                    )
                ),
            )
        )
    others = [item for item in section.items if item.wcag is None]
    blocks: list[Block] = [
        Table(
            f"{section.title}: conformance per criterion",
            (
                "Criterion",
                "Level",
                "Conformance level",
                "Over the sample",
                "Remarks and explanations",
            ),
            rows,
            (2.6, 0.7, 1.6, 2.4, 3.4),
        )
    ]
    if others:
        blocks.append(checklist_table(inputs, section, others))
    return checklist_section(inputs, section, blocks, items=())


def conformance_counts(inputs: ReportInputs) -> str:
    labels = {}
    found: dict[str, Counter[str]] = {level: Counter() for level in LEVELS}
    for _, item in inputs.template.items():
        if item.wcag is None:
            continue
        value = inputs.value(item.key)
        labels[value] = (
            inputs.template.answer_label(item.key, value) if value else NOT_RATED.lower()
        )
        found[item.wcag.level][value] += 1
    parts = []
    for level, counts in found.items():
        if counts:
            terms = ", ".join(f"{n} {labels[v]}" for v, n in counts.most_common())
            parts.append(f"Level {level} ({sum(counts.values())} criteria): {terms}")
    return "; ".join(parts)


def issue_summary(issues: Sequence[Issue]) -> Section:
    counts: Counter[tuple[str, str]] = Counter((i.severity, i.status) for i in issues)
    severities = [s for s in SEVERITY_ORDER if any(counts[(s, t)] for t in STATUS_ORDER)]
    rows = [
        (
            severity.title(),
            *(str(counts[(severity, status)]) for status in STATUS_ORDER),
            str(sum(counts[(severity, status)] for status in STATUS_ORDER)),
        )
        for severity in severities
    ]
    rows.append(
        (
            "All severities",
            *(str(sum(counts[(s, status)] for s in SEVERITY_ORDER)) for status in STATUS_ORDER),
            str(len(issues)),
        )
    )
    table = Table(
        "Issues by severity and status",
        ("Severity", *(STATUS_LABELS[s] for s in STATUS_ORDER), "Total"),
        rows,
    )
    return Section("Issue summary", (Text(issue_sentence(issues)), table))


def issue_sentence(issues: Sequence[Issue]) -> str:
    if not issues:
        return "No issues are logged."
    severities: Counter[str] = Counter(i.severity for i in issues)
    parts = [f"{severities[s]:,} {s}" for s in SEVERITY_ORDER if severities[s]]
    open_ones = sum(1 for i in issues if i.status in UNRESOLVED)
    return (
        f"{plural(len(issues), 'issue')} logged ({joined(parts)}); {open_ones:,} still open or "
        "failing retest."
    )


def issue_log(issues: Sequence[Issue]) -> Section:
    rows = [
        (
            i.ref,
            i.title,
            i.severity.title(),
            STATUS_LABELS.get(i.status, i.status),
            " ".join(i.criteria),
            f"{i.assistive_tech} {i.at_version}".strip(),
            i.screen,
            long_date(i.found_on, ""),
        )
        for i in issues
    ]
    table = Table(
        "Issue log",
        (
            "Ref",
            "Issue",
            "Severity",
            "Status",
            "Criteria",
            "Assistive technology",
            "Screen",
            "Found",
        ),
        rows,
        # At least the widest word: "AT-10001", "Moderate", "supplier", "2025.2412.50", "September"
        (1.2, 3.6, 1.15, 1.1, 1.05, 1.6, 1.0, 1.3),
    )
    return Section("Issue log", (table,) if rows else (Text("No issues are logged."),))


def accessibility_content(inputs: ReportInputs) -> KindContent:
    grid = _criterion_rows(inputs)
    notes = evaluation_notes(inputs.document.evaluations)
    render: dict[str, Renderer] = {SCOPE: _scope}
    for section in inputs.template.sections:
        if any(item.wcag for item in section.items):
            render[section.key] = lambda i, s: _principle(i, s, grid, notes)
    keys = [s.key for s in inputs.template.sections]
    issues = inputs.document.issues
    after = {keys[-1]: [issue_summary(issues), issue_log(issues), issue_details(issues)]}
    if AT_TESTING in keys:
        after.setdefault(AT_TESTING, []).insert(0, at_matrix(inputs))
    else:
        after[keys[-1]].insert(0, at_matrix(inputs))
    sentences = [issue_sentence(issues)]
    counts = conformance_counts(inputs)
    if counts:
        sentences.append(f"Conformance as rated: {counts}.")
    return KindContent(tuple(sentences), template_sections(inputs, render, after))
