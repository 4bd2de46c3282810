"""Canonical JSON and the content hash: stable, order-free, and sensitive to every change."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccassure.domain.document import (
    AssessmentDocument,
    Attachment,
    DocumentError,
    canonical_json,
    content_hash,
    parse_document,
)

BASE: dict[str, Any] = {
    "format": "ccassure.assessment",
    "format_version": 1,
    "assessment": {
        "id": 7,
        "uid": "u-1",
        "kind": "dpia",
        "title": "DPIA: call handling",
        "template_id": "dpia-ico",
        "template_version": 1,
        "status": "draft",
        "version": 2,
        "owner": "IAO",
        "marking": "OFFICIAL-SENSITIVE",
        "review_due": "2027-03-31",
        "created_on": "2026-01-05",
        "summary": "Caller data – “quoted” ünïcode",
        "programme": {"key": "cc", "name": "C&C"},
        "component": {"key": "core", "name": "Core", "supplier": "Leidos"},
    },
    "responses": [
        {"item": "s1.aims", "value": "Take 999 calls", "comment": "", "evidence": ["doc-1"]}
    ],
    "risks": [
        {
            "ref": "R1",
            "title": "Over-retention",
            "likelihood": "possible",
            "severity": "severe",
            "measure_approved": True,
        }
    ],
    "actions": [{"ref": "A1", "description": "Set retention", "due": "2026-12-31"}],
    "impacts": [{"characteristic": "disability", "effect": "negative", "rationale": "Relay"}],
    "issues": [
        {
            "ref": "I1",
            "title": "No label",
            "criteria": ["1.3.1", "4.1.2"],
            "severity": "serious",
            "screen": "Incident form",
            "found_on": "2026-02-01",
            "retests": [{"tested_on": "2026-03-01", "outcome": "failed", "notes": "Still silent"}],
        }
    ],
    "evaluations": [
        {
            "criterion": "2.1.1",
            "sample": "Map view",
            "outcome": "failed",
            "notes": "Pins unreachable",
        }
    ],
    "attachments": [
        {
            "name": "flow.txt",
            "media_type": "text/plain",
            "sha256": "559aead08264d5795d3909718cdd05abd49572e84fe55590eef31a88a08fdffd",
            "size": 1,
            "data_base64": "QQ==",
        }
    ],
}


def document(data: dict[str, Any] | None = None) -> AssessmentDocument:
    return AssessmentDocument.model_validate(data or BASE)


def shuffled(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        return [shuffled(v, rng) for v in value]
    return value


def test_hash_is_independent_of_key_order() -> None:
    expected = content_hash(document())
    for seed in range(20):
        text = json.dumps(shuffled(BASE, random.Random(seed)))
        assert content_hash(parse_document(text, "test")) == expected


def test_hash_is_stable_across_processes() -> None:
    script = (
        "import json,sys; from ccassure.domain.document import *; "
        "print(content_hash(AssessmentDocument.model_validate(json.loads(sys.stdin.read()))))"
    )
    hashes = {
        subprocess.run(
            [sys.executable, "-c", script],
            input=json.dumps(BASE),
            text=True,
            capture_output=True,
            check=True,
            env={"PYTHONHASHSEED": str(seed)},
        ).stdout.strip()
        for seed in (1, 2, 3)
    }
    assert hashes == {content_hash(document())}


def test_identity_status_and_signoffs_are_outside_the_hash() -> None:
    other = json.loads(json.dumps(BASE))
    other["assessment"].update(id=99, uid="u-2", status="in_review")
    assert content_hash(document(other)) == content_hash(document())


def _text_paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _text_paths(v, (*prefix, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _text_paths(v, (*prefix, i))]
    return [prefix] if isinstance(value, str) else []


CONSTRAINED = {
    "data_base64",
    "sha256",
    "media_type",
    "criterion",
    "criteria",
    "screenshots",
    "effect",
    "characteristic",
    "outcome",
    "tested_on",
    "found_on",
    "source",
    "id",
    "uid",
    "status",
    "format",
    "kind",
    "template_id",
    "marking",
    "likelihood",
    "severity",
    "key",
    "item",
    "review_due",
    "created_on",
    "due",
}
STRING_FIELDS = [p for p in _text_paths(BASE) if not CONSTRAINED & set(p)]


@settings(max_examples=60, deadline=None)
@given(field=st.sampled_from(STRING_FIELDS), extra=st.text(min_size=1, max_size=20))
def test_any_content_change_changes_the_hash(field: tuple[Any, ...], extra: str) -> None:
    changed = json.loads(json.dumps(BASE))
    target = changed
    for part in field[:-1]:
        target = target[part]
    target[field[-1]] = str(target[field[-1]]) + extra
    assert content_hash(document(changed)) != content_hash(document())


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("assessment", "version"), 3),
        (("assessment", "review_due"), "2027-04-01"),
        (("risks", 0, "measure_approved"), False),
        (("risks", 0, "severity"), "minimal"),
        (("assessment", "marking"), "OFFICIAL"),
        (("issues", 0, "retests", 0, "outcome"), "passed"),
        (("issues", 0, "severity"), "minor"),
        (("issues", 0, "found_on"), "2026-02-02"),
        (("evaluations", 0, "outcome"), "passed"),
        (("impacts", 0, "effect"), "positive"),
        (("attachments", 0, "media_type"), "text/csv"),
    ],
)
def test_non_text_changes_change_the_hash(path: tuple[Any, ...], value: Any) -> None:
    changed = json.loads(json.dumps(BASE))
    target = changed
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    assert content_hash(document(changed)) != content_hash(document())


def test_canonical_json_is_sorted_utf8_and_refuses_floats() -> None:
    assert canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'.encode()
    with pytest.raises(DocumentError, match="floats"):
        canonical_json({"score": 0.5})


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "not a JSON document"),
        ("[1, 2]", "not a ccassure assessment document"),
        ('{"format": "other"}', "not a ccassure assessment document"),
        (json.dumps({**BASE, "risks": [{"ref": "R1"}]}), "risks.0.title"),
        (json.dumps({**BASE, "unexpected": 1}), "unexpected"),
        (b"\xff\xfe\x00garbage", "not a JSON document"),
    ],
)
def test_bad_documents_get_one_clear_message(text: str | bytes, reason: str) -> None:
    with pytest.raises(DocumentError, match=reason) as caught:
        parse_document(text, "in.json")
    assert "\n" not in str(caught.value) and str(caught.value).startswith("in.json")


def test_attachment_must_match_its_hash() -> None:
    good = Attachment.of("diagram.png", "image/png", b"\x89PNG data")
    assert good.data() == b"\x89PNG data"
    with pytest.raises(ValueError, match="does not match"):
        Attachment.model_validate({**good.model_dump(), "size": 3})
