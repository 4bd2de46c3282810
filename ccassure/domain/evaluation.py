"""The evaluation grid's rules: criteria from a template, filters, sample renames and checks.

Evaluations are kept by sample *name*. When the scope changes, a renamed sample takes its
evaluations with it; a removed sample's evaluations are removed with it (the editor's undo puts
both back). So every evaluation always belongs to a sample of the scope.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ccassure.domain.conformance import Conformance, Level, conformance, level_summaries
from ccassure.domain.document import AssessmentDocument, Evaluation, Link, Scope
from ccassure.domain.templates import Template

PRINCIPLES = ("Perceivable", "Operable", "Understandable", "Robust")
DISABILITY = "impact:disability"


@dataclass(frozen=True)
class Criterion:
    """A WCAG success criterion as the template lists it."""

    number: str
    title: str
    level: Level
    principle: str
    guideline: str

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}"


def criteria(template: Template) -> tuple[Criterion, ...]:
    """The template's WCAG criteria, in its order (by principle, then number)."""
    found = []
    for _, item in template.items():
        if item.wcag is None:
            continue
        number = item.wcag.number
        title = item.prompt.removeprefix(number).strip() or item.prompt
        found.append(
            Criterion(number, title, item.wcag.level, item.wcag.principle, item.wcag.guideline)
        )
    return tuple(found)


def matches(criterion: Criterion, levels: Iterable[Level] | None, principle: str | None) -> bool:
    """Whether the criterion passes the filter (None: any level, any principle)."""
    if levels is not None and criterion.level not in set(levels):
        return False
    return principle is None or criterion.principle == principle


def sample_names(scope: Scope | None) -> tuple[str, ...]:
    return tuple(sample.name for sample in scope.samples) if scope else ()


def sample_mapping(
    old: Sequence[str], new: Sequence[str], renamed: Mapping[str, str]
) -> dict[str, str | None]:
    """Where each old sample's evaluations go: its new name, or None when it was removed."""
    targets = set(renamed.values())
    return {
        name: renamed.get(name)
        or (name if name in new and name not in targets and name not in renamed else None)
        for name in old
    }


def move_evaluations(
    evaluations: Iterable[Evaluation], mapping: Mapping[str, str | None]
) -> tuple[list[Evaluation], list[Evaluation]]:
    """Evaluations kept (under their sample's new name) and those removed with their sample."""
    kept, removed = [], []
    for evaluation in evaluations:
        target = mapping.get(evaluation.sample, evaluation.sample)
        if target is None:
            removed.append(evaluation)
        else:
            kept.append(evaluation.model_copy(update={"sample": target}))
    return kept, removed


def scope_problems(scope: Scope) -> list[str]:
    """Sample names must be non-blank and distinct (ignoring case)."""
    found, seen = [], set()
    for sample in scope.samples:
        key = sample.name.strip().casefold()
        if not key:
            found.append("a sample needs a name")
        elif key in seen:
            found.append(f"two samples are called {sample.name.strip()!r}")
        seen.add(key)
    return found


def rename_problems(
    old: Sequence[str], new: Sequence[str], renamed: Mapping[str, str]
) -> list[str]:
    """A rename must take an old sample to a new one, and no two to the same name."""
    found = [f"no sample {name!r} to rename" for name in renamed if name not in old]
    found += [
        f"renamed to {target!r}, which is not in the sample"
        for target in renamed.values()
        if target not in new
    ]
    if len(set(renamed.values())) != len(renamed):
        found.append("two samples are renamed to the same name")
    return found


def evaluation_problems(template: Template, document: AssessmentDocument) -> list[str]:
    """Each evaluation belongs to a sample of the scope, once; links name known criteria."""
    found: list[str] = []
    if document.scope is not None:
        found.extend(scope_problems(document.scope))
    samples = set(sample_names(document.scope))
    seen: set[tuple[str, str]] = set()
    for evaluation in document.evaluations:
        cell = (evaluation.criterion, evaluation.sample)
        if evaluation.sample not in samples:
            found.append(
                f"evaluation of {evaluation.criterion} on {evaluation.sample!r}: "
                "that sample is not in the evaluation scope"
            )
        if cell in seen:
            found.append(f"evaluation of {cell[0]} on {cell[1]!r} is given twice")
        seen.add(cell)
    found.extend(link_problems(template, document.links))
    return found


def link_problems(template: Template, links: Sequence[Link]) -> list[str]:
    """Criterion links name a criterion of the template; no link is given twice."""
    known = {c.number for c in criteria(template)}
    found = [
        f"link from {link.source}: not a WCAG 2.2 criterion"
        for link in links
        if link.source.startswith("criterion:") and link.source[10:] not in known
    ]
    keys = [(link.source, link.target_uid, link.target) for link in links]
    if len(set(keys)) != len(keys):
        found.append("a link is given twice")
    return found


@dataclass(frozen=True)
class GridRow:
    """One criterion of the grid: a cell per sample (untested when empty) and its conformance."""

    criterion: Criterion
    cells: tuple[Evaluation, ...]
    conformance: Conformance
    links: tuple[Link, ...] = ()


def grid_rows(
    found: Sequence[Criterion],
    scope: Scope | None,
    evaluations: Iterable[Evaluation],
    links: Iterable[Link] = (),
) -> tuple[GridRow, ...]:
    """Every criterion with its cells over the scope's samples, conformance and links."""
    samples = sample_names(scope)
    cells = {(e.criterion, e.sample): e for e in evaluations}
    by_source: dict[str, list[Link]] = {}
    for link in links:
        by_source.setdefault(link.source, []).append(link)
    rows = []
    for criterion in found:
        row = tuple(
            cells.get((criterion.number, s))
            or Evaluation(criterion=criterion.number, sample=s, outcome="untested")
            for s in samples
        )
        rows.append(
            GridRow(
                criterion,
                row,
                conformance(criterion.level, (c.outcome for c in row), len(samples)),
                tuple(by_source.get(f"criterion:{criterion.number}", ())),
            )
        )
    return tuple(rows)


def grid_text(rows: Sequence[GridRow], total: int, sample_count: int) -> str:
    """A text alternative to the grid: what is shown, and the terms per level."""
    shown = f"Showing {len(rows)} of {total} criteria over {sample_count} samples."
    lines = [s.text() for s in level_summaries(r.conformance for r in rows)]
    return " ".join([shown, *(f"{line}." for line in lines)])
