"""Risk scoring from the DPIA template's matrix, residual ratings and the Art 36 flag."""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest

from ccassure.domain.document import AssessmentDocument, ComponentRef, Header, ProgrammeRef, Risk
from ccassure.domain.scoring import (
    ScoringError,
    inherent_rating,
    needs_prior_consultation,
    rate,
    residual_rating,
)
from ccassure.domain.templates import Template, load_template, parse_template

DPIA = Path(__file__).resolve().parent.parent / "resources" / "templates" / "dpia.toml"
EXPECTED = {  # likelihood -> severity -> overall, as the built-in matrix is meant to read
    "remote": {"minimal": "low", "significant": "low", "severe": "medium"},
    "possible": {"minimal": "low", "significant": "medium", "severe": "high"},
    "probable": {"minimal": "medium", "significant": "high", "severe": "high"},
}


@pytest.fixture(scope="module")
def dpia() -> Template:
    return load_template(DPIA)


def risk(likelihood: str, severity: str, **more: object) -> Risk:
    return Risk.model_validate(
        {"ref": "R1", "title": "t", "likelihood": likelihood, "severity": severity, **more}
    )


def test_every_cell_of_the_matrix(dpia: Template) -> None:
    for likelihood, row in EXPECTED.items():
        for severity, overall in row.items():
            assert rate(dpia, "risk", likelihood, severity) == overall
            assert inherent_rating(dpia, risk(likelihood, severity)) == overall


def test_rating_never_falls_as_likelihood_or_severity_rises(dpia: Template) -> None:
    order = dpia.scales["overall"].keys()
    likelihoods, severities = dpia.scales["likelihood"].keys(), dpia.scales["severity"].keys()
    for severity in severities:
        ranks = [order.index(rate(dpia, "risk", lk, severity)) for lk in likelihoods]
        assert all(a <= b for a, b in pairwise(ranks))
    for likelihood in likelihoods:
        ranks = [order.index(rate(dpia, "risk", likelihood, sv)) for sv in severities]
        assert all(a <= b for a, b in pairwise(ranks))


def test_the_matrix_is_data_not_code(dpia: Template) -> None:
    text = DPIA.read_text(encoding="utf-8").replace(
        '["low", "low", "medium"]', '["high", "high", "high"]'
    )
    strict = parse_template(text, "strict.toml")
    assert rate(strict, "risk", "remote", "minimal") == "high"
    assert rate(dpia, "risk", "remote", "minimal") == "low"


def test_unknown_levels_are_refused(dpia: Template) -> None:
    with pytest.raises(ScoringError, match="likely"):
        rate(dpia, "risk", "likely", "severe")
    with pytest.raises(ScoringError, match="catastrophic"):
        rate(dpia, "risk", "remote", "catastrophic")
    with pytest.raises(ScoringError, match="no matrix"):
        rate(dpia, "impact", "remote", "severe")


def test_residual_rating(dpia: Template) -> None:
    assert residual_rating(dpia, risk("probable", "severe")) == "high"  # no measures yet
    reduced = risk(
        "probable",
        "severe",
        effect="reduced",
        residual_likelihood="remote",
        residual_severity="significant",
    )
    assert residual_rating(dpia, reduced) == "low"
    assert residual_rating(dpia, risk("probable", "severe", effect="eliminated")) == "low"


def _document(*risks: Risk) -> AssessmentDocument:
    header = Header(
        kind="dpia",
        title="x",
        template_id="dpia-ico",
        template_version=1,
        created_on=date(2026, 1, 1),
        programme=ProgrammeRef(key="p", name="P"),
        component=ComponentRef(key="c", name="C"),
    )
    return AssessmentDocument(assessment=header, risks=risks)


def test_residual_high_risk_flags_prior_consultation(dpia: Template) -> None:
    accepted = risk(
        "probable",
        "severe",
        effect="accepted",
        residual_likelihood="possible",
        residual_severity="severe",
    )
    assert needs_prior_consultation(dpia, _document(accepted))
    mitigated = accepted.model_copy(update={"residual_likelihood": "remote"})
    assert not needs_prior_consultation(dpia, _document(mitigated))
    closed = accepted.model_copy(update={"status": "closed"})
    assert not needs_prior_consultation(dpia, _document(closed))
