"""Custom items, evidence links and sections that apply only to some assessments (Part 3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ccassure.domain.checklist import CUSTOM_TITLE, checklist_for
from ccassure.domain.completeness import completeness
from ccassure.domain.document import CustomItem, Response, content_hash, parse_document
from ccassure.domain.templates import TemplateError, TemplateSet, parse_template
from ccassure.services.context import Context
from ccassure.services.errors import ServiceError
from tests.conftest import CORE, PROGRAMME

PART3 = "part3"


def _part3_required(templates: TemplateSet) -> set[str]:
    dpia = templates.get("dpia-ico")
    assert dpia is not None
    section = next(s for s in dpia.sections if s.key == PART3)
    return {item.key for item in section.items if item.required}


@pytest.mark.parametrize(
    ("regime", "applies"), [("", False), ("uk-gdpr", False), ("part3", True), ("both", True)]
)
def test_the_part3_section_is_required_only_for_law_enforcement_processing(
    context: Context, regime: str, applies: bool
) -> None:
    service = context.assessments
    dpia = service.create("dpia", "DPIA", PROGRAMME, CORE)
    if regime:
        service.set_response(dpia, Response(item="step1.regime", value=regime))
    state = service.completeness(dpia)
    part3 = next(s for s in state.sections if s.key == PART3)
    required = _part3_required(context.templates)
    assert part3.applies is applies
    assert set(part3.missing) == (required if applies else set())
    assert bool(required & set(state.missing)) is applies


def test_a_condition_on_a_missing_or_open_item_is_refused() -> None:
    base = """
id = "t"
kind = "eia"
version = 1
title = "T"
signoff_roles = [{ key = "owner", label = "Owner" }]
[[sections]]
key = "a"
title = "A"
items = [{ key = "a.q", prompt = "Q", answer = "text", required = true, reference = "r" }]
[[sections]]
key = "b"
title = "B"
applies_when = { item = "ITEM", values = ["yes"] }
items = [{ key = "b.q", prompt = "Q", answer = "text", required = true, reference = "r" }]
"""
    for item in ("nowhere", "a.q", "b.q"):
        with pytest.raises(TemplateError, match="applies_when"):
            parse_template(base.replace("ITEM", item), "t.toml")


def test_custom_items_join_the_checklist_and_count_towards_completeness(
    context: Context,
) -> None:
    service = context.assessments
    eia = service.create("eia", "EIA", PROGRAMME, CORE)
    before = service.completeness(eia)
    mine = CustomItem(
        key="custom.bwv", section="custom", prompt="Body-worn video checked?", required=True
    )
    service.put_custom_item(eia, mine)
    inside = CustomItem(key="custom.x", section="aims", prompt="Local aim", answer="yes_no_partly")
    service.put_custom_item(eia, inside)
    document = service.document(eia)
    assert document.custom_items == (mine, inside)
    checklist = checklist_for(service.template_for(document), document.custom_items)
    assert checklist.sections[-1].title == CUSTOM_TITLE
    aims = next(s for s in checklist.sections if s.key == "aims")
    assert aims.items[-1].key == "custom.x"
    after = service.completeness(eia)
    assert after.required == before.required + 1
    assert "custom.bwv" in after.missing
    service.set_response(eia, Response(item="custom.bwv", value="Yes, in every custody suite"))
    with pytest.raises(ServiceError, match=r"custom\.x must be one of"):
        service.set_response(eia, Response(item="custom.x", value="maybe"))
    assert "custom.bwv" not in service.completeness(eia).missing
    service.remove_custom_item(eia, "custom.bwv")
    document = service.document(eia)
    assert [c.key for c in document.custom_items] == ["custom.x"]
    assert all(r.item != "custom.bwv" for r in document.responses)
    assert completeness(service.template_for(document), document).required == before.required


def test_a_custom_item_may_not_reuse_a_key_or_invent_a_section(context: Context) -> None:
    service = context.assessments
    eia = service.create("eia", "EIA", PROGRAMME, CORE)
    service.put_custom_item(eia, CustomItem(key="custom.a", section="custom", prompt="A"))
    with pytest.raises(ServiceError, match="no section"):
        service.put_custom_item(eia, CustomItem(key="custom.b", section="nowhere", prompt="B"))
    with pytest.raises(ValueError, match="custom"):
        CustomItem(key="aims.relevance", section="custom", prompt="A")


def test_custom_items_and_evidence_survive_export_and_import(context: Context) -> None:
    service = context.assessments
    dpia = service.create("dpia", "DPIA", PROGRAMME, CORE)
    service.put_custom_item(dpia, CustomItem(key="custom.cctv", section="step2", prompt="CCTV?"))
    evidence = ("https://intranet.example/dpia/annex-a", "annex-b.pdf")
    service.set_response(dpia, Response(item="custom.cctv", value="No", evidence=evidence))
    document = service.document(dpia)
    text = json.dumps(document.to_data())
    again = parse_document(text, "export.json")
    assert again == document
    assert next(r for r in again.responses if r.item == "custom.cctv").evidence == evidence
    copy = service.add_document(
        again.model_copy(
            update={"assessment": again.assessment.model_copy(update={"id": None, "uid": None})}
        ),
        "another-uid",
        1,
    )
    assert service.document(copy).custom_items == document.custom_items


def test_seals_made_before_custom_items_existed_still_match(context: Context) -> None:
    from ccassure.services.demo import build_demo
    from ccassure.services.paths import builtin_resources

    build_demo(context.assessments, builtin_resources())
    sealed = [
        context.assessments.document(s.id)
        for s in context.assessments.list_summaries()
        if s.status == "approved"
    ]
    assert sealed
    for document in sealed:
        assert "custom_items" not in document.to_data()
        assert content_hash(document) == document.sealed_hash


def test_an_opened_copy_never_leaves_its_folder(tmp_path: Path) -> None:
    from ccassure.domain.document import Attachment
    from ccassure.services.files import clear_opened, opened_copy

    folder = tmp_path / "opened"
    for hostile in ("../../escape.txt", "..\\..\\escape.txt", "/etc/passwd", "..", ".hidden"):
        path = opened_copy(Attachment.of(hostile, "text/plain", b"data"), folder)
        assert folder in path.parents and path.read_bytes() == b"data"
    assert not (tmp_path / "escape.txt").exists()
    clear_opened(folder)
    assert not folder.exists()
