"""PAdES signing and verification, checked against poppler's pdfsig; no network ever."""

from __future__ import annotations

import contextlib
import io
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata import model
from pyhanko.pdf_utils.metadata.xmp_xml import MetadataStream
from pypdf import PdfReader, PdfWriter

from ccassure.signing.errors import SigningError
from ccassure.signing.identity import NewIdentity, create_identity
from ccassure.signing.pdf_signatures import NOT_A_PDF, sign_pdf, verify_pdf
from tests import network_guard
from tests.pdf_helpers import (
    TEXT,
    dated_identity,
    make_pdf,
    pdfsig,
    rsa_identity,
    sign_elsewhere,
    signed_ranges,
)

ALICE = create_identity("Łukasz Żółć", "Data Protection Officer", "Metropolitan Police")
BOB = create_identity("Nguyễn Thị Minh", "Senior Responsible Owner", "Home Office")
EXPIRED = dated_identity(datetime(2019, 1, 1, tzinfo=UTC), datetime(2020, 1, 1, tzinfo=UTC))
NOT_YET = dated_identity(datetime(2090, 1, 1, tzinfo=UTC), datetime(2091, 1, 1, tzinfo=UTC))


def sign(pdf: bytes, who: NewIdentity, reason: str = "Approved") -> bytes:
    return sign_pdf(pdf, who.key_pem, who.certificate.certificate_pem, reason=reason)


@pytest.fixture(scope="module")
def signed() -> bytes:
    return sign(make_pdf(), ALICE)


@pytest.fixture(scope="module")
def countersigned(signed: bytes) -> bytes:
    return sign(signed, BOB, "Countersigned")


