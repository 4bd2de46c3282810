"""Importing axe-core scans into an assessment's issue log: new issues, and later scans merged."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ccassure.domain.axe import AxeError, AxeFinding, AxeScan, parse_axe
from ccassure.domain.document import Issue, Occurrence
from ccassure.services.assessments import AssessmentService
from ccassure.services.errors import ServiceError
from ccassure.services.files import read_file
from ccassure.services.stores import safety_backup
from ccassure.store.axe_issues import KnownAxeIssue, highest_issue_number, known_axe_issues

MAX_SCAN_BYTES = 1024 * 1024 * 1024
Progress = Callable[[int], None]


@dataclass(frozen=True)
class AxeImportResult:
    created: int
    updated: int
    unchanged: int
    pages: int
    backup: Path | None


def import_axe(
    service: AssessmentService,
    assessment_id: int,
    path: Path,
    include_incomplete: bool = False,
    progress: Progress = lambda _p: None,
) -> AxeImportResult:
    """One issue per rule and page; a later scan of the same page updates those issues (new
    elements added, vanished ones marked resolved) and never duplicates them. All or nothing:
    the file is read and checked in full before anything is written, after a backup."""
    header = service.document_header_only(assessment_id)
    if header.assessment.kind != "accessibility":
        raise ServiceError(
            f"assessment {assessment_id} is a {header.assessment.kind.upper()}; axe-core "
            "results belong to an accessibility assessment"
        )
    template = service.template_for(header)
    known_criteria = {item.wcag.number for _, item in template.items() if item.wcag}
    try:
        data = read_file(path, MAX_SCAN_BYTES, "for an axe-core scan", lambda p: progress(p // 2))
        scan = parse_axe(data, str(path), include_incomplete)
    except AxeError as exc:
        raise ServiceError(str(exc)) from None
    progress(60)
    stamp = service.stamp(assessment_id)
    reader = service.store.reader()
    known = {(i.rule_id, i.url, i.needs_review): i for i in known_axe_issues(reader, assessment_id)}
    number = highest_issue_number(reader, assessment_id)
    found_on = _scan_date(scan) or service.today()
    new: list[Issue] = []
    changed: dict[KnownAxeIssue, tuple[Occurrence, ...]] = {}
    seen: set[tuple[str, str, bool]] = set()
    unchanged = 0
    for finding in scan.findings:
        key = (finding.rule_id, finding.url, finding.needs_review)
        seen.add(key)
        earlier = known.get(key)
        if earlier is None:
            number += 1
            new.append(_issue(finding, f"AT-{number:04d}", known_criteria, found_on))
            continue
        merged = _merge(earlier.occurrences, finding)
        if merged != earlier.occurrences:
            changed[earlier] = merged
        else:
            unchanged += 1
    scanned = set(scan.urls)
    for key, earlier in known.items():
        _rule, url, needs_review = key
        if key in seen or url not in scanned or (needs_review and not include_incomplete):
            continue
        resolved = tuple(o.model_copy(update={"resolved": True}) for o in earlier.occurrences)
        if resolved != earlier.occurrences:  # the rule no longer fails anywhere on the page
            changed[earlier] = resolved
    progress(80)
    backup = None
    if new or changed:
        service.check_editable(assessment_id)
        service.validate(header.model_copy(update={"issues": tuple(new)}))
        backup = safety_backup(service.store.path, "before-axe-import", service.store.key)
        with service.editing(assessment_id, stamp) as writer:
            writer.add_issues(assessment_id, new)
            for earlier, occurrences in changed.items():
                writer.replace_occurrences(earlier.id, occurrences)
            writer.touch(assessment_id)
            writer.audit(
                "axe.imported",
                assessment_id,
                file=path.name,
                created=len(new),
                updated=len(changed),
                pages=len(scanned),
            )
    progress(100)
    return AxeImportResult(len(new), len(changed), unchanged, len(scanned), backup)


def _merge(earlier: tuple[Occurrence, ...], finding: AxeFinding) -> tuple[Occurrence, ...]:
    """Elements seen again stay (and are open again), new ones are added, the rest resolved."""
    now = {o.target: o for o in finding.occurrences}
    kept = [
        (
            Occurrence(
                target=o.target,
                html=now[o.target].html,
                failure_summary=now[o.target].failure_summary,
            )
            if o.target in now
            else o.model_copy(update={"resolved": True})
        )
        for o in earlier
    ]
    before = {o.target for o in earlier}
    added = [
        Occurrence(target=o.target, html=o.html, failure_summary=o.failure_summary)
        for o in finding.occurrences
        if o.target not in before
    ]
    return (*kept, *added)


def _issue(finding: AxeFinding, ref: str, known_criteria: set[str], found_on: date) -> Issue:
    described = "\n".join(part for part in (finding.description, finding.help_url) if part)
    return Issue(
        ref=ref,
        title=finding.help or finding.rule_id,
        description=described,
        criteria=tuple(c for c in finding.criteria if c in known_criteria),
        severity=finding.severity,
        source="axe",
        rule_id=finding.rule_id,
        url=finding.url,
        needs_review=finding.needs_review,
        found_on=found_on,
        occurrences=tuple(
            Occurrence(target=o.target, html=o.html, failure_summary=o.failure_summary)
            for o in finding.occurrences
        ),
    )


def _scan_date(scan: AxeScan) -> date | None:
    stamps = sorted(run.timestamp for run in scan.runs if run.timestamp)
    try:
        return date.fromisoformat(stamps[-1][:10]) if stamps else None
    except ValueError:
        return None
