"""Packages meeting the workflow: sealed versions, version n+1, and sealing by a merge."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ccassure.domain.decisions import Decision
from ccassure.domain.document import Response, content_hash
from ccassure.services.context import Context
from ccassure.services.errors import ServiceError
from ccassure.services.identities import IdentityView
from tests.conftest import run_cli
from tests.keyrings import MemoryKeyring
from tests.package_helpers import Pair, laptop, no_ask, person, store_bytes, trust, two_laptops
from tests.signoff_helpers import in_review

OFFICER_SIDE: dict[str, tuple[str, Decision, str]] = {
    # role: (who on the officer's laptop, decision, comments)
    "measures-approved": ("sro", "approved_with_conditions", "M3 before go-live."),
    "residual-risks-approved": ("siro", "approved", ""),
    "dpo-advice-decision": ("sro", "accepted", ""),
    "consultation-reviewed": ("siro", "noted", ""),
}
DPO_SIDE: dict[str, tuple[Decision, str]] = {
    "dpo-advice-provided": ("advice_given", "Proceed once M3 is in place."),
    "dpo-advice-summary": ("advice_given", "Proceed; M3 first."),
    "review-owner": ("noted", ""),
}


@pytest.fixture
def pair(tmp_path: Path, memory_keyring: MemoryKeyring) -> Iterator[Pair]:
    with two_laptops(tmp_path) as both:
        both.trust_each_other()
        yield both


def sign(
    context: Context, assessment: int, role: str, decision: Decision, who: str, comments: str = ""
) -> str:
    comments = (
        comments or OFFICER_SIDE.get(role, ("", decision, ""))[2] or DPO_SIDE.get(role, ("", ""))[1]
    )
    return context.signoffs.sign_off(assessment, role, decision, comments, who, no_ask).status


def colleagues(officer: Context) -> dict[str, IdentityView]:
    """The SRO and SIRO sign on the officer's laptop; a deputy DPO there too, for sealing alone."""
    return {
        "sro": person(officer, "Sam SRO", "Senior Responsible Owner"),
        "siro": person(officer, "Sid SIRO", "Senior Information Risk Owner"),
        "deputy": person(officer, "Dee Deputy", "Deputy DPO"),
    }


def send(sender: Context, assessment: int, who: IdentityView, path: Path) -> Path:
    sender.packages.pack(assessment, path, identity=who.fingerprint, ask=no_ask)
    return path


def sealed_alone(officer: Context, assessment: int, people: dict[str, IdentityView]) -> None:
    """Every required role signed on the officer's laptop: the version is approved and sealed."""
    for role, (who, decision, _) in OFFICER_SIDE.items():
        sign(officer, assessment, role, decision, people[who].fingerprint)
    for role, (decision, _) in DPO_SIDE.items():
        status = sign(officer, assessment, role, decision, people["deputy"].fingerprint)
    assert status == "approved"