def write(tmp_path: Path, data: bytes, name: str = "f.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_signed_pdf_verifies_here_and_with_pdfsig(signed: bytes, tmp_path: Path) -> None:
    found = verify_pdf(signed, [ALICE.certificate.certificate_pem])
    [one] = found.signatures
    assert (one.signer, one.organisation) == ("Łukasz Żółć", "Metropolitan Police")
    assert one.fingerprint == ALICE.certificate.fingerprint
    assert one.intact and one.valid and one.trusted and one.known and one.covers_whole_file
    assert one.field == "Signature1" and one.reason == "Approved"
    moment = datetime.fromisoformat(one.signed_at)
    assert abs(datetime.now(UTC) - moment) < timedelta(minutes=10)
    assert found.state == "valid" and found.passes(require_trusted=True)
    assert PdfReader(io.BytesIO(signed)).pages[0].extract_text().startswith(TEXT)
    [theirs] = pdfsig(write(tmp_path, signed))
    assert theirs["Signature Validation"] == "Signature is Valid."
    assert theirs["Signature Type"] == "ETSI.CAdES.detached"
    assert theirs["Signer Certificate Common Name"] == "Łukasz Żółć"
    assert theirs["Total document signed"] == "Total document signed"
    # pdfsig has no trust store of ours: a self-signed certificate's issuer is "unknown"
    assert "issuer is unknown" in theirs["Certificate Validation"]


def test_an_rsa_key_from_an_organisation_signs_too(tmp_path: Path) -> None:
    org = rsa_identity()
    data = sign(make_pdf(), org)
    [one] = verify_pdf(data, [org.certificate.certificate_pem]).signatures
    assert one.intact and one.valid and one.trusted and one.signer == "Org Signer"
    [theirs] = pdfsig(write(tmp_path, data))
    assert theirs["Signature Validation"] == "Signature is Valid."


def test_a_key_that_is_not_the_certificates_is_refused() -> None:
    with pytest.raises(SigningError, match="does not belong to the certificate"):
        sign_pdf(make_pdf(), BOB.key_pem, ALICE.certificate.certificate_pem, reason="x")


def test_changing_a_letter_of_the_signed_page_is_a_digest_mismatch_for_both(
    signed: bytes, tmp_path: Path
) -> None:
    at = signed.index(TEXT.encode())
    changed = signed[:at] + b"P" + signed[at + 1 :]
    [one] = verify_pdf(changed, [ALICE.certificate.certificate_pem]).signatures
    assert not one.intact and one.state == "invalid"
    assert "digest does not match" in one.state_text
    # not intact: neither valid nor trusted, and trust is not spoken of as if it were checked
    assert not one.valid and not one.trusted and not one.trust_assessed
    assert one.state_text.endswith("trust not assessed (the signature is not valid)")
    [theirs] = pdfsig(write(tmp_path, changed))
    assert theirs["Signature Validation"] == "Digest Mismatch."


def test_any_changed_byte_in_the_signed_range_is_never_reported_valid(signed: bytes) -> None:
    chooser = random.Random(6)
    ranges = signed_ranges(signed)
    positions = [chooser.randrange(*chooser.choice(ranges)) for _ in range(150)]
    for at in positions:
        changed = bytearray(signed)
        changed[at] ^= 0x20
        try:
            found = verify_pdf(bytes(changed), [ALICE.certificate.certificate_pem])
        except SigningError:
            continue  # unreadable is reported too (exit 2), never as valid
        assert found.state != "valid", at


def test_a_countersigned_pdf_has_two_valid_signatures_for_both(
    countersigned: bytes, signed: bytes, tmp_path: Path
) -> None:
    assert countersigned.startswith(signed)  # an incremental update
    found = verify_pdf(
        countersigned, [ALICE.certificate.certificate_pem], [BOB.certificate.certificate_pem]
    )
    first, second = found.signatures
    assert (first.signer, second.signer) == ("Łukasz Żółć", "Nguyễn Thị Minh")
    assert (first.field, second.field) == ("Signature1", "Signature2")
    assert first.intact and first.valid and first.modified_after == "signatures"
    assert second.intact and second.valid and second.covers_whole_file
    assert first.trusted and not second.trusted and second.known
    assert found.state == "valid" and found.passes() and not found.passes(require_trusted=True)
    theirs = pdfsig(write(tmp_path, countersigned))
    assert [s["Signature Validation"] for s in theirs] == ["Signature is Valid."] * 2
    assert [s["Signer Certificate Common Name"] for s in theirs] == [
        "Łukasz Żółć",
        "Nguyễn Thị Minh",
    ]


def test_a_signature_by_an_unknown_certificate_is_intact_but_untrusted(signed: bytes) -> None:
    found = verify_pdf(signed, [BOB.certificate.certificate_pem])
    [one] = found.signatures
    assert one.intact and one.valid and not one.trusted and not one.known
    assert "unknown" in one.state_text
    assert found.passes() and not found.passes(require_trusted=True)
    # known (in the store) but not trusted
    [two] = verify_pdf(signed, [], [ALICE.certificate.certificate_pem]).signatures
    assert two.known and not two.trusted


@pytest.mark.parametrize(
    "tail", [b"junk after the end\n", b"\n%%EOF\n", bytes(random.Random(1).randbytes(5000))]
)
def test_bytes_appended_after_signing_mean_altered(countersigned: bytes, tail: bytes) -> None:
    found = verify_pdf(countersigned + tail, [ALICE.certificate.certificate_pem])
    assert len(found.signatures) == 2
    assert all(s.intact and s.valid and s.altered for s in found.signatures)
    assert found.state == "altered" and not found.passes()


def test_an_unsigned_incremental_update_after_signing_means_altered(
    signed: bytes, tmp_path: Path
) -> None:
    writer = PdfWriter(io.BytesIO(signed), incremental=True)
    writer.add_metadata({"/Title": "Quietly changed"})
    out = io.BytesIO()
    writer.write(out)
    changed = out.getvalue()
    assert changed.startswith(signed)
    [one] = verify_pdf(changed, [ALICE.certificate.certificate_pem]).signatures
    assert one.intact and one.valid and one.altered
    [theirs] = pdfsig(write(tmp_path, changed))
    assert theirs["Not total document signed"] == "Not total document signed"
    # and a countersignature on top of the change does not hide it
    over = sign(changed, BOB)
    first, second = verify_pdf(over, [ALICE.certificate.certificate_pem]).signatures
    assert first.altered and not second.altered


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", NOT_A_PDF),
        (b"PK\x03\x04 a zip file", NOT_A_PDF),
        (b"%PDF-1.7\n garbage", "damaged or truncated"),
    ],
)
def test_unreadable_is_one_message(data: bytes, message: str) -> None:
    with pytest.raises(SigningError, match=message):
        verify_pdf(data, [])


def test_a_readable_pdf_without_signatures_fails_as_unsigned() -> None:
    found = verify_pdf(make_pdf(), [ALICE.certificate.certificate_pem])
    assert found.signatures == () and found.state == "unsigned"
    assert found.state_text == "The PDF holds no signatures"
    assert not found.passes() and not found.all_trusted


@pytest.mark.parametrize("signed_on", [datetime(2019, 6, 1, tzinfo=UTC), None])
def test_an_expired_certificate_is_not_trusted_even_if_the_store_trusts_it(
    signed_on: datetime | None, tmp_path: Path
) -> None:
    """Signed while valid (2019) or after it expired (now): not trusted either way."""
    data = sign_elsewhere(make_pdf(), EXPIRED, at=signed_on)
    found = verify_pdf(data, [EXPIRED.certificate.certificate_pem])
    [one] = found.signatures
    assert one.intact and one.valid and one.known and not one.trusted
    assert one.certificate_problem == "certificate expired on 2020-01-01"
    assert one.state_text.endswith("signer not trusted: certificate expired on 2020-01-01")
    assert one.to_data()["certificate_problem"] == "certificate expired on 2020-01-01"
    assert found.passes() and not found.passes(require_trusted=True)
    if signed_on is not None:
        assert one.signed_at.startswith("2019-06-01")
    [theirs] = pdfsig(write(tmp_path, data))
    assert theirs["Signature Validation"] == "Signature is Valid."
    assert theirs["Certificate Validation"] == "Certificate has Expired"


