"""Nothing a person wrote is left out of a report: every free-text field of every demo kind."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ccassure.domain.document import AssessmentDocument
from ccassure.reports.html import render_html
from ccassure.services.context import Context
from tests.test_actions import open_copy
from tests.test_report_content import build, texts

FREE_TEXT = {
    "title",
    "summary",
    "owner",
    "description",
    "supplier",
    "comment",
    "evidence",
    "rationale",
    "mitigation",
    "notes",
    "steps",
    "expected",
    "actual",
    "browser",
    "os",
    "status_reason",
    "url",
    "tester",
    "assistive_tech",
    "at_version",
    "screen",
    "product",
    "release",
    "position",
    "prompt",
    "guidance",
    "measures",
    "consequences",
    "source_of_risk",
    "owner_name",
}
SKIPPED_PARTS = {"attachments", "occurrences", "links", "format", "sealed_hash"}


@pytest.fixture(scope="module")
def demo(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    context = open_copy(demo_store, tmp_path_factory.mktemp("complete"))
    yield context
    context.close()


def tagged(data: Any, counter: Iterator[int], tokens: dict[str, str], where: str = "") -> Any:
    """The same data with each non-empty free-text field replaced by a unique token."""
    if isinstance(data, dict):
        result = {}
        for key, value in data.items():
            if key in SKIPPED_PARTS:
                result[key] = value
            elif key in FREE_TEXT and isinstance(value, str) and value:
                token = f"Tok{next(counter):05d}x"
                tokens[token] = f"{where}.{key}"
                result[key] = token
            else:
                result[key] = tagged(value, counter, tokens, f"{where}.{key}")
        return result
    if isinstance(data, list):
        return [tagged(v, counter, tokens, f"{where}[{i}]") for i, v in enumerate(data)]
    return data


@pytest.mark.parametrize("kind", ["dpia", "eia", "accessibility", "environmental"])
def test_every_free_text_field_reaches_the_report(demo: Context, kind: str) -> None:
    summary = next(s for s in demo.assessments.list_summaries(kind) if s.status != "approved")
    original = demo.assessments.document(summary.id)
    template = demo.assessments.template_for(original)
    tokens: dict[str, str] = {}
    data = tagged(original.to_data(), itertools.count(), tokens)
    document = AssessmentDocument.model_validate(data)
    report = build(document, template)
    cover = [report.title, *(value for pair in report.cover for value in pair)]
    shown = "\n".join([*texts(report), *cover])
    missing = sorted(where for token, where in tokens.items() if token not in shown)
    assert len(tokens) > 20
    assert missing == []
    html = render_html(report)
    assert [where for token, where in tokens.items() if token not in html] == []