def check_passes(context: Context) -> None:
    checked = run_cli("--store", str(context.store.path), "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_signoffs_from_both_laptops_complete_the_roles_and_seal_the_version(pair: Pair) -> None:
    officer, dpo = pair.officer, pair.dpo
    people = colleagues(officer)
    assessment = in_review(officer)
    there = dpo.packages.unpack(send(officer, assessment, pair.officer_id, pair.folder / "a.pk"))
    for role, (who, decision, _) in OFFICER_SIDE.items():
        assert sign(officer, assessment, role, decision, people[who].fingerprint) == "in_review"
    for role, (decision, _) in DPO_SIDE.items():
        sign(dpo, there.assessment_id, role, decision, pair.dpo_id.fingerprint)
    back = send(dpo, there.assessment_id, pair.dpo_id, pair.folder / "back.pk")

    preview = officer.packages.inspect(back)
    assert preview.plan is not None and not preview.conflicts
    assert sorted(s.role for s in preview.signoffs) == sorted(DPO_SIDE)
    merged = officer.packages.unpack(back)
    assert (merged.status, merged.signoffs_added) == ("approved", 3)
    document = officer.assessments.document(assessment)
    assert document.assessment.status == "approved"
    assert document.sealed_hash == content_hash(document)
    views = officer.signoffs.views(assessment)
    assert sorted(v.role for v in views) == sorted([*OFFICER_SIDE, *DPO_SIDE])
    assert {v.state for v in views} == {"valid"}
    assert officer.signoffs.still_needed(assessment) == []
    check_passes(officer)
    with pytest.raises(ServiceError, match="approved"):
        officer.assessments.set_response(assessment, Response(item="screen.conclusion", value="x"))

    # the sealed version goes back: the DPO's copy takes the officer's side's sign-offs and seal
    home = send(officer, assessment, pair.officer_id, pair.folder / "sealed.pk")
    for colleague in people.values():
        trust(dpo, officer, colleague.fingerprint, pair.folder)
    assert dpo.packages.unpack(home).status == "approved"
    copy = dpo.assessments.document(there.assessment_id)
    assert (copy.sealed_hash, content_hash(copy)) == (document.sealed_hash, document.sealed_hash)
    assert set(copy.signoffs) == set(document.signoffs)  # each side's own first, then the other's
    assert {v.state for v in dpo.signoffs.views(there.assessment_id)} == {"valid"}
    check_passes(dpo)


def test_a_sealed_version_takes_only_new_valid_signoffs(pair: Pair) -> None:
    officer, dpo = pair.officer, pair.dpo
    people = colleagues(officer)
    assessment = in_review(officer)
    there = dpo.packages.unpack(send(officer, assessment, pair.officer_id, pair.folder / "a.pk"))
    sealed_alone(officer, assessment, people)
    sealed = officer.assessments.document(assessment)

    sign(dpo, there.assessment_id, "review-owner", "noted", pair.dpo_id.fingerprint)
    back = send(dpo, there.assessment_id, pair.dpo_id, pair.folder / "back.pk")
    merged = officer.packages.unpack(back)
    assert (merged.status, merged.signoffs_added, merged.changes_taken) == ("approved", 1, 0)
    now = officer.assessments.document(assessment)
    assert now.model_copy(update={"signoffs": sealed.signoffs}) == sealed  # nothing else changed
    assert now.signoffs[: len(sealed.signoffs)] == sealed.signoffs
    assert [s.name for s in now.signoffs[len(sealed.signoffs) :]] == ["Dana DPO"]
    assert {v.state for v in officer.signoffs.views(assessment)} == {"valid"}
    check_passes(officer)


def test_a_sealed_version_refuses_a_signoff_not_valid_here_and_changes_nothing(
    pair: Pair,
) -> None:
    officer, dpo = pair.officer, pair.dpo
    assessment = in_review(officer)
    there = dpo.packages.unpack(send(officer, assessment, pair.officer_id, pair.folder / "a.pk"))
    sealed_alone(officer, assessment, colleagues(officer))
    stranger = person(dpo, "Stan Stranger", "Records manager")  # unknown on the officer's laptop
    sign(dpo, there.assessment_id, "review-owner", "noted", stranger.fingerprint)
    back = send(dpo, there.assessment_id, pair.dpo_id, pair.folder / "back.pk")
    before = store_bytes(officer)
    with pytest.raises(ServiceError) as caught:
        officer.packages.unpack(back)
    message = str(caught.value)
    assert "\n" not in message
    assert "Stan Stranger" in message and "sealed" in message
    assert "not known in this store" in message and "nothing was changed" in message
    assert store_bytes(officer) == before
    assert not list(officer.store.path.parent.glob("*before-unpack*"))


def test_a_sealed_version_refuses_any_other_change_and_changes_nothing(pair: Pair) -> None:
    officer, dpo = pair.officer, pair.dpo
    assessment = in_review(officer)
    there = dpo.packages.unpack(send(officer, assessment, pair.officer_id, pair.folder / "a.pk"))
    sealed_alone(officer, assessment, colleagues(officer))
    sign(
        dpo, there.assessment_id, "consultation-reviewed", "rejected", pair.dpo_id.fingerprint,
        "Answer the consultation first.",
    )  # fmt: skip
    dpo.assessments.set_response(
        there.assessment_id, Response(item="screen.conclusion", value="Not needed after all")
    )
    back = send(dpo, there.assessment_id, pair.dpo_id, pair.folder / "back.pk")
    before = store_bytes(officer)
    with pytest.raises(ServiceError) as caught:
        officer.packages.inspect(back)
    message = str(caught.value)
    assert "\n" not in message
    assert "approved and sealed" in message and "new version" in message
    assert "Assessment details: status, and 1 more" in message
    with pytest.raises(ServiceError, match="approved and sealed"):
        officer.packages.unpack(back)
    assert store_bytes(officer) == before


def test_a_package_joins_as_the_next_version_after_an_approved_one(pair: Pair) -> None:
    officer, dpo = pair.officer, pair.dpo
    people = colleagues(officer)
    assessment = in_review(officer)
    early = send(officer, assessment, pair.officer_id, pair.folder / "early.pk")
    sealed_alone(officer, assessment, people)
    v1 = officer.assessments.document(assessment)
    sent = send(officer, assessment, pair.officer_id, pair.folder / "v1.pk")
    before = store_bytes(dpo)
    with pytest.raises(ServiceError, match=r"Sam SRO .* is not trusted here"):
        dpo.packages.unpack(sent)  # sign-offs by people the DPO has not trusted
    assert store_bytes(dpo) == before
    for who in people.values():
        trust(dpo, officer, who.fingerprint, pair.folder)
    copy = dpo.packages.unpack(sent)
    assert copy.created and copy.status == "approved"

    draft = dpo.assessments.start_new_version(copy.assessment_id)
    dpo.assessments.set_response(
        draft, Response(item="screen.conclusion", value="Revised: witnesses added")
    )
    v2 = send(dpo, draft, pair.dpo_id, pair.folder / "v2.pk")
    preview = officer.packages.inspect(v2)
    assert preview.is_new and preview.joins
    assert "a new version of an assessment here" in preview.message()
    joined = officer.packages.unpack(v2)
    assert joined.created and joined.status == "draft"
    versions = officer.signoffs.history(joined.assessment_id)
    assert [(v.version, v.status, v.signoffs) for v in versions] == [
        (1, "approved", 7),
        (2, "draft", 0),
    ]
    assert officer.assessments.document(assessment) == v1  # the sealed version is untouched
    second = officer.assessments.document(joined.assessment_id)
    assert second.assessment.uid == v1.assessment.uid
    assert {r.item: r.value for r in second.responses}["screen.conclusion"] == (
        "Revised: witnesses added"
    )
    check_passes(officer)

    # the officer edits version 2 and sends it back: it merges into the DPO's version 2
    officer.assessments.update_header(joined.assessment_id, summary="Officer: agreed")
    reply = send(officer, joined.assessment_id, pair.officer_id, pair.folder / "v2-back.pk")
    plan = dpo.packages.inspect(reply)
    assert plan.base_known and not plan.conflicts and not plan.is_new
    assert dpo.packages.unpack(reply).assessment_id == draft
    assert dpo.assessments.document(draft).assessment.summary == "Officer: agreed"

    # a laptop holding version 1 still in review cannot take version 2
    auditor = laptop(pair.folder / "auditor")
    try:
        trust(auditor, officer, pair.officer_id.fingerprint, pair.folder)
        trust(auditor, dpo, pair.dpo_id.fingerprint, pair.folder)
        assert auditor.packages.unpack(early).status == "in_review"
        before = store_bytes(auditor)
        with pytest.raises(ServiceError) as caught:
            auditor.packages.unpack(v2)
        message = str(caught.value)
        assert "version 1 (in review)" in message and "\n" not in message
        assert store_bytes(auditor) == before
    finally:
        auditor.close()
