"""Reading a review package: decrypted, its signature and trusted sender verified, its documents."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ccassure.domain.document import AssessmentDocument, content_hash
from ccassure.domain.merge import document_hash
from ccassure.interop.review_package import PackageError, is_encrypted, read_package
from ccassure.services.errors import ServiceError
from ccassure.services.files import read_file
from ccassure.services.package_contents import BASE, DOCUMENT, read_document
from ccassure.signing.errors import SigningError
from ccassure.signing.identity import read_certificate
from ccassure.signing.package_crypto import open_package, verify_manifest
from ccassure.store.identities import IdentityQueries

MAX_PACKAGE_BYTES = 512 * 1024 * 1024
MAX_VERSION = 10_000  # far beyond any real assessment's revisions, and within SQLite's integers
FRESH_COPY = "ask the sender for a fresh copy"
REMEDIES = {
    "damaged": FRESH_COPY,
    "altered": FRESH_COPY,
    "too_large": FRESH_COPY,
    "not_package": "open the .ccpack file that 'ccassure pack' wrote",
    "unsupported": "update ccassure to open it",
    "wrong_passphrase": f"check the passphrase, or {FRESH_COPY}",
}
_LONG_WORD = re.compile(r"[^\s'\"“”();,]{61,}")  # a huge name or key, not its quotes


@dataclass(frozen=True)
class VerifiedPackage:
    """A package whose signature verifies, from a sender this store trusts, with its documents
    as its manifest names them (the base too, when it has one)."""

    path: Path
    sender: str
    sender_fingerprint: str
    created_at: str
    note: str
    encrypted: bool
    remote: AssessmentDocument
    base: AssessmentDocument | None
    base_hash: str | None


def refusal(path: Path, text: str, kind: str = "invalid") -> ServiceError:
    """One line: the file, what is wrong (long words shortened) and, by kind, what to do."""
    detail = _LONG_WORD.sub(lambda found: found[0][:40] + "…", " ".join(text.split()))
    remedy = REMEDIES.get(kind, "")
    return ServiceError(f"{path}: {detail}" + (f"; {remedy}" if remedy else ""), kind)


def read_verified(path: Path, passphrase: str | None, signers: IdentityQueries) -> VerifiedPackage:
    """The package at `path`, or ServiceError (one line, nothing changed) for any refusal."""
    data = read_file(path, MAX_PACKAGE_BYTES, "for a review package")
    encrypted = is_encrypted(data)
    try:
        if encrypted:
            if not passphrase:
                raise ServiceError(
                    f"{path}: the package is encrypted; give its passphrase", "passphrase"
                )
            data = open_package(data, passphrase)
        package = read_package(data)
    except (PackageError, SigningError) as exc:
        raise refusal(path, str(exc), exc.kind) from None
    manifest = package.manifest
    if not verify_manifest(package.certificate_pem, package.manifest_bytes, package.signature):
        raise refusal(path, "the package's signature does not verify: it was altered", "altered")
    sender = _trusted_sender(path, package.certificate_pem, signers)
    remote = _document(package.files, DOCUMENT, path)
    header = remote.assessment
    if (header.uid, header.version, content_hash(remote)) != (
        manifest["assessment_uid"],
        manifest["version"],
        manifest["content_hash"],
    ):
        raise refusal(path, "the document is not the one its manifest names", "damaged")
    if header.version > MAX_VERSION:
        raise refusal(
            path,
            f"the package names version {header.version:,} of its assessment, more than any "
            f"assessment has (at most {MAX_VERSION:,})",
            "damaged",
        )
    base = None
    if manifest["base_hash"] is not None:
        base = _document(package.files, BASE, path)
        if document_hash(base) != manifest["base_hash"]:
            raise refusal(path, "the base document is not the one its manifest names", "damaged")
    return VerifiedPackage(
        path,
        sender,
        manifest["sender_fingerprint"],
        manifest["created_at"],
        manifest["note"],
        encrypted,
        remote,
        base,
        manifest["base_hash"],
    )


def _document(files: dict[str, bytes], name: str, path: Path) -> AssessmentDocument:
    try:
        return read_document(files, name)
    except ServiceError as exc:
        raise refusal(path, str(exc), "damaged") from None


def _trusted_sender(path: Path, certificate_pem: str, signers: IdentityQueries) -> str:
    try:
        info = read_certificate(certificate_pem)
    except SigningError as exc:
        raise refusal(path, str(exc), "damaged") from None
    record = signers.find(info.fingerprint)
    who = f"{info.name} (fingerprint {info.fingerprint})"
    if record is None:
        raise ServiceError(
            f"{path}: sent by {who}, who is not known in this store; ask them for their "
            "certificate ('ccassure identity export-cert') and trust it with "
            "'ccassure identity trust CERT_FILE' (Tools → Identities in the app) if you "
            "expect this package, then open it again",
            "untrusted",
        )
    if not record.trusted:
        raise ServiceError(
            f"{path}: sent by {who}, who is known here but not trusted; trust their "
            "certificate again with 'ccassure identity trust CERT_FILE' if you expect "
            "this package, then open it again",
            "untrusted",
        )
    return info.name
