"""DPIA screening verdict from the ICO list and the WP248 criteria, as template data."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccassure.domain.screening import screening_verdict
from ccassure.domain.templates import Template, load_template

TEMPLATES = Path(__file__).resolve().parent.parent / "resources" / "templates"


@pytest.fixture(scope="module")
def dpia() -> Template:
    return load_template(TEMPLATES / "dpia.toml")


def keys(template: Template, kind: str) -> list[str]:
    return [item.key for _, item in template.items() if item.screening == kind]


def all_no(template: Template) -> dict[str, str]:
    return {item.key: "no" for _, item in template.items() if item.screening}


def test_the_template_marks_ten_ico_items_and_nine_wp248(dpia: Template) -> None:
    assert len(keys(dpia, "ico")) + len(keys(dpia, "ico_combined")) == 10
    assert len(keys(dpia, "ico_combined")) == 4
    assert len(keys(dpia, "wp248")) == 9


def test_verdicts(dpia: Template) -> None:
    answers = all_no(dpia)
    verdict = screening_verdict(dpia, answers)
    assert verdict is not None and verdict.required is False

    one_ico = {**answers, keys(dpia, "ico")[0]: "yes"}
    verdict = screening_verdict(dpia, one_ico)
    assert verdict is not None and verdict.required and "ICO list" in verdict.text()

    combined_alone = {**answers, keys(dpia, "ico_combined")[0]: "yes"}
    assert screening_verdict(dpia, combined_alone).required is False  # type: ignore[union-attr]
    combined = {**combined_alone, keys(dpia, "wp248")[0]: "yes"}
    assert screening_verdict(dpia, combined).required is True  # type: ignore[union-attr]

    two_wp248 = {**answers, **{k: "partly" for k in keys(dpia, "wp248")[:2]}}
    verdict = screening_verdict(dpia, two_wp248)
    assert verdict is not None and verdict.required and "2 WP248 criteria" in verdict.text()

    unfinished = dict(list(answers.items())[:5])
    assert screening_verdict(dpia, unfinished).required is None  # type: ignore[union-attr]


def test_not_a_dpia_template() -> None:
    eia = load_template(TEMPLATES / "eia.toml")
    assert screening_verdict(eia, {}) is None
