"""Sign-offs checked against what is really there: altered seals, imports, roles' decisions,
trust, separation of duties, deleted identities and certificates out of their validity."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ccassure.domain.document import parse_document
from ccassure.domain.report import Table
from ccassure.domain.signoff import STATE_TEXT, open_roles, roles_still_needed
from ccassure.domain.templates import TemplateError, parse_template
from ccassure.services.context import Context, build_context
from ccassure.services.errors import ServiceError
from ccassure.services.identities import NO_KEY
from ccassure.services.paths import AppPaths
from ccassure.services.report_export import SignWith
from ccassure.services.signoffs import SignoffService
from ccassure.services.transfer import document_json, import_document
from tests.conftest import ROOT
from tests.keyrings import MemoryKeyring
from tests.signoff_helpers import DPIA_PLAN, in_review, roles, signer
from tests.test_workflow import _signoffs


def no_passphrase(prompt: str) -> str:
    raise AssertionError(f"a key in the keyring needs no passphrase, yet it asked: {prompt}")


def states(context: Context, assessment_id: int) -> list[str]:
    return [v.state for v in context.signoffs.views(assessment_id)]


def sealed_eia(context: Context) -> tuple[int, str]:
    """An EIA signed by one person in all four roles, so sealed; and that person's fingerprint."""
    eia = in_review(context, "eia", "EIA for despatch")
    person = signer(context, "Łukasz Żółć", "Equality lead")
    for role in roles(context, eia):
        outcome = context.signoffs.sign_off(
            eia, role, "approved", "", person.fingerprint, no_passphrase
        )
    assert outcome.sealed
    return eia, person.fingerprint


# 1 -- the seal is checked against the content, not against itself


