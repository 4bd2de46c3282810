"""The governance summary: the board paper's three headings, from the demo's real store."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ccassure.domain.document import Risk
from ccassure.domain.reporting.governance import HEADINGS
from ccassure.services.context import build_context
from ccassure.services.paths import AppPaths
from tests.conftest import TODAY, run_cli


@pytest.fixture
def store(demo_store: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "demo.db"
    shutil.copy(demo_store, copy)
    return copy


def summary(store: Path, *args: str) -> tuple[int, str, str]:
    result = run_cli(
        "--store", str(store), "--data-dir", str(store.parent / "data"), "summary", *args
    )
    return result.returncode, result.stdout, result.stderr


def expected(store: Path) -> dict[str, list[tuple[str, int, str]]]:
    """(component, version, status) of the latest version of each kind, read through services."""
    context = build_context(AppPaths(store.parent / "data", store), today=lambda: TODAY)
    try:
        found: dict[str, list[tuple[str, int, str]]] = {}
        for s in context.assessments.list_summaries():
            found.setdefault(s.kind, []).append((s.component, s.version, s.status))
        return found
    finally:
        context.close()


def test_the_summary_names_every_component_and_version_under_its_heading(store: Path) -> None:
    code, out, err = summary(store, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert list(data) == list(HEADINGS)
    kinds = expected(store)
    where = {"eia": HEADINGS[0], "accessibility": HEADINGS[0], "dpia": HEADINGS[1]}
    where["environmental"] = HEADINGS[2]
    for kind, found in kinds.items():
        text = data[where[kind]]
        for component, version, status in found:
            assert component in text, (kind, component)
            assert f"version {version}" in text, (kind, component, version)
            if status == "approved":
                assert "was approved" in text
    assert len(data[HEADINGS[1]].split("\n\n")) == len(kinds["dpia"])
    assert "the EIA" in data[HEADINGS[0]] and "accessibility assessment" in data[HEADINGS[0]]
    assert "version 1 was approved" in data[HEADINGS[0]]  # the EIA's draft v2 says so
    assert "prior consultation with the ICO is not needed" in data[HEADINGS[1]]
    assert "Evidence has expired" in data[HEADINGS[2]]


def test_the_plain_summary_has_the_three_headings(store: Path) -> None:
    code, out, err = summary(store)
    assert code == 0, err
    for heading in HEADINGS:
        assert f"\n{heading}\n{'-' * len(heading)}\n" in out
    assert "Command and Control replacement" in out.splitlines()[0]


def test_an_unknown_programme_is_one_line_and_exit_2(store: Path) -> None:
    code, out, err = summary(store, "--programme", "nope")
    assert code == 2 and out == ""
    assert "no programme 'nope'" in err and "cc-replacement" in err
    assert len(err.strip().splitlines()) == 1


def test_a_residual_high_risk_asks_for_prior_consultation(store: Path) -> None:
    context = build_context(AppPaths(store.parent / "data", store), today=lambda: TODAY)
    try:
        dpia = next(
            s for s in context.assessments.list_summaries("dpia") if s.status == "in_review"
        )
        context.assessments.transition(dpia.id, "withdraw")
        risk = Risk(
            ref="R99",
            title="Location history exposed to the supplier",
            likelihood="probable",
            severity="severe",
            effect="accepted",
        )
        context.assessments.put_risk(dpia.id, risk)
    finally:
        context.close()
    code, out, err = summary(store, "--json")
    assert code == 0, err
    privacy = json.loads(out)[HEADINGS[1]]
    lifex = next(p for p in privacy.split("\n\n") if dpia.component in p)
    assert "R99" in lifex and "the ICO must be consulted" in lifex and "a draft" in lifex
