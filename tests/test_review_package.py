"""Review packages: the container read back exactly, or refused with one line and a kind."""

from __future__ import annotations

import hashlib
import os

import pytest

from ccassure.interop.review_package import (
    PackageFile,
    build_manifest,
    is_encrypted,
    read_package,
    write_package,
)
from ccassure.signing.identity import NewIdentity, create_identity
from ccassure.signing.package_crypto import (
    open_package,
    seal_package,
    sign_manifest,
    verify_manifest,
)

PASSPHRASE = "correct horse battery staple"


@pytest.fixture(scope="module")
def sender() -> NewIdentity:
    return create_identity("Asha Patel", "Information Assurance Officer", "Met Police")


def attachment(data: bytes) -> PackageFile:
    return PackageFile(f"attachments/{hashlib.sha256(data).hexdigest()}", data)


def make_package(sender: NewIdentity, files: list[PackageFile]) -> bytes:
    manifest = build_manifest(
        sender=sender.certificate.name,
        sender_fingerprint=sender.certificate.fingerprint,
        created_at="2025-03-01T10:00:00+00:00",
        assessment_uid="a1b2c3",
        version=2,
        content_hash=hashlib.sha256(b"content").hexdigest(),
        base_hash=None,
        note="For DPO advice",
        files=files,
    )
    signature = sign_manifest(sender.key_pem, manifest)
    return write_package(manifest, files, sender.certificate.certificate_pem, signature)


def test_round_trip_plain_and_encrypted(sender: NewIdentity) -> None:
    files = [
        PackageFile("document.json", b'{"title":"DPIA"}'),
        PackageFile("base.json", b'{"title":"DPIA v1"}'),
        attachment(b"%PDF-1.7 evidence"),
        attachment(os.urandom(5 * 1024 * 1024)),
    ]
    plain = make_package(sender, files)
    sealed = seal_package(plain, PASSPHRASE)
    assert is_encrypted(sealed) and not is_encrypted(plain)
    assert open_package(sealed, PASSPHRASE) == plain
    package = read_package(plain)
    assert package.files == {item.name: item.data for item in files}
    assert package.certificate_pem == sender.certificate.certificate_pem
    assert verify_manifest(package.certificate_pem, package.manifest_bytes, package.signature)
    assert package.manifest["note"] == "For DPO advice"