def test_a_sealed_version_altered_in_the_store_shows_no_sign_off_covering_it(
    context: Context, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    eia, fingerprint = sealed_eia(context)
    assert set(states(context, eia)) == {"valid"}
    with sqlite3.connect(context.store.path) as db:
        changed = db.execute(
            "UPDATE response SET value = 'Changed behind the app' "
            "WHERE assessment_id = ? AND item = 'screening.aims'",
            (eia,),
        ).rowcount
    assert changed == 1
    assert states(context, eia) == ["altered"] * 4
    assert STATE_TEXT["altered"] == "The sealed content has changed since this sign-off"
    report = context.reports.report(eia)
    table = next(b for s in report.sections if s.title == "Sign-off" for b in s.blocks)
    assert isinstance(table, Table)
    assert {row[-1] for row in table.rows} == {STATE_TEXT["altered"]}
    target = tmp_path / "eia.pdf"
    with pytest.raises(ServiceError) as refused:
        context.report_export.export(eia, "pdf", target, sign=SignWith(fingerprint, no_passphrase))
    assert str(refused.value) == (
        "the sealed content of this version has changed since approval "
        "(run 'ccassure check'); it cannot be signed"
    )
    assert not target.exists()
    context.report_export.export(eia, "pdf", target)  # unsigned, it still says what it is
    assert target.read_bytes().startswith(b"%PDF")


# 2 -- imports: signed records must verify; a signed version is never copied under a new uid


def test_an_import_whose_signed_records_were_edited_is_refused(
    context: Context, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    eia, _ = sealed_eia(context)
    data = json.loads(document_json(context.assessments.document(eia)))
    other = build_context(AppPaths(tmp_path / "other", tmp_path / "other.db"), mode="create")
    try:
        for field, value in (("name", "Someone Else"), ("decision", "advice_given"),
                             ("signed_on", "2020-01-01")):  # fmt: skip
            edited = json.loads(json.dumps(data))
            edited["signoffs"][2][field] = value
            document = parse_document(json.dumps(edited), "edited.json")
            with pytest.raises(ServiceError) as refused:
                import_document(other.assessments, document)
            who = "Someone Else" if field == "name" else "Łukasz Żółć"
            assert str(refused.value) == (
                f"sign-off by {who} for role “Equality, diversity and inclusion adviser” "
                "does not verify: the record was altered"
            )
            assert other.assessments.list_summaries() == []
        # Untouched, it imports: intact records, signer unknown in that store.
        result = import_document(other.assessments, parse_document(json.dumps(data), "eia"))
        assert {v.state for v in other.signoffs.views(result.id)} == {"unknown_certificate"}
    finally:
        other.close()


def test_a_signed_version_already_in_the_store_is_refused_not_copied(
    context: Context, memory_keyring: MemoryKeyring
) -> None:
    eia, _ = sealed_eia(context)
    before = context.assessments.list_summaries(all_versions=True)
    text = document_json(context.assessments.document(eia))
    with pytest.raises(ServiceError, match=f"^this signed version is already in the store as "
                       f"assessment {eia}$"):  # fmt: skip
        import_document(context.assessments, parse_document(text, "again.json"))
    assert context.assessments.list_summaries(all_versions=True) == before
    # Unsigned records (the all-at-once path, the demo) may still be copied as a new one.
    unsigned = in_review(context, "eia", "EIA, unsigned")
    context.assessments.transition(unsigned, "approve", _signoffs(context, unsigned))
    copy = import_document(
        context.assessments,
        parse_document(document_json(context.assessments.document(unsigned)), "copy.json"),
    )
    assert copy.id != unsigned and set(states(context, copy.id)) == {"unsigned"}


# 3 -- each role takes its own decisions


def test_a_role_takes_only_its_own_decisions(
    context: Context, memory_keyring: MemoryKeyring
) -> None:
    dpia = in_review(context)
    person = signer(context, "A Person", "SIRO")
    for role, decision, allowed in (
        ("residual-risks-approved", "noted", "approved, approved with conditions, rejected"),
        ("residual-risks-approved", "advice_given", "approved, approved with conditions"),
        ("dpo-advice-provided", "approved", "advice given"),
        ("dpo-advice-decision", "approved", "advice accepted, advice overruled"),
    ):
        with pytest.raises(ServiceError, match=f"this role takes: {allowed}"):
            context.signoffs.sign_off(
                dpia,
                role,
                decision,
                "",
                person.fingerprint,
                no_passphrase,  # type: ignore[arg-type]
            )
    assert context.assessments.document(dpia).signoffs == ()
    # The all-at-once path: a "noted" residual-risk sign-off does not approve that role.
    records = [
        s.model_copy(update={"decision": DPIA_PLAN[s.role][1], "notes": "Reasons."})
        for s in _signoffs(context, dpia)
    ]
    noted = [
        r.model_copy(update={"decision": "noted"}) if r.role == "residual-risks-approved" else r
        for r in records
    ]
    with pytest.raises(ServiceError, match=r"^sign-off needed from: Residual risks approved by$"):
        context.assessments.transition(dpia, "approve", noted)
    assert context.assessments.transition(dpia, "approve", records) == "approved"


def test_template_roles_name_known_decisions_and_roles() -> None:
    text = (ROOT / "resources" / "templates" / "eia.toml").read_text(encoding="utf-8")
    marker = 'key = "senior-approver"\n'
    assert marker in text
    for extra, message in (
        ('decisions = ["maybe"]', "signoff_roles.3.decisions.0"),
        ('decisions = ["rejected"]', "at least one decision that approves"),
        ('decisions = ["noted", "noted"]', "names a decision twice"),
        ('separate_from = ["nobody"]', "separate_from names 'nobody'"),
        ('separate_from = ["senior-approver"]', "separate_from names 'senior-approver'"),
    ):
        with pytest.raises(TemplateError, match=message):
            parse_template(text.replace(marker, marker + extra + "\n"), "eia.toml")
    template = parse_template(text.replace(marker, marker + "required = false\n"), "eia.toml")
    # An optional role is offered for signing, but not needed for sealing.
    assert [r.key for r in open_roles(template, (), "0" * 64)][-1] == "senior-approver"
    assert "senior-approver" not in [r.key for r in roles_still_needed(template, (), "0" * 64)]


# 4 -- untrusted signers


def test_an_untrusted_signer_shows_as_such_and_does_not_count_towards_sealing(
    context: Context, memory_keyring: MemoryKeyring
) -> None:
    eia = in_review(context, "eia", "EIA for despatch")
    first = signer(context, "First Person", "Author")
    second = signer(context, "Second Person", "Approver")
    keys = roles(context, eia)
    for role in keys[:3]:
        context.signoffs.sign_off(eia, role, "approved", "", first.fingerprint, no_passphrase)
    context.identities.untrust(first.fingerprint)
    assert states(context, eia) == ["untrusted"] * 3
    assert STATE_TEXT["untrusted"] == "Signer is known here but not trusted"
    with pytest.raises(ServiceError, match="First Person is not trusted in this store"):
        context.signoffs.sign_off(eia, keys[3], "approved", "", first.fingerprint, no_passphrase)
    outcome = context.signoffs.sign_off(
        eia, keys[3], "approved", "", second.fingerprint, no_passphrase
    )
    assert not outcome.sealed and outcome.status == "in_review"
    assert [key for key, _ in context.signoffs.still_needed(eia)] == keys[:3]
    # A role whose only record is untrusted can be signed again by a trusted signer.
    again = context.signoffs.sign_off(
        eia, keys[0], "approved", "", second.fingerprint, no_passphrase
    )
    assert again.view.state == "valid" and len(again.still_needed) == 2


# 5 -- separation of duties


def test_the_dpo_cannot_also_decide_on_their_own_advice(
    context: Context, memory_keyring: MemoryKeyring
) -> None:
    dpia = in_review(context)
    dpo = signer(context, "Siobhan Kerr", "DPO")
    sro = signer(context, "Andrew Tolley", "SRO")
    sign = context.signoffs.sign_off
    sign(dpia, "dpo-advice-provided", "advice_given", "Proceed.", dpo.fingerprint, no_passphrase)
    with pytest.raises(ServiceError) as refused:
        sign(dpia, "dpo-advice-decision", "accepted", "", dpo.fingerprint, no_passphrase)
    assert str(refused.value) == (
        "Siobhan Kerr has signed “DPO advice provided” on this content; “DPO advice accepted "
        "or overruled by” must be signed by someone else (the template keeps the two roles "
        "separate)"
    )
    with pytest.raises(ServiceError, match="has signed “DPO advice provided”"):
        sign(dpia, "residual-risks-approved", "approved", "", dpo.fingerprint, no_passphrase)
    # Either way round: who decided on the advice cannot then give it.
    sign(dpia, "dpo-advice-decision", "accepted", "", sro.fingerprint, no_passphrase)
    with pytest.raises(ServiceError, match="has signed “DPO advice accepted or overruled by”"):
        sign(dpia, "dpo-advice-summary", "advice_given", "Proceed.", sro.fingerprint, print)
    # The DPO may keep the DPIA under review.
    sign(dpia, "review-owner", "noted", "", dpo.fingerprint, no_passphrase)
    assert len(context.assessments.document(dpia).signoffs) == 3


# 6 -- deleting an identity whose certificate signed records here


def test_deleting_a_signer_keeps_the_certificate_its_sign_offs_need(
    context: Context, memory_keyring: MemoryKeyring
) -> None:
    eia = in_review(context, "eia", "EIA for despatch")
    person = signer(context, "A Person", "Author")
    context.signoffs.sign_off(eia, "author", "approved", "", person.fingerprint, no_passphrase)
    gone = context.identities.delete(person.fingerprint)
    assert gone.certificate_kept and memory_keyring.secrets == {}
    assert gone.message() == (
        "Deleted the private key of A Person; the certificate stays in the store, its trust "
        "unchanged, because 1 sign-off here was signed with it and needs it to verify"
    )
    [kept] = context.identities.list()
    assert (kept.fingerprint, kept.key, kept.trusted) == (person.fingerprint, NO_KEY, True)
    assert states(context, eia) == ["valid"]
    with sqlite3.connect(context.store.path) as db:
        actions = [r[0] for r in db.execute("SELECT action FROM audit_event ORDER BY id")]
    assert actions[-1] == "identity.key_delete"
    # One that signed nothing here goes entirely, as before.
    unused = signer(context, "Not Used", "Nobody")
    assert not context.identities.delete(unused.fingerprint).certificate_kept
    assert [v.name for v in context.identities.list()] == ["A Person"]


# 7 -- certificates outside their validity period


@pytest.mark.parametrize(
    ("shift", "message"),
    [
        (timedelta(days=4 * 365), r"^the certificate of A Person expired on (\d{4}-\d\d-\d\d); "),
        (timedelta(days=-2), r"^the certificate of A Person is not valid until (\d{4}-\d\d-\d\d)"),
    ],
)
def test_a_certificate_outside_its_validity_period_cannot_sign(
    context: Context, memory_keyring: MemoryKeyring, shift: timedelta, message: str
) -> None:
    eia = in_review(context, "eia", "EIA for despatch")
    person = signer(context, "A Person", "Author")
    later = SignoffService(
        context.assessments,
        context.identities,
        context.store,
        now=lambda: datetime.now(UTC) + shift,
    )
    with pytest.raises(ServiceError, match=message) as refused:
        later.sign_off(eia, "author", "approved", "", person.fingerprint, no_passphrase)
    named = person.not_after if shift.days > 0 else person.not_before
    assert named[:10] in str(refused.value) and "\n" not in str(refused.value)
    assert context.assessments.document(eia).signoffs == ()
