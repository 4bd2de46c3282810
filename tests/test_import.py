"""Import rules: a document arrives only in a state the workflow could have produced."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ccassure.domain.document import Attachment, DocumentError, parse_document, without_identity
from ccassure.domain.errors import CcassureError
from ccassure.services.context import Context, build_context
from ccassure.services.errors import ServiceError
from ccassure.services.paths import AppPaths
from ccassure.services.stores import check_store
from ccassure.services.transfer import document_json, import_document, read_document_file


@pytest.fixture
def demo(demo_store: Path, tmp_path: Path) -> Iterator[Context]:
    store = tmp_path / "demo.db"
    shutil.copy(demo_store, store)
    context = build_context(AppPaths(tmp_path / "data", store))
    yield context
    context.close()


def data_of(context: Context, kind: str, status: str) -> dict[str, Any]:
    found = next(
        s
        for s in context.assessments.list_summaries(all_versions=True)
        if s.kind == kind and s.status == status
    )
    return context.assessments.document(found.id).to_data()


def bring_in(context: Context, data: dict[str, Any]) -> int:
    return import_document(context.assessments, parse_document(json.dumps(data), "t")).id


def refused(context: Context, data: dict[str, Any], reason: str) -> None:
    before = context.assessments.list_summaries(all_versions=True)
    with pytest.raises(CcassureError, match=reason):
        bring_in(context, data)
    assert context.assessments.list_summaries(all_versions=True) == before


def test_approved_document_without_sign_offs_is_refused(demo: Context) -> None:
    data = data_of(demo, "dpia", "approved")
    data["signoffs"] = []
    refused(demo, data, "needs sign-off from")


def test_forged_next_version_cannot_join_without_the_workflow(demo: Context) -> None:
    data = data_of(demo, "dpia", "approved")
    data["assessment"]["version"] = 2
    data["risks"][0]["title"] = "Quietly changed"
    refused(demo, data, "altered after it was sealed")


def test_a_version_joins_only_after_an_approved_one_of_the_same_kind(demo: Context) -> None:
    eia = data_of(demo, "eia", "draft")  # v2 draft of the EIA
    eia["assessment"]["version"] = 3
    refused(demo, eia, "joins it only as the next version after an approved one")
    dpia = data_of(demo, "dpia", "approved")
    hijack = data_of(demo, "environmental", "draft")
    hijack["assessment"]["uid"] = dpia["assessment"]["uid"]
    hijack["assessment"]["version"] = 2
    refused(demo, hijack, "joins it only as the next version")


def test_in_review_document_must_be_complete(demo: Context) -> None:
    data = data_of(demo, "environmental", "draft")
    data["assessment"]["status"] = "in_review"
    refused(demo, data, "must answer every required item")


def test_the_real_next_version_joins(demo: Context, tmp_path: Path) -> None:
    dpia = data_of(demo, "dpia", "approved")
    new_id = demo.assessments.start_new_version(dpia["assessment"]["id"])
    v2 = demo.assessments.document(new_id).to_data()
    other = build_context(AppPaths(tmp_path / "o", tmp_path / "other.db"), mode="create")
    try:
        assert bring_in(other, dpia)
        result = import_document(other.assessments, parse_document(json.dumps(v2), "v2"))
        assert result.new_version_of_existing and result.version == 2
        copy = other.assessments.document(result.id).to_data()
        assert without_identity(copy) == without_identity(v2)
    finally:
        other.close()


def test_response_order_does_not_break_the_seal(demo: Context) -> None:
    data = data_of(demo, "dpia", "approved")
    data["responses"].reverse()
    new_id = bring_in(demo, data)
    assert demo.assessments.document(new_id).sealed_hash == data["sealed_hash"]
    assert check_store(demo.store.path, demo.templates).ok


def test_attachments_round_trip_byte_for_byte(demo: Context) -> None:
    data = data_of(demo, "environmental", "draft")
    blob = bytes(range(256)) * 40
    data["attachments"] = [
        Attachment.of("flow.bin", "application/octet-stream", blob).model_dump(mode="json")
    ]
    new_id = bring_in(demo, data)
    stored = demo.assessments.document(new_id)
    assert stored.attachments[0].data() == blob
    again = bring_in(demo, json.loads(document_json(stored)))
    assert demo.assessments.document(again).attachments == stored.attachments


def test_non_canonical_base64_is_refused(demo: Context) -> None:
    data = data_of(demo, "environmental", "draft")
    good = Attachment.of("a.txt", "text/plain", b"A").model_dump(mode="json")
    data["attachments"] = [{**good, "data_base64": "QR=="}]  # decodes to b"A" too
    refused(demo, data, "canonical base64")


def test_component_described_differently_is_refused(demo: Context) -> None:
    data = data_of(demo, "environmental", "draft")
    data["assessment"]["component"]["supplier"] = "Someone else"
    refused(demo, data, "described differently")


def test_parts_must_belong_to_the_kind(demo: Context) -> None:
    eia = data_of(demo, "eia", "draft")
    a11y = data_of(demo, "accessibility", "draft")
    eia["issues"] = a11y["issues"][:1]
    refused(demo, eia, "issues belong only to accessibility")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[" * 100_000, "nested too deeply|not a JSON document"),
        ('{"format": "ccassure.assessment", "format": "x"}', "appears twice"),
        (
            '{"format": "ccassure.assessment", "assessment": {"title": "\\ud800"}}',
            "not a JSON document",
        ),
    ],
)
def test_hostile_json(text: str, reason: str) -> None:
    with pytest.raises(DocumentError, match=reason):
        parse_document(text, "x.json")


def test_devices_and_pipes_are_not_documents(tmp_path: Path) -> None:
    with pytest.raises(ServiceError, match="not a regular file"):
        read_document_file(Path("/dev/zero"))
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ServiceError, match="not a regular file"):
        read_document_file(fifo)
