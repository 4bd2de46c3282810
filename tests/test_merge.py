"""Three-way merge of assessment documents: properties and the cases people meet."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccassure.domain.document import AssessmentDocument, Attachment
from ccassure.domain.merge import MergeError, apply, plan_merge

HEADER: dict[str, Any] = {
    "uid": "u-1",
    "kind": "dpia",
    "title": "DPIA: call handling",
    "template_id": "dpia-ico",
    "template_version": 1,
    "status": "draft",
    "version": 1,
    "owner": "IAO",
    "created_on": "2026-01-05",
    "summary": "",
    "programme": {"key": "cc", "name": "C&C"},
    "component": {"key": "core", "name": "Core"},
}
ITEMS = ("s1.aims", "s1.scope", "s2.data", "s2.retention", "s3.risks")
RISKS = ("R1", "R2", "R3")
TEXT = st.sampled_from(["", "Yes", "No", "Partly", "999 calls", "ünïcode “quoted”"])


def document(**parts: Any) -> AssessmentDocument:
    data: dict[str, Any] = {"assessment": dict(HEADER)}
    for name, value in parts.items():
        if name in HEADER:
            data["assessment"][name] = value
        else:
            data[name] = value
    return AssessmentDocument.model_validate(data)


def response(item: str, value: str = "", comment: str = "") -> dict[str, Any]:
    return {"item": item, "value": value, "comment": comment, "evidence": []}


def risk(ref: str, likelihood: str = "possible", measures: str = "") -> dict[str, Any]:
    return {
        "ref": ref,
        "title": f"Risk {ref}",
        "likelihood": likelihood,
        "severity": "severe",
        "measures": measures,
    }


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """A document's parts as plain data: answers, risks and two header fields."""
    items = draw(st.lists(st.sampled_from(ITEMS), unique=True))
    refs = draw(st.lists(st.sampled_from(RISKS), unique=True))
    return {
        "title": draw(st.sampled_from(["DPIA: call handling", "DPIA v2", "Call handling"])),
        "summary": draw(TEXT),
        "responses": [response(i, draw(TEXT), draw(TEXT)) for i in items],
        "risks": [risk(r, draw(st.sampled_from(["remote", "possible"])), draw(TEXT)) for r in refs],
    }


@settings(max_examples=300)
@given(documents(), documents())
def test_only_remote_changed_gives_remote(base: dict[str, Any], remote: dict[str, Any]) -> None:
    b, r = document(**base), document(**remote)
    plan = plan_merge(b, b, r)
    assert not plan.conflicts
    assert apply(plan, {}) == r


@settings(max_examples=300)
@given(documents(), documents())
def test_only_local_changed_gives_local(base: dict[str, Any], local: dict[str, Any]) -> None:
    b, mine = document(**base), document(**local)
    plan = plan_merge(b, mine, b)
    assert not plan.conflicts and not plan.incoming
    assert apply(plan, {}) == mine