def test_a_certificate_not_yet_valid_is_not_trusted() -> None:
    data = sign_elsewhere(make_pdf(), NOT_YET)
    [one] = verify_pdf(data, [NOT_YET.certificate.certificate_pem]).signatures
    assert one.intact and one.valid and not one.trusted
    assert one.certificate_problem == "certificate not valid until 2090-01-01"


def test_a_signature_made_in_time_is_untrusted_once_its_certificate_expires(
    signed: bytes,
) -> None:
    expires = datetime.fromisoformat(ALICE.certificate.not_after)
    later = expires + timedelta(days=1)
    [one] = verify_pdf(signed, [ALICE.certificate.certificate_pem], now=later).signatures
    assert not one.trusted
    assert one.certificate_problem == f"certificate expired on {expires.date().isoformat()}"
    [today] = verify_pdf(signed, [ALICE.certificate.certificate_pem]).signatures
    assert today.trusted and today.certificate_problem == ""


@pytest.mark.parametrize(
    ("who", "words"),
    [(EXPIRED, "expired on 2020-01-01"), (NOT_YET, "not valid until 2090-01-01")],
)
def test_a_certificate_outside_its_validity_cannot_sign(who: NewIdentity, words: str) -> None:
    with pytest.raises(SigningError, match=words) as refused:
        sign(make_pdf(), who)
    assert "\n" not in str(refused.value)


def _retitle(writer: IncrementalPdfFileWriter) -> None:
    writer.document_meta.title = "Nothing to see here"
    writer.document_meta.author = "Someone else"
    writer.document_meta.keywords = ["OFFICIAL"]  # the marking was OFFICIAL-SENSITIVE


def _new_info(writer: IncrementalPdfFileWriter) -> None:
    title = generic.TextStringObject("Nothing to see here")
    writer.set_info(generic.DictionaryObject({generic.NameObject("/Title"): title}))


def _new_xmp(writer: IncrementalPdfFileWriter) -> None:
    keywords = model.XmpStructure.of((model.PDF_KEYWORDS, model.XmpValue("OFFICIAL")))
    writer.root["/Metadata"] = writer.add_object(MetadataStream.from_xmp([keywords]))
    writer.update_root()


@pytest.mark.parametrize(
    ("change", "named"),
    [(_retitle, "Author, Keywords, Title"), (_new_info, "Title"), (_new_xmp, "XMP metadata")],
)
def test_metadata_changed_in_a_countersigning_revision_means_altered(
    signed: bytes, change: object, named: str
) -> None:
    over = sign_elsewhere(signed, BOB, change=change)  # type: ignore[arg-type]
    assert over.startswith(signed)
    found = verify_pdf(over, [ALICE.certificate.certificate_pem, BOB.certificate.certificate_pem])
    first, second = found.signatures
    assert first.intact and first.valid and first.altered
    assert named in first.problem and first.problem.startswith("document metadata changed")
    assert second.intact and second.valid and second.covers_whole_file
    assert found.state == "altered" and not found.passes()
    # the same countersignature without the change leaves the first signature unaltered
    plain = sign_elsewhere(signed, BOB)
    first, _second = verify_pdf(plain, []).signatures
    assert first.modified_after == "signatures" and first.problem == ""


def test_a_truncated_signed_pdf_is_one_message(signed: bytes) -> None:
    with pytest.raises(SigningError, match="damaged or truncated"):
        verify_pdf(signed[: len(signed) * 2 // 3], [])
    with pytest.raises(SigningError, match="damaged or truncated"):
        sign(signed[: len(signed) // 2], ALICE)
    with pytest.raises(SigningError, match=NOT_A_PDF):
        sign(b"hello", ALICE)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_random_bytes_never_traceback(data: bytes) -> None:
    for candidate in (data, b"%PDF-1.7\n" + data):
        with contextlib.suppress(SigningError):
            verify_pdf(candidate, [])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_damaged_signed_files_never_traceback(countersigned: bytes, data: st.DataObject) -> None:
    changed = bytearray(countersigned)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(changed) - 1))
        changed[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(len(changed) // 2, len(changed)))
    try:
        found = verify_pdf(bytes(changed[:cut]), [ALICE.certificate.certificate_pem])
    except SigningError:
        return
    assert found.signatures


def test_signing_and_verifying_open_no_socket() -> None:
    """The session's network guard (tests/network_guard.py) refuses and records any attempt."""
    before = list(network_guard.seen)
    data = sign(sign(make_pdf(), rsa_identity()), ALICE)
    found = verify_pdf(data, [ALICE.certificate.certificate_pem])
    assert [s.valid for s in found.signatures] == [True, True]
    assert network_guard.seen == before
