"""PAdES signatures on PDF files with pyHanko: sign (incrementally) and verify, never online."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import ModificationLevel, SuspiciousModification
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from ccassure.signing.errors import SigningError
from ccassure.signing.pdf_metadata import metadata_changed_after
from ccassure.signing.pdf_signatures_verdict import (
    EXPIRED,
    NOT_YET_VALID,
    Modified,
    PdfVerification,
    SignatureCheck,
)

NOT_A_PDF = "not a PDF file"
UNREADABLE = "not a readable PDF file (it is damaged or truncated)"
FIELD_PREFIX = "Signature"
EOF_MARKER = b"%%EOF"
MAX_EOF_TRIES = 8
# Organisations' certificates often carry only digitalSignature; ours carry nonRepudiation too.
KEY_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)


def _quiet_library_logs() -> None:
    """pyHanko logs refused signatures with tracebacks: keep them out of a terminal."""
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())


def _certificate(pem: str) -> Any:
    """An asn1crypto certificate (an untyped library), or None if the text holds none."""
    try:
        return next(iter(load_certs_from_pemder_data(pem.encode("ascii", "replace"))), None)
    except Exception:  # a damaged stored certificate trusts nothing; the rest still count
        return None


def _certificates(pems: Iterable[str]) -> list[Any]:
    return [c for c in map(_certificate, pems) if c is not None]


def _public_key_der(key: object) -> bytes:
    public = getattr(key, "public_key", None)
    if public is None:
        raise SigningError("the key is of a kind ccassure cannot sign with (EC or RSA only)")
    data: bytes = public().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return data


def validity_problem(
    not_before: datetime, not_after: datetime, moments: Iterable[datetime | None]
) -> str:
    """Why a certificate was not valid at one of these moments, in words ("" if it was)."""
    known = [m if m.tzinfo else m.replace(tzinfo=UTC) for m in moments if m is not None]
    if any(m > not_after for m in known):
        return f"{EXPIRED} {not_after.astimezone(UTC).date().isoformat()}"
    if any(m < not_before for m in known):
        return f"{NOT_YET_VALID} {not_before.astimezone(UTC).date().isoformat()}"
    return ""


def signing_certificate_problem(certificate_pem: str, now: datetime | None = None) -> str:
    """Why this certificate cannot sign now (it expired, or is not valid yet); "" if it can."""
    try:
        certificate = x509.load_pem_x509_certificate(certificate_pem.encode("ascii"))
    except ValueError:
        return "certificate cannot be read"
    return validity_problem(
        certificate.not_valid_before_utc,
        certificate.not_valid_after_utc,
        [now or datetime.now(UTC)],
    )


def _signer(key_pem: str, certificate_pem: str) -> signers.SimpleSigner:
    try:
        own_key = serialization.load_pem_private_key(key_pem.encode("ascii"), None)
        own_cert = x509.load_pem_x509_certificate(certificate_pem.encode("ascii"))
    except ValueError:
        raise SigningError("the signing key or certificate cannot be read", "invalid") from None
    if _public_key_der(own_key) != _public_key_der(own_cert):
        raise SigningError("the signing key does not belong to the certificate", "invalid")
    out_of_date = signing_certificate_problem(certificate_pem)
    if out_of_date:
        raise SigningError(f"cannot sign: the {out_of_date}", "invalid")
    key = load_private_key_from_pemder_data(key_pem.encode("ascii"), None)
    certificate = _certificate(certificate_pem)
    registry = SimpleCertificateStore.from_certs([certificate])  # type: ignore[no-untyped-call]
    return signers.SimpleSigner(signing_cert=certificate, signing_key=key, cert_registry=registry)


def _writer(pdf: bytes) -> IncrementalPdfFileWriter:
    if b"%PDF-" not in pdf[:1024]:
        raise SigningError(NOT_A_PDF, "invalid")
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        encrypted = writer.prev.encrypted
    except Exception:  # pyHanko raises many kinds of error on a damaged file
        raise SigningError(UNREADABLE, "invalid") from None
    if encrypted:
        raise SigningError("the PDF is encrypted; ccassure signs only unencrypted PDFs", "invalid")
    return writer


def _free_field_name(writer: IncrementalPdfFileWriter) -> tuple[str, set[str]]:
    try:
        taken = {str(name) for name, _value, _ref in fields.enumerate_sig_fields(writer)}
    except Exception:
        raise SigningError(UNREADABLE, "invalid") from None
    number = len(taken) + 1
    while f"{FIELD_PREFIX}{number}" in taken:
        number += 1
    return f"{FIELD_PREFIX}{number}", taken


def sign_pdf(
    pdf: bytes,
    key_pem: str,
    certificate_pem: str,
    *,
    reason: str,
    location: str = "",
    field_name: str | None = None,
) -> bytes:
    """A PAdES B-B signature (ETSI.CAdES.detached, SHA-256) added as an incremental update,
    so earlier signatures stay valid; no timestamp, nothing fetched. A certificate outside its
    validity period is refused."""
    _quiet_library_logs()
    signer = _signer(key_pem, certificate_pem)
    writer = _writer(pdf)
    free, taken = _free_field_name(writer)
    if field_name is not None and field_name in taken:
        raise SigningError(f"the PDF already has a signature field called {field_name}", "exists")
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name or free,
        reason=reason or None,
        location=location or None,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    try:
        output = signers.PdfSigner(metadata, signer=signer).sign_pdf(writer)
    except SigningError:
        raise
    except Exception as exc:  # a PDF pyHanko could open but not extend
        raise SigningError(f"the PDF cannot be signed ({exc})", "invalid") from None
    return bytes(output.getvalue())


def _signatures_in(data: bytes) -> tuple[PdfFileReader, list[EmbeddedPdfSignature]] | None:
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        return reader, list(reader.embedded_regular_signatures)
    except Exception:  # pyHanko raises many kinds of error on a damaged file
        return None


def _open(pdf: bytes) -> tuple[PdfFileReader, list[EmbeddedPdfSignature], bool]:
    """The file's signatures; if bytes after a signed revision make the file unreadable,
    the signed revision is read alone and the file reported as changed (True)."""
    if b"%PDF-" not in pdf[:1024]:
        raise SigningError(NOT_A_PDF, "invalid")
    whole = _signatures_in(pdf)
    if whole is not None:
        return *whole, False
    end = len(pdf)
    for _ in range(MAX_EOF_TRIES):
        end = pdf.rfind(EOF_MARKER, 0, end)
        if end < 0:
            break
        signed = _signatures_in(pdf[: end + len(EOF_MARKER)] + b"\n")
        if signed is not None and signed[1]:
            return *signed, True
    raise SigningError(UNREADABLE, "invalid")


@dataclass(frozen=True)
class _Checked:
    embedded: EmbeddedPdfSignature
    status: PdfSignatureStatus | None
    problem: str


def _validate(embedded: EmbeddedPdfSignature, context: ValidationContext) -> _Checked:
    try:
        status = validate_pdf_signature(embedded, context, key_usage_settings=KEY_USAGE)
    except Exception as exc:  # a damaged signature is reported as invalid, not raised
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return _Checked(embedded, None, f"the signature cannot be checked ({detail})")
    return _Checked(embedded, status, "")


def _modified(
    checked: _Checked, revisions: int, signed_revisions: set[int], last_covers_file: bool
) -> Modified:
    status = checked.status
    if status is None or status.coverage is None:
        return "other"
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return "nothing"
    later = range(checked.embedded.signed_revision + 1, revisions)
    if (
        status.coverage != SignatureCoverageLevel.ENTIRE_REVISION
        or not last_covers_file
        or not later
        or any(r not in signed_revisions for r in later)
        or isinstance(status.diff_result, SuspiciousModification)
        or status.modification_level is None
        or status.modification_level > ModificationLevel.FORM_FILLING
    ):
        return "other"
    return "signatures"


def _certificate_problem(embedded: EmbeddedPdfSignature, now: datetime) -> str:
    """The signer's certificate outside its validity when it signed, or now: never trusted
    (pyHanko does not check the validity of a trust anchor, and each trusted one is)."""
    try:
        certificate = embedded.signer_cert
        not_before, not_after = certificate.not_valid_before, certificate.not_valid_after
        signed_at = embedded.self_reported_timestamp
    except Exception:
        return "certificate cannot be read"
    return validity_problem(not_before, not_after, [signed_at, now])


def _subject(embedded: EmbeddedPdfSignature) -> tuple[str, str, str]:
    try:
        certificate = embedded.signer_cert
        subject = certificate.subject.native
        return (
            str(subject.get("common_name", "")) or certificate.subject.human_friendly,
            str(subject.get("organization_name", "")),
            certificate.sha256.hex(),
        )
    except Exception:
        return "(unreadable certificate)", "", ""


def _signed_at(embedded: EmbeddedPdfSignature) -> str:
    try:
        moment = embedded.self_reported_timestamp
    except Exception:
        return ""
    return moment.isoformat(timespec="seconds") if moment else ""


def _reason(embedded: EmbeddedPdfSignature) -> str:
    try:
        return str(embedded.sig_object.get("/Reason", ""))
    except Exception:
        return ""


def _field(embedded: EmbeddedPdfSignature) -> str:
    try:
        return str(embedded.field_name)
    except Exception:
        return ""


def _after(
    item: _Checked,
    reader: PdfFileReader,
    modified: Modified,
) -> tuple[Modified, str]:
    """What changed after a signature, and why it counts as altered if only that shows it:
    pyHanko's diff check lets /Info and XMP change, which carry title and marking."""
    if modified != "signatures":
        return modified, item.problem
    changed = metadata_changed_after(reader, item.embedded.signed_revision)
    if not changed:
        return modified, item.problem
    return "other", f"document metadata changed after this signature: {', '.join(changed)}"


