"""Evaluation use cases: scope, grid cells, conformance, and links to an EIA's impact lines.

Choices: a renamed sample keeps its evaluations (they move to the new name); a removed sample's
evaluations are removed with it, and set_scope returns them so that an undo can put them back.
A criterion or issue links to an EIA by the EIA's uid (so every version of it), to one impact
line ("impact:disability" unless another is named); the choices are the latest version of each
EIA of the same programme, the same component's newest first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ccassure.domain.conformance import Level, LevelSummary, level_summaries
from ccassure.domain.conformity import problems
from ccassure.domain.document import AssessmentDocument, Evaluation, Link, Scope
from ccassure.domain.evaluation import (
    DISABILITY,
    Criterion,
    GridRow,
    criteria,
    grid_rows,
    matches,
    move_evaluations,
    rename_problems,
    sample_mapping,
    sample_names,
    scope_problems,
)
from ccassure.domain.templates import Template
from ccassure.domain.workflow import WorkflowError, check_editable
from ccassure.services.assessments import AssessmentService
from ccassure.services.errors import ServiceError
from ccassure.store.evaluations import EvaluationQueries


@dataclass(frozen=True)
class EvaluationGrid:
    """The grid of one accessibility assessment: every criterion, and the filtered rows."""

    assessment_id: int
    editable: bool
    scope: Scope
    criteria: tuple[Criterion, ...]
    evaluations: tuple[Evaluation, ...]
    links: tuple[Link, ...]
    rows: tuple[GridRow, ...]
    summaries: tuple[LevelSummary, ...]


@dataclass(frozen=True)
class LinkTarget:
    """An EIA a finding can be linked to (its latest version)."""

    uid: str
    assessment_id: int
    title: str
    component: str
    version: int
    status: str
    same_component: bool

    @property
    def label(self) -> str:
        where = "same component" if self.same_component else self.component
        return f"{self.title} (v{self.version}, {self.status.replace('_', ' ')}; {where})"


@dataclass(frozen=True)
class LinkedFinding:
    """A finding of another assessment linked to one of this EIA's impact lines."""

    assessment_id: int
    assessment: str
    link: Link
    label: str

    @property
    def characteristic(self) -> str:
        return self.link.target.removeprefix("impact:")


def filter_rows(
    rows: Iterable[GridRow], levels: Iterable[Level] | None, principle: str | None
) -> tuple[GridRow, ...]:
    chosen = None if levels is None else tuple(levels)
    return tuple(r for r in rows if matches(r.criterion, chosen, principle))


