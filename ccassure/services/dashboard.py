"""The programme dashboard: where every assessment stands and what needs attention."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from ccassure.domain.document import Risk
from ccassure.domain.scoring import RISK_MATRIX, rate, residual_rating
from ccassure.domain.summary import AssessmentSummary, ItemPage, ItemRow
from ccassure.domain.templates import Template, TemplateSet
from ccassure.services.actions import ActionChoices, action_choices, select_actions
from ccassure.services.errors import ServiceError
from ccassure.services.item_query import RATINGS, SEVERITIES, ItemQuery
from ccassure.store.queries import RiskRow, StoreQueries
from ccassure.store.store import Store

DUE_WINDOW = timedelta(days=60)


@dataclass(frozen=True)
class Dashboard:
    today: date
    components: tuple[str, ...]
    matrix: dict[tuple[str, str], tuple[AssessmentSummary, ...]]
    risks_by_rating: dict[str, int]
    risk_grid: dict[tuple[str, str], int]
    likelihoods: tuple[str, ...]
    severities: tuple[str, ...]
    grid_ratings: dict[tuple[str, str], str]
    issues: dict[tuple[str, str], int]
    overdue_actions: int
    reviews_due: int
    evidence_due: int

    @property
    def issues_by_severity(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for (severity, status), n in self.issues.items():
            if status in ("open", "retest_failed"):
                counts[severity] += n
        return {s: counts[s] for s in SEVERITIES}


class DashboardService:
    """Builds the dashboard and lists the items behind each of its figures."""

    def __init__(self, store: Store, templates: TemplateSet) -> None:
        self._store = store
        self.templates = templates

    def _queries(self) -> StoreQueries:
        return StoreQueries(self._store.reader())

    def _open_risks(self) -> list[tuple[RiskRow, Template]]:
        found = []
        for row in self._queries().latest_risks():
            template = self.templates.get(row.template_id, row.template_version)
            if (
                template is not None
                and RISK_MATRIX in template.matrices
                and row.risk.status == "open"
            ):
                found.append((row, template))
        return found

    def _expiring_items(self) -> list[str]:
        return sorted(
            {item.key for t in self.templates.templates for _, item in t.items() if item.expires}
        )

    def build(self, today: date) -> Dashboard:
        summaries = self._store.reader().list_assessments()
        components = tuple(dict.fromkeys(s.component for s in summaries))
        matrix: dict[tuple[str, str], tuple[AssessmentSummary, ...]] = {}
        for s in summaries:
            matrix[(s.component, s.kind)] = (*matrix.get((s.component, s.kind), ()), s)
        ratings: Counter[str] = Counter()
        grid: Counter[tuple[str, str]] = Counter()
        for row, template in self._open_risks():
            ratings[residual_rating(template, row.risk)] += 1
            grid[_residual_cell(row.risk)] += 1
        dpia = self.templates.for_kind("dpia")
        until = today + DUE_WINDOW
        queries = self._queries()
        return Dashboard(
            today=today,
            components=components,
            matrix=matrix,
            risks_by_rating={r: ratings[r] for r in RATINGS},
            risk_grid=dict(grid),
            likelihoods=dpia.scales["likelihood"].keys() if dpia else (),
            severities=dpia.scales["severity"].keys() if dpia else (),
            grid_ratings=_grid_ratings(dpia),
            issues=queries.issue_counts(),
            overdue_actions=len(queries.open_actions_due_before(today)),
            reviews_due=sum(1 for s in summaries if s.review_due and s.review_due <= until),
            evidence_due=len(queries.expiring_answers(self._expiring_items(), until)),
        )

    def items(self, query: ItemQuery, today: date, offset: int = 0, limit: int = 200) -> ItemPage:
        """The rows behind a figure, a page at a time (issues can number 100,000)."""
        queries = self._queries()
        if query.what == "issues":
            return queries.issues(query.severity, query.status, offset, limit)
        rows = self._all_items(query, today, queries)
        return ItemPage(tuple(rows[offset : offset + limit]), len(rows))

    def _all_items(self, query: ItemQuery, today: date, queries: StoreQueries) -> list[ItemRow]:
        until = today + DUE_WINDOW
        if query.what == "risks":
            return [
                ItemRow(
                    row.assessment_id,
                    row.risk.ref,
                    row.risk.title,
                    (residual_rating(template, row.risk), row.risk.owner),
                )
                for row, template in self._open_risks()
                if (not query.rating or residual_rating(template, row.risk) == query.rating)
                and (
                    not query.likelihood
                    or _residual_cell(row.risk) == (query.likelihood, query.impact)
                )
            ]
        if query.what == "actions":
            return queries.open_actions_due_before(today)
        if query.what == "all_actions":
            return select_actions(queries.action_records(), query, today)
        if query.what == "evidence":
            return queries.expiring_answers(self._expiring_items(), until)
        summaries = self._store.reader().list_assessments()
        if query.what == "reviews":
            summaries = [s for s in summaries if s.review_due and s.review_due <= until]
        elif query.what == "assessments":
            summaries = [
                s
                for s in summaries
                if s.component == query.component and (not query.kind or s.kind == query.kind)
            ]
        else:
            raise ServiceError(f"unknown list {query.what!r}")
        return [
            ItemRow(
                s.id,
                f"v{s.version}",
                s.title,
                (s.kind, s.status.replace("_", " "), str(s.review_due or "")),
            )
            for s in summaries
        ]

    def action_choices(self) -> ActionChoices:
        """The owners, kinds and components the actions list can be narrowed to."""
        return action_choices(self._queries().action_records())

    def search(self, text: str, limit: int = 200) -> list[ItemRow]:
        text = text.strip()
        if not text:
            return []
        return self._queries().search(text, limit)


def _residual_cell(risk: Risk) -> tuple[str, str]:
    if risk.residual_likelihood and risk.residual_severity:
        return (risk.residual_likelihood, risk.residual_severity)
    return (risk.likelihood, risk.severity)


def _grid_ratings(template: Template | None) -> dict[tuple[str, str], str]:
    if template is None or RISK_MATRIX not in template.matrices:
        return {}
    return {
        (likelihood, severity): rate(template, RISK_MATRIX, likelihood, severity)
        for likelihood in template.scales["likelihood"].keys()
        for severity in template.scales["severity"].keys()
    }
