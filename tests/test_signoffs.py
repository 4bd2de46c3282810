"""Sign-off per role: signed records, sealing, rejection, and every state a record can be in."""

from __future__ import annotations

import base64
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from ccassure.domain.conformity import status_problems
from ccassure.domain.document import Response, content_hash, parse_document
from ccassure.domain.signoff import STATE_TEXT
from ccassure.services.context import Context, build_context
from ccassure.services.errors import ServiceError
from ccassure.services.paths import AppPaths
from ccassure.services.transfer import document_json, import_document
from ccassure.signing.identity import create_identity
from ccassure.signing.records import fingerprint_of, sign_record, verify_record
from tests.conftest import ROOT
from tests.keyrings import MemoryKeyring, run_under_secret_service
from tests.signoff_helpers import DPIA_PLAN, PASS, in_review, roles, signer


def no_passphrase(prompt: str) -> str:
    raise AssertionError(f"a key in the keyring needs no passphrase, yet it asked: {prompt}")


def states(context: Context, assessment_id: int) -> list[tuple[str, str, str]]:
    return [(v.role, v.decision, v.state) for v in context.signoffs.views(assessment_id)]


def test_a_record_signature_verifies_with_its_certificate_only() -> None:
    made, other = create_identity("A Person", "DPO"), create_identity("B Person", "SRO")
    signature = sign_record(made.key_pem, b"payload")
    assert verify_record(made.certificate.certificate_pem, b"payload", signature)
    assert not verify_record(made.certificate.certificate_pem, b"payloaD", signature)
    assert not verify_record(other.certificate.certificate_pem, b"payload", signature)
    assert not verify_record(made.certificate.certificate_pem, b"payload", "not base64!")
    assert fingerprint_of(made.certificate.certificate_pem) == made.certificate.fingerprint


def test_rsa_keys_sign_and_pkcs1_and_pss_signatures_verify() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "PKI Person")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    signature = sign_record(key_pem, b"payload")
    assert verify_record(cert_pem, b"payload", signature)
    key.public_key().verify(
        base64.b64decode(signature), b"payload", padding.PKCS1v15(), hashes.SHA256()
    )
    pss = padding.PSS(padding.MGF1(hashes.SHA256()), padding.PSS.DIGEST_LENGTH)
    made_by_pss = base64.b64encode(key.sign(b"payload", pss, hashes.SHA256())).decode()
    assert verify_record(cert_pem, b"payload", made_by_pss)
    assert not verify_record(cert_pem, b"altered", made_by_pss)


def test_a_dpia_signed_by_all_seven_roles_is_sealed(
    context: Context, memory_keyring: MemoryKeyring
) -> None:
    dpia = in_review(context)
    keys = roles(context, dpia)
    assert len(keys) == 7
    people = [signer(context, f"Signer {n}", f"Role {n}") for n in range(3)]
    for number, role in enumerate(keys):
        person, decision, comments = DPIA_PLAN[role]
        who = people[person].fingerprint
        outcome = context.signoffs.sign_off(dpia, role, decision, comments, who, no_passphrase)
        assert outcome.view.state == "valid" and outcome.view.name == f"Signer {person}"
        if number < len(keys) - 1:
            assert (outcome.status, outcome.sealed) == ("in_review", False)
            assert len(outcome.still_needed) == len(keys) - number - 1
            assert "Still needed" in outcome.message()
    assert outcome.sealed and outcome.status == "approved" and "sealed" in outcome.message()
    document = context.assessments.document(dpia)
    assert document.assessment.status == "approved"
    assert document.sealed_hash == content_hash(document) == outcome.sealed_hash
    assert [s.role for s in document.signoffs] == keys
    assert all(s.content_hash == document.sealed_hash for s in document.signoffs)
    assert {state for *_, state in states(context, dpia)} == {"valid"}
    template = context.assessments.template_for(document)
    assert status_problems(template, document) == []
    with pytest.raises(ServiceError, match="only a version in review"):
        context.signoffs.sign_off(
            dpia, keys[0], "approved", "", people[0].fingerprint, no_passphrase
        )
    [line] = context.signoffs.history(dpia)
    assert (line.version, line.status, line.signoffs) == (1, "approved", 7)
    assert line.sealed_hash == document.sealed_hash