class EvaluationService:
    """Reads and writes of the evaluation scope, grid and links; writes are all-or-nothing."""

    def __init__(self, assessments: AssessmentService, actor: str = "") -> None:
        self.assessments = assessments
        self._actor = actor

    def _queries(self) -> EvaluationQueries:
        return EvaluationQueries(self.assessments.store.reader())

    def scope(self, assessment_id: int) -> Scope | None:
        self.assessments.summary(assessment_id)
        return self._queries().scope(assessment_id)

    def grid(
        self,
        assessment_id: int,
        levels: Iterable[Level] | None = None,
        principle: str | None = None,
    ) -> EvaluationGrid:
        """Every criterion with its cells, progress and term; rows filtered by level/principle."""
        from ccassure.domain.workflow import EDITABLE

        document = self._accessibility(assessment_id)
        queries = self._queries()
        scope = queries.scope(assessment_id) or Scope()
        found = criteria(self.assessments.template_for(document))
        evaluations = tuple(queries.evaluations(assessment_id))
        links = tuple(queries.links(assessment_id))
        rows = grid_rows(found, scope, evaluations, links)
        return EvaluationGrid(
            assessment_id,
            document.assessment.status in EDITABLE,
            scope,
            found,
            evaluations,
            links,
            filter_rows(rows, levels, principle),
            level_summaries(r.conformance for r in rows),
        )

    def set_scope(
        self,
        assessment_id: int,
        scope: Scope,
        renamed: Mapping[str, str] | None = None,
        restore: Sequence[Evaluation] = (),
    ) -> tuple[Evaluation, ...]:
        """Replace the scope; returns the removed samples' evaluations, for an undo's `restore`."""
        renamed = dict(renamed or {})
        stamp, document, template = self._guard(assessment_id)
        queries = self._queries()
        old = sample_names(queries.scope(assessment_id))
        new = sample_names(scope)
        found = scope_problems(scope) + rename_problems(old, new, renamed)
        if found:
            raise ServiceError(found[0])
        self._check(template, document.model_copy(update={"scope": scope, "evaluations": restore}))
        mapping = sample_mapping(old, new, renamed)
        _, removed = move_evaluations(queries.evaluations(assessment_id), mapping)
        with self.assessments.store.transaction(self._actor) as writer:
            writer.expect(assessment_id, stamp)
            writer.put_scope(assessment_id, scope)
            writer.move_evaluations(assessment_id, mapping)
            for evaluation in restore:
                writer.put_evaluation(assessment_id, evaluation)
            writer.audit(
                "scope.saved",
                assessment_id,
                samples=len(scope.samples),
                renamed=renamed,
                removed_evaluations=len(removed),
            )
        return tuple(removed)

    def set_evaluation(self, assessment_id: int, evaluation: Evaluation) -> None:
        """Set one grid cell (criterion × sample): its outcome and notes."""
        stamp, document, template = self._guard(assessment_id)
        scope = self._queries().scope(assessment_id)
        self._check(
            template, document.model_copy(update={"scope": scope, "evaluations": (evaluation,)})
        )
        with self.assessments.store.transaction(self._actor) as writer:
            writer.expect(assessment_id, stamp)
            writer.put_evaluation(assessment_id, evaluation)
            writer.audit(
                "evaluation.saved",
                assessment_id,
                criterion=evaluation.criterion,
                sample=evaluation.sample,
                outcome=evaluation.outcome,
            )

    def link_targets(self, assessment_id: int) -> list[LinkTarget]:
        """The EIAs of the same programme (latest versions), the same component's first."""
        source = self.assessments.summary(assessment_id)
        found = [
            LinkTarget(
                s.uid,
                s.id,
                s.title,
                s.component,
                s.version,
                s.status,
                s.component_key == source.component_key,
            )
            for s in self.assessments.list_summaries("eia")
            if s.programme == source.programme
        ]
        return sorted(found, key=lambda t: (not t.same_component, t.title))

    def links(self, assessment_id: int) -> list[Link]:
        """This assessment's links to other assessments' lines."""
        return self._queries().links(assessment_id)

    def link(
        self, assessment_id: int, source: str, target_uid: str, target: str = DISABILITY
    ) -> Link:
        """Link a criterion ("criterion:1.4.3") or issue ("issue:AT-0042") to an EIA line."""
        stamp, _, _ = self._guard(assessment_id)
        link = self._valid_link(assessment_id, source, target_uid, target)
        with self.assessments.store.transaction(self._actor) as writer:
            writer.expect(assessment_id, stamp)
            writer.add_link(assessment_id, link)
            writer.audit("link.added", assessment_id, **link.model_dump())
        return link

    def unlink(
        self, assessment_id: int, source: str, target_uid: str, target: str = DISABILITY
    ) -> None:
        link = Link(source=source, target_uid=target_uid, target=target)
        stamp, _, _ = self._guard(assessment_id)
        with self.assessments.store.transaction(self._actor) as writer:
            writer.expect(assessment_id, stamp)
            writer.remove_link(assessment_id, link)
            writer.audit("link.removed", assessment_id, **link.model_dump())

    def linked_findings(self, eia_id: int) -> list[LinkedFinding]:
        """What points at this EIA's impact lines, from the latest version of each assessment."""
        summary = self.assessments.summary(eia_id)
        queries = self._queries()
        found = []
        for record in queries.links_to(summary.uid):
            kind, _, key = record.link.source.partition(":")
            if kind == "criterion":
                label = self._criterion_label(queries, record.assessment_id, key)
            else:
                issues = queries.issues(record.assessment_id, [key])
                label = (
                    f"{key} {issues[0].title} ({issues[0].severity}, "
                    f"{issues[0].status.replace('_', ' ')})"
                    if issues
                    else f"{key} (no longer in the assessment)"
                )
            found.append(LinkedFinding(record.assessment_id, record.title, record.link, label))
        return found

    def _criterion_label(self, queries: EvaluationQueries, assessment_id: int, number: str) -> str:
        document = self.assessments.document_header_only(assessment_id)
        known = {c.number: c for c in criteria(self.assessments.template_for(document))}
        criterion = known.get(number)
        if criterion is None:
            return number
        rows = grid_rows(
            (criterion,), queries.scope(assessment_id), queries.evaluations(assessment_id)
        )
        return f"{criterion.label}: {rows[0].conformance.label}"

    def _valid_link(self, assessment_id: int, source: str, target_uid: str, target: str) -> Link:
        try:
            link = Link(source=source, target_uid=target_uid, target=target)
        except ValueError:
            raise ServiceError(
                f"cannot link {source!r} to {target!r}: use criterion:N.N.N or issue:REF, "
                "and impact:CHARACTERISTIC"
            ) from None
        document = self._accessibility(assessment_id)
        kind, _, key = source.partition(":")
        known = {c.number for c in criteria(self.assessments.template_for(document))}
        if kind == "criterion" and key not in known:
            raise ServiceError(f"{key} is not a WCAG 2.2 criterion")
        if kind == "issue" and not self._queries().issues(assessment_id, [key]):
            raise ServiceError(f"no issue {key} in this assessment", "missing")
        choice = next((t for t in self.link_targets(assessment_id) if t.uid == target_uid), None)
        if choice is None:
            raise ServiceError("the link must go to an EIA of the same programme", "missing")
        eia = self.assessments.document_header_only(choice.assessment_id)
        lines = self.assessments.template_for(eia).lists.get("protected_characteristics", ())
        if target.removeprefix("impact:") not in {c.key for c in lines}:
            raise ServiceError(
                f"{choice.title} has no impact line {target.removeprefix('impact:')}"
            )
        return link

    def _accessibility(self, assessment_id: int) -> AssessmentDocument:
        document = self.assessments.document_header_only(assessment_id)
        if document.assessment.kind != "accessibility":
            raise ServiceError("the evaluation grid belongs to accessibility assessments")
        return document

    def _guard(self, assessment_id: int) -> tuple[str, AssessmentDocument, Template]:
        """The stamp to expect, the header, and the template, once the version is editable."""
        stamp = self.assessments.store.reader().stamp(assessment_id)
        if stamp is None:
            raise ServiceError(f"no assessment with id {assessment_id}", "missing")
        document = self._accessibility(assessment_id)
        try:
            check_editable(document.assessment.status)
        except WorkflowError as exc:
            raise ServiceError(str(exc), "workflow") from None
        return stamp, document, self.assessments.template_for(document)

    @staticmethod
    def _check(template: Template, document: AssessmentDocument) -> None:
        found = problems(template, document)
        if found:
            raise ServiceError(found[0])
