"""Everything else an issue and an evaluation record: details, retests and evaluators' notes."""

from __future__ import annotations

from collections.abc import Sequence

from ccassure.domain.document import Evaluation, Issue, Retest
from ccassure.domain.report import Section, Table, Text
from ccassure.domain.reporting.words import long_date

DETAILS_TITLE = "Issue details and retests"
RETEST_WORDS = {"passed": "passed", "failed": "failed", "cannot_test": "could not be tested"}


def _retest(retest: Retest) -> str:
    who = ", ".join(p for p in (retest.tester, retest.assistive_tech) if p)
    line = f"{long_date(retest.tested_on)}: {RETEST_WORDS.get(retest.outcome, retest.outcome)}"
    line += f" ({who})" if who else ""
    return line + (f" — {retest.notes}" if retest.notes else "")


def issue_detail_text(issue: Issue) -> str:
    """The fields the issue log's columns leave out, one labelled line each (empty: none)."""
    environment = ", ".join(p for p in (issue.browser, issue.os) if p)
    lines = [
        (label, value)
        for label, value in (
            ("Description", issue.description),
            ("Steps to reproduce", issue.steps),
            ("Expected", issue.expected),
            ("Actual", issue.actual),
            ("Browser and OS", environment),
            ("Page", issue.url),
            ("Status reason", issue.status_reason),
            ("Axe rule", issue.rule_id),
            ("Needs review", "yes" if issue.needs_review else ""),
        )
        if value
    ]
    if issue.occurrences:
        resolved = sum(1 for o in issue.occurrences if o.resolved)
        lines.append(("Occurrences", f"{len(issue.occurrences)} ({resolved} resolved)"))
    lines.extend(("Retest", _retest(r)) for r in issue.retests)
    return "\n".join(f"{label}: {value}" for label, value in lines)


def issue_details(issues: Sequence[Issue]) -> Section:
    rows = [(i.ref, text) for i in issues if (text := issue_detail_text(i))]
    if not rows:
        return Section(DETAILS_TITLE, (Text("No issue has further details or retests."),))
    note = Text(
        "Description, steps, expected and actual results, environment, reasons and every "
        "retest of each issue that has them, in ref order.",
        "note",
    )
    table = Table(DETAILS_TITLE, ("Ref", "Details"), rows, (1.2, 10.8))
    return Section(DETAILS_TITLE, (note, table))


def evaluation_notes(evaluations: Sequence[Evaluation]) -> dict[str, list[str]]:
    """Criterion number → the evaluators' notes per sample, for the conformance remarks."""
    found: dict[str, list[str]] = {}
    for evaluation in evaluations:
        if evaluation.notes:
            found.setdefault(evaluation.criterion, []).append(
                f"{evaluation.sample}: {evaluation.notes}"
            )
    return found