@st.composite
def disjoint_edits(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A base, and local and remote that each change answers of their own items only."""
    base = draw(documents())
    mine_items = draw(st.sets(st.sampled_from(ITEMS)))
    local, remote = copy.deepcopy(base), copy.deepcopy(base)
    for side, owned in ((local, mine_items), (remote, set(ITEMS) - mine_items)):
        answers = {r["item"]: r for r in side["responses"]}
        for item in sorted(owned):
            if draw(st.booleans()):
                answers[item] = response(item, draw(TEXT), draw(TEXT))
            elif draw(st.booleans()):
                answers.pop(item, None)
        side["responses"] = list(answers.values())
    if draw(st.booleans()):
        local["title"] = "Changed here"
    else:
        remote["title"] = "Changed there"
    return base, local, remote


@settings(max_examples=300)
@given(disjoint_edits())
def test_disjoint_changes_never_conflict(
    edits: tuple[dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    base, local, remote = (document(**e) for e in edits)
    plan = plan_merge(base, local, remote)
    assert not plan.conflicts
    merged = apply(plan, {})
    answers = {r.item: r for r in merged.responses}
    for side in (local, remote):  # each side's own changes survive
        for item in ITEMS:
            own = {r.item: r for r in side.responses}.get(item)
            was = {r.item: r for r in base.responses}.get(item)
            if own != was:
                assert answers.get(item) == own


@settings(max_examples=300)
@given(documents(), documents(), documents())
def test_nothing_local_is_overwritten_silently(
    base: dict[str, Any], local: dict[str, Any], remote: dict[str, Any]
) -> None:
    """Every field changed here keeps its value when each conflict is resolved as mine."""
    b, mine, theirs = document(**base), document(**local), document(**remote)
    plan = plan_merge(b, mine, theirs)
    merged = apply(plan, dict.fromkeys((c.key for c in plan.conflicts), "mine"))
    was = {r.item: r.model_dump() for r in b.responses}
    kept = {r.item: r.model_dump() for r in merged.responses}
    for own in mine.responses:
        before = was.get(own.item)
        for name, value in own.model_dump().items():
            if before is None or before[name] != value:
                assert kept[own.item][name] == value
    if mine.assessment.title != b.assessment.title:
        assert merged.assessment.title == mine.assessment.title


def test_conflict_lists_base_local_and_remote_and_needs_a_choice() -> None:
    base = document(responses=[response("s1.aims", "Take calls")])
    local = document(responses=[response("s1.aims", "Take 999 calls")])
    remote = document(responses=[response("s1.aims", "Take 101 calls", "Say which lines")])
    plan = plan_merge(base, local, remote)
    (conflict,) = plan.conflicts
    assert (conflict.key, conflict.label) == (
        "responses[s1.aims].value",
        "Answer to s1.aims: answer",
    )
    assert (conflict.base, conflict.local, conflict.remote) == (
        "Take calls",
        "Take 999 calls",
        "Take 101 calls",
    )
    (comment,) = plan.incoming
    assert comment.key == "responses[s1.aims].comment"
    assert plan.comments_to_add == ("Say which lines",)
    with pytest.raises(MergeError, match="1 conflict"):
        apply(plan, {})
    with pytest.raises(MergeError, match="not one of the conflicts"):
        apply(plan, {conflict.key: "mine", "risks[R9].title": "theirs"})
    mine = apply(plan, {conflict.key: "mine"})
    theirs = apply(plan, {conflict.key: "theirs"})
    assert mine.responses[0].value == "Take 999 calls"
    assert theirs.responses[0].value == "Take 101 calls"
    assert mine.responses[0].comment == theirs.responses[0].comment == "Say which lines"


def test_items_are_matched_by_key_not_position() -> None:
    base = document(risks=[risk("R1"), risk("R2")])
    local = document(risks=[risk("R2"), risk("R1", measures="Encrypt")])  # reordered + edited
    remote = document(risks=[risk("R1"), risk("R2", likelihood="remote"), risk("R3")])
    plan = plan_merge(base, local, remote)
    assert not plan.conflicts
    merged = apply(plan, {})
    assert [r.ref for r in merged.risks] == ["R2", "R1", "R3"]
    by_ref = {r.ref: r for r in merged.risks}
    assert by_ref["R1"].measures == "Encrypt"
    assert by_ref["R2"].likelihood == "remote"
    assert {c.key: c.outcome for c in plan.changes}["risks[R3]"] == "take_remote"


def test_removed_there_but_changed_here_is_a_conflict() -> None:
    base = document(risks=[risk("R1")])
    local = document(risks=[risk("R1", measures="Encrypt")])
    remote = document(risks=[])
    (conflict,) = plan_merge(base, local, remote).conflicts
    assert (conflict.key, conflict.field, conflict.remote) == ("risks[R1]", "", None)
    assert apply(plan_merge(base, local, remote), {"risks[R1]": "theirs"}).risks == ()


def test_signoffs_arrive_and_attachments_are_whole_items() -> None:
    shot = Attachment.of("shot.png", "image/png", b"\x89PNG").model_dump(mode="json")
    signoff = {
        "role": "dpo-advice-provided",
        "name": "Dana DPO",
        "signed_on": "2026-02-01",
        "decision": "advice_given",
        "notes": "Proceed once M3 is in place.",
        "content_hash": "a" * 64,
    }
    base = document()
    remote = document(attachments=[shot], signoffs=[signoff])
    plan = plan_merge(base, base, remote)
    assert [c.key for c in plan.incoming] == [f"attachments[shot.png@{shot['sha256'][:16]}]"]
    assert plan.comments_to_add == ("Proceed once M3 is in place.",)
    merged = apply(plan, {})
    assert merged == remote
    assert not plan_merge(remote, merged, remote).changes_anything


def test_different_versions_do_not_merge() -> None:
    with pytest.raises(MergeError, match="version 2"):
        plan_merge(document(), document(), document(version=2))


@settings(max_examples=200)
@given(documents(), documents())
def test_without_a_base_every_difference_is_a_conflict(
    local: dict[str, Any], remote: dict[str, Any]
) -> None:
    mine, theirs = document(**local), document(**remote)
    plan = plan_merge(None, mine, theirs)
    assert all(c.outcome == "conflict" for c in plan.changes)
    assert apply(plan, dict.fromkeys((c.key for c in plan.conflicts), "mine")) == mine
    taken = apply(plan, dict.fromkeys((c.key for c in plan.conflicts), "theirs"))
    assert sorted(taken.risks, key=lambda r: r.ref) == sorted(theirs.risks, key=lambda r: r.ref)
    assert taken.model_copy(update={"risks": theirs.risks}) == theirs  # order: mine first
