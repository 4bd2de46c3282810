"""A trusted sender's package cannot approve or seal what this store's own sign-off would not."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from ccassure.domain.document import AssessmentDocument, Signoff, content_hash, parse_document
from ccassure.domain.merge import document_hash
from ccassure.domain.signoff import signed_payload
from ccassure.interop.review_package import build_manifest, write_package
from ccassure.services.context import Context
from ccassure.services.errors import ServiceError
from ccassure.services.identities import IdentityView
from ccassure.services.package_contents import document_files
from ccassure.signing.package_crypto import sign_manifest
from ccassure.signing.records import sign_record
from ccassure.store.package_log import PackageLog
from tests.keyrings import MemoryKeyring
from tests.package_helpers import laptop, no_ask, person, store_bytes, trust
from tests.signoff_helpers import in_review


@pytest.fixture
def exchange(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> Iterator[tuple[Context, Context, IdentityView, int, int]]:
    """The officer sent a DPIA in review to the DPO; each trusts the other."""
    officer, dpo = laptop(tmp_path / "officer"), laptop(tmp_path / "dpo")
    oid = person(officer, "Olu Officer", "IAO")
    did = person(dpo, "Dana DPO", "DPO")
    trust(dpo, officer, oid.fingerprint, tmp_path)
    trust(officer, dpo, did.fingerprint, tmp_path)
    aid = in_review(officer)
    sent = tmp_path / "for-dpo.ccpack"
    officer.packages.pack(aid, sent, identity=oid.fingerprint, ask=no_ask)
    there = dpo.packages.unpack(sent).assessment_id
    yield officer, dpo, did, aid, there
    officer.close()
    dpo.close()


def reply(
    dpo: Context, did: IdentityView, there: int, document: AssessmentDocument, out: Path
) -> Path:
    """A package the DPO's laptop signs, carrying whatever document it is given."""
    base = parse_document(PackageLog(dpo.store.reader()).latest(there).document, "log")
    files = document_files(document, base)
    header = document.assessment
    manifest = build_manifest(
        sender="Dana DPO",
        sender_fingerprint=did.fingerprint,
        created_at=datetime.now(UTC).isoformat(),
        assessment_uid=header.uid or "",
        version=header.version,
        content_hash=content_hash(document),
        base_hash=document_hash(base),
        note="",
        files=files,
    )
    key = dpo.identities.private_key(did.fingerprint, no_ask)
    certificate = dpo.identities.find(did.fingerprint).certificate_pem
    out.write_bytes(write_package(manifest, files, certificate, sign_manifest(key, manifest)))
    return out


def every_required_role(document: AssessmentDocument, dpo: Context) -> list[tuple[str, str]]:
    template = dpo.assessments.template_for(document)
    found = []
    for role in template.signoff_roles:
        if role.required:
            decision = next(
                d for d in ("approved", "advice_given", "accepted", "noted") if role.approves(d)
            )
            found.append((role.key, decision))
    return found


def test_unsigned_signoffs_and_a_claimed_approval_are_refused(
    exchange: tuple[Context, Context, IdentityView, int, int], tmp_path: Path
) -> None:
    officer, dpo, did, aid, there = exchange
    document = dpo.assessments.document(there)
    current = content_hash(document)
    forged = tuple(
        Signoff(
            role=role,
            name="Sir Senior Responsible Owner",
            signed_on=date(2026, 11, 26),
            decision=decision,  # type: ignore[arg-type]
            content_hash=current,
        )
        for role, decision in every_required_role(document, dpo)
    )
    header = document.assessment.model_copy(update={"status": "approved"})
    claimed = document.model_copy(
        update={"assessment": header, "signoffs": forged, "sealed_hash": current}
    )
    package = reply(dpo, did, there, claimed, tmp_path / "forged.ccpack")
    before = store_bytes(officer)
    with pytest.raises(ServiceError, match="is not signed"):
        officer.packages.unpack(package)
    assert store_bytes(officer) == before
    assert officer.assessments.document(aid).assessment.status == "in_review"


def test_one_signer_in_roles_the_template_keeps_apart_is_refused(
    exchange: tuple[Context, Context, IdentityView, int, int], tmp_path: Path
) -> None:
    officer, dpo, did, aid, there = exchange
    document = dpo.assessments.document(there)
    current = content_hash(document)
    certificate = dpo.identities.find(did.fingerprint).certificate_pem
    key = dpo.identities.private_key(did.fingerprint, no_ask)
    now = datetime.now(UTC).replace(microsecond=0)
    signed = []
    for role, decision in every_required_role(document, dpo):
        record = Signoff(
            role=role,
            name="Dana DPO",
            position="DPO",
            signed_on=now.date(),
            decision=decision,  # type: ignore[arg-type]
            content_hash=current,
            signed_at=now.isoformat(),
            fingerprint=did.fingerprint,
            certificate_pem=certificate,
        )
        payload = signed_payload(document.assessment.uid or "", document.assessment.version, record)
        signed.append(record.model_copy(update={"signature": sign_record(key, payload)}))
    everything = document.model_copy(update={"signoffs": tuple(signed)})
    package = reply(dpo, did, there, everything, tmp_path / "all-roles.ccpack")
    before = store_bytes(officer)
    with pytest.raises(ServiceError, match="keeps the two roles separate"):
        officer.packages.unpack(package)
    assert store_bytes(officer) == before
    assert officer.assessments.document(aid).sealed_hash is None


def test_what_a_merge_removes_is_in_the_audit_trail(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    from ccassure.services.demo import build_demo
    from ccassure.services.paths import builtin_resources

    officer, dpo = laptop(tmp_path / "officer"), laptop(tmp_path / "dpo")
    try:
        build_demo(officer.assessments, builtin_resources())
        oid = person(officer, "Olu Officer", "IAO")
        did = person(dpo, "Dana DPO", "DPO")
        trust(dpo, officer, oid.fingerprint, tmp_path)
        trust(officer, dpo, did.fingerprint, tmp_path)
        aid = next(s.id for s in officer.assessments.list_summaries() if s.kind == "accessibility")
        sent = tmp_path / "a11y.ccpack"
        officer.packages.pack(aid, sent, identity=oid.fingerprint, ask=no_ask)
        there = dpo.packages.unpack(sent).assessment_id
        document = dpo.assessments.document(there)
        gone = document.issues[0].ref
        fewer = document.model_copy(
            update={"issues": document.issues[1:], "evaluations": (), "scope": None}
        )
        officer.packages.unpack(reply(dpo, did, there, fewer, tmp_path / "back.ccpack"))
        trail = officer.audit.trail(aid)
        removed = {(e.entity, e.key) for e in trail if e.new is None and e.field is None}
        assert ("issue", gone) in removed
        assert any(entity == "evaluation" for entity, _ in removed)
        assert any(entity == "scope" for entity, _ in removed)
        assert officer.audit.verify().intact
    finally:
        officer.close()
        dpo.close()
