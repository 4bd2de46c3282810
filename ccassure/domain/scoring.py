"""Risk scoring from a template's matrix, and the residual-risk flags that follow from it."""

from __future__ import annotations

from ccassure.domain.document import AssessmentDocument, Risk
from ccassure.domain.errors import CcassureError
from ccassure.domain.templates import Template

RISK_MATRIX = "risk"


class ScoringError(CcassureError):
    """A rating that is not a level of the template's scales."""


def rate(template: Template, matrix_name: str, row: str, column: str) -> str:
    """Look up the result level for a row level and a column level in the named matrix."""
    matrix = template.matrices.get(matrix_name)
    if matrix is None:
        raise ScoringError(f"template {template.id} has no matrix {matrix_name!r}")
    rows = template.scales[matrix.rows].keys()
    columns = template.scales[matrix.columns].keys()
    if row not in rows:
        raise ScoringError(f"{row!r} is not a level of {matrix.rows} ({', '.join(rows)})")
    if column not in columns:
        raise ScoringError(f"{column!r} is not a level of {matrix.columns} ({', '.join(columns)})")
    return matrix.cells[rows.index(row)][columns.index(column)]


def inherent_rating(template: Template, risk: Risk) -> str:
    return rate(template, RISK_MATRIX, risk.likelihood, risk.severity)


def residual_rating(template: Template, risk: Risk) -> str:
    """The rating after measures; a risk with no residual assessment keeps its inherent rating."""
    if risk.effect == "eliminated":
        return template.scales[template.matrices[RISK_MATRIX].result].keys()[0]
    if not (risk.residual_likelihood and risk.residual_severity):
        return inherent_rating(template, risk)
    return rate(template, RISK_MATRIX, risk.residual_likelihood, risk.residual_severity)


def highest_level(template: Template) -> str:
    return template.scales[template.matrices[RISK_MATRIX].result].keys()[-1]


def needs_prior_consultation(template: Template, document: AssessmentDocument) -> bool:
    """True when any open DPIA risk stays at the top rating after measures (Art 36 / s65)."""
    if RISK_MATRIX not in template.matrices:
        return False
    top = highest_level(template)
    return any(
        risk.status == "open" and residual_rating(template, risk) == top for risk in document.risks
    )
