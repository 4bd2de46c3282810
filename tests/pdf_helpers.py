"""Small PDFs made with reportlab, poppler's pdfsig as an independent verifier, and a keyring."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.signers import pdf_signer
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.pdfgen import canvas

from ccassure.signing.identity import NewIdentity, describe

PASS = "correct horse battery"
TEXT = "Residual risk accepted by the SRO"


def make_pdf(text: str = TEXT, pages: int = 1) -> bytes:
    """A small PDF whose page text is stored uncompressed (so a test can change a letter)."""
    out = io.BytesIO()
    page = canvas.Canvas(out, pageCompression=0)
    for number in range(pages):
        page.drawString(72, 720, f"{text} (page {number + 1})")
        page.showPage()
    page.save()
    return out.getvalue()


def rsa_identity(name: str = "Org Signer", organisation: str = "Met") -> NewIdentity:
    """An RSA key and certificate such as an organisation's PKI issues (digitalSignature only)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        ]
    )
    now = datetime.now(UTC)
    usage = x509.KeyUsage(True, False, False, False, False, False, False, False, False)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    return NewIdentity(describe(certificate), key_pem)


def dated_identity(
    not_before: datetime, not_after: datetime, name: str = "Old Signer"
) -> NewIdentity:
    """An EC key and a self-signed certificate valid only between the two moments."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    usage = x509.KeyUsage(True, True, False, False, False, False, False, False, False)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    return NewIdentity(describe(certificate), key_pem)


def sign_elsewhere(
    pdf: bytes,
    who: NewIdentity,
    at: datetime | None = None,
    change: Callable[[IncrementalPdfFileWriter], None] | None = None,
) -> bytes:
    """Signed by pyHanko directly, as another tool would: no check of the certificate's
    validity, the signing time `at` if given, and `change` made in the signing revision."""
    certificate = next(iter(load_certs_from_pemder_data(who.certificate.certificate_pem.encode())))
    signer = signers.SimpleSigner(
        signing_cert=certificate,
        signing_key=load_private_key_from_pemder_data(who.key_pem.encode(), None),
        cert_registry=SimpleCertificateStore.from_certs([certificate]),  # type: ignore[no-untyped-call]
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    if change is not None:
        change(writer)
    taken = len(list(fields.enumerate_sig_fields(writer)))
    metadata = signers.PdfSignatureMetadata(
        field_name=f"Signature{taken + 1}",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )

    class Then(datetime):
        @classmethod
        def now(cls, tz: object = None) -> Then:  # type: ignore[override]
            assert at is not None
            return cls.fromtimestamp(at.timestamp(), UTC)

    with mock.patch.object(pdf_signer, "datetime", Then) if at else contextlib.nullcontext():
        output = signers.PdfSigner(metadata, signer=signer).sign_pdf(writer)
    return bytes(output.getvalue())


def pdfsig(path: Path) -> list[dict[str, str]]:
    """Each signature as poppler's pdfsig reports it: {"Signature Validation": ..., ...}."""
    if not shutil.which("pdfsig"):
        pytest.skip("pdfsig (poppler-utils) not installed; ./dev test installs it")
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
    found: list[dict[str, str]] = []
    for line in out.stdout.splitlines():
        if re.match(r"^Signature #\d+:$", line):
            found.append({})
        elif found and line.startswith("  - "):
            key, _, value = line[4:].partition(": ")
            found[-1][key.strip()] = value.strip() if value else key.strip()
    return found


def signed_ranges(pdf: bytes) -> list[tuple[int, int]]:
    """The last signature's /ByteRange as (start, end) pairs."""
    numbers = re.findall(rb"/ByteRange \[(\d+) (\d+) (\d+) (\d+)\]", pdf)[-1]
    a, b, c, d = (int(n) for n in numbers)
    return [(a, a + b), (c, c + d)]