def verify_pdf(
    pdf: bytes,
    trusted_pems: Sequence[str],
    known_pems: Sequence[str] = (),
    *,
    now: datetime | None = None,
) -> PdfVerification:
    """Each signature: intact, valid, trusted (chains to one of trusted_pems, its certificate
    valid when it signed and now), known, and what changed after it. A readable PDF with no
    signatures gives none (state "unsigned"). Revocation is not checked: nothing is fetched."""
    _quiet_library_logs()
    reader, embedded, trailing = _open(pdf)
    if not embedded:
        return PdfVerification(())
    moment = now or datetime.now(UTC)
    trusted = _certificates(trusted_pems)
    known = _certificates(known_pems)
    known_fingerprints = {c.sha256.hex() for c in (*trusted, *known)}
    context = ValidationContext(trust_roots=trusted, other_certs=known, allow_fetching=False)
    checked = [_validate(e, context) for e in embedded]
    try:
        revisions = reader.xrefs.total_revisions
    except Exception:
        raise SigningError(UNREADABLE, "invalid") from None
    signed_revisions = {c.embedded.signed_revision for c in checked}
    last = checked[-1].status
    last_covers_file = (
        not trailing and last is not None and last.coverage == SignatureCoverageLevel.ENTIRE_FILE
    )
    results = []
    for item in checked:
        signer, organisation, fingerprint = _subject(item.embedded)
        status = item.status
        intact = bool(status and status.intact)
        valid = intact and bool(status and status.valid)
        out_of_date = _certificate_problem(item.embedded, moment) if valid else ""
        modified, problem = _after(
            item,
            reader,
            "other" if trailing else _modified(item, revisions, signed_revisions, last_covers_file),
        )
        results.append(
            SignatureCheck(
                field=_field(item.embedded),
                signer=signer,
                organisation=organisation,
                fingerprint=fingerprint,
                signed_at=_signed_at(item.embedded),
                reason=_reason(item.embedded),
                intact=intact,
                valid=valid,
                trusted=valid and not out_of_date and bool(status and status.trusted),
                known=fingerprint in known_fingerprints,
                modified_after=modified,
                problem=problem,
                certificate_problem=out_of_date,
            )
        )
    return PdfVerification(tuple(results))