def test_signed_records_round_trip_through_json_and_import(
    context: Context, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    eia = in_review(context, "eia", "EIA for despatch")
    person = signer(context, "Łukasz Żółć", "Equality lead")
    for role in roles(context, eia):
        context.signoffs.sign_off(eia, role, "approved", "", person.fingerprint, no_passphrase)
    text = document_json(context.assessments.document(eia))
    other = build_context(AppPaths(tmp_path / "other", tmp_path / "other.db"), mode="create")
    try:
        result = import_document(other.assessments, parse_document(text, "eia.json"))
        copied = other.assessments.document(result.id)
        assert copied.signoffs == context.assessments.document(eia).signoffs
        # The other store does not know the signer: intact, but the certificate is unknown.
        assert {v.state for v in other.signoffs.views(result.id)} == {"unknown_certificate"}
    finally:
        other.close()


@pytest.mark.parametrize(
    ("role", "decision", "comments", "message"),
    [
        ("author", "approved_with_conditions", "  ", "needs comments: give the conditions"),
        ("author", "rejected", "", "needs comments: give the reasons"),
        ("dpo", "approved", "", "has no sign-off role 'dpo'"),
        ("author", "maybe", "", "unknown decision"),
    ],
)
def test_bad_sign_offs_are_refused_and_change_nothing(
    context: Context,
    memory_keyring: MemoryKeyring,
    role: str,
    decision: str,
    comments: str,
    message: str,
) -> None:
    eia = in_review(context, "eia", "EIA for despatch")
    person = signer(context, "A Person", "Equality lead")
    before = context.assessments.document(eia)
    stamp = context.assessments.stamp(eia)
    with pytest.raises(ServiceError, match=message):
        context.signoffs.sign_off(
            eia,
            role,
            decision,  # type: ignore[arg-type]
            comments,
            person.fingerprint,
            no_passphrase,
        )
    assert context.assessments.document(eia) == before
    assert context.assessments.stamp(eia) == stamp


def test_a_draft_cannot_be_signed_off(context: Context, memory_keyring: MemoryKeyring) -> None:
    draft = context.assessments.create("eia", "EIA", *_programme())
    person = signer(context, "A Person", "Equality lead")
    with pytest.raises(ServiceError, match=r"only a version in review.*draft"):
        context.signoffs.sign_off(draft, "author", "approved", "", person.fingerprint, print)


def _programme():  # type: ignore[no-untyped-def]
    from tests.conftest import CORE, PROGRAMME

    return PROGRAMME, CORE


def test_a_rejection_sends_the_version_back_and_stays_recorded(
    context: Context, memory_keyring: MemoryKeyring
) -> None:
    eia = in_review(context, "eia", "EIA for despatch")
    person = signer(context, "A Person", "Equality lead")
    sign = context.signoffs.sign_off
    sign(eia, "author", "approved", "", person.fingerprint, no_passphrase)
    with pytest.raises(ServiceError, match="already signed off this content"):
        sign(eia, "author", "approved", "", person.fingerprint, no_passphrase)
    outcome = sign(eia, "edi-adviser", "rejected", "No evidence on age.", None, no_passphrase)
    assert outcome.status == "changes_requested" and "changes requested" in outcome.message()
    assert context.assessments.document(eia).assessment.status == "changes_requested"
    assert states(context, eia) == [
        ("author", "approved", "valid"),
        ("edi-adviser", "rejected", "valid"),
    ]
    audit = sqlite3.connect(context.store.path).execute(
        "SELECT action FROM audit_event WHERE assessment_id = ? ORDER BY id", (eia,)
    )
    actions = [row[0] for row in audit]
    assert actions[-3:] == ["signoff.recorded", "signoff.recorded", "workflow.request_changes"]
    # The author changes the content and resubmits: the earlier records cover old content only.
    context.assessments.set_response(eia, Response(item="impact.age", value="negative"))
    context.assessments.transition(eia, "submit")
    assert [state for *_, state in states(context, eia)] == ["stale", "stale"]
    assert STATE_TEXT["stale"].startswith("Covers an earlier content")
    for role in roles(context, eia):
        outcome = sign(eia, role, "approved", "", None, no_passphrase)
    assert outcome.sealed
    document = context.assessments.document(eia)
    assert [s.state for s in context.signoffs.views(eia)] == ["stale", "stale"] + ["valid"] * 4
    assert status_problems(context.assessments.template_for(document), document) == []


def _one_signed(context: Context) -> int:
    eia = in_review(context, "eia", "EIA for despatch")
    person = signer(context, "A Person", "Equality lead")
    context.signoffs.sign_off(eia, "author", "approved", "", person.fingerprint, no_passphrase)
    return eia


def test_a_decision_altered_in_the_database_shows_as_a_bad_signature(
    context: Context, memory_keyring: MemoryKeyring
) -> None:
    eia = _one_signed(context)
    assert states(context, eia) == [("author", "approved", "valid")]
    with sqlite3.connect(context.store.path) as db:
        db.execute("UPDATE signoff SET decision = 'rejected', notes = 'forged'")
    assert states(context, eia) == [("author", "rejected", "bad_signature")]


def test_a_certificate_swapped_in_the_database_shows_as_a_bad_signature(
    context: Context, memory_keyring: MemoryKeyring
) -> None:
    eia = _one_signed(context)
    other = create_identity("Mallory", "Nobody")
    with sqlite3.connect(context.store.path) as db:
        db.execute("UPDATE signoff SET certificate_pem = ?", (other.certificate.certificate_pem,))
    assert states(context, eia) == [("author", "approved", "bad_signature")]


def test_a_signer_the_store_no_longer_knows_shows_as_unknown_certificate(
    context: Context, memory_keyring: MemoryKeyring
) -> None:
    eia = _one_signed(context)
    with sqlite3.connect(context.store.path) as db:
        db.execute("DELETE FROM identity")
    assert states(context, eia) == [("author", "approved", "unknown_certificate")]


def test_the_all_at_once_path_records_unsigned_sign_offs(context: Context) -> None:
    from tests.test_workflow import _signoffs

    eia = in_review(context, "eia", "EIA for despatch")
    context.assessments.transition(eia, "approve", _signoffs(context, eia))
    assert {state for *_, state in states(context, eia)} == {"unsigned"}


def test_signing_with_a_key_file_asks_for_its_passphrase(context: Context) -> None:
    before = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        eia = in_review(context, "eia", "EIA for despatch")
        person = signer(context, "A Person", "Equality lead")
        assert context.identities.key_file(person.fingerprint).is_file()
        asked: list[str] = []

        def ask(prompt: str) -> str:
            asked.append(prompt)
            return PASS

        outcome = context.signoffs.sign_off(eia, "author", "approved", "", None, ask)
        assert asked == ["Passphrase of the key file for A Person: "]
        assert outcome.view.state == "valid"
        with pytest.raises(ServiceError, match="passphrase is wrong"):
            context.signoffs.sign_off(eia, "edi-adviser", "approved", "", None, lambda _p: "no")
        assert len(context.assessments.document(eia).signoffs) == 1
    finally:
        keyring.set_keyring(before)


def test_signing_with_a_key_in_the_real_secret_service(tmp_path: Path) -> None:
    child = ROOT / "tests" / "signoff_keyring_child.py"
    result = run_under_secret_service(child, tmp_path, {"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "signed with the secret service ok" in result.stdout
