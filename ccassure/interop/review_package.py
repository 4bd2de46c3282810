"""Offline review packages: a signed manifest, the document and its attachments in one ZIP file.

The container is a ZIP archive (readable by any archive tool, so a reviewer can see what a
package holds without ccassure) whose members are all *stored*, never compressed, and written
with fixed metadata: the same contents always give the same bytes on any machine and any zlib
build. That is what makes the reader strict: after checking every member against the manifest
it writes the package again and requires the very same bytes, so no byte of the file (a
timestamp, an extra field, trailing data) can change unnoticed, and with no compression there
is no zip bomb to defuse, only sizes to cap. Members, in this order: ``manifest.json``
(canonical JSON: sorted keys, UTF-8), the files it lists (``document.json``, ``base.json``,
``attachments/<sha256>``, sorted by name), ``certificate.pem`` (the sender's certificate,
whose SHA-256 is the manifest's ``sender_fingerprint``) and ``manifest.sig`` (base64 signature
over the manifest, made and checked by ccassure.signing.package_crypto).
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import struct
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from ccassure.interop.review_manifest import (
    FORMAT,
    FORMAT_VERSION,
    MAX_FILES,
    MAX_MANIFEST_BYTES,
    MAX_PACKAGE_BYTES,
    PackageError,
    canonical_json,
    check_manifest,
    parse_manifest,
    sha256_hex,
    shown,
)

__all__ = [
    "ENCRYPTED_MAGIC",
    "FORMAT",
    "FORMAT_VERSION",
    "MAX_FILES",
    "MAX_PACKAGE_BYTES",
    "PACKAGE_SUFFIX",
    "PackageError",
    "PackageFile",
    "UnsealedPackage",
    "build_manifest",
    "canonical_json",
    "canonical_pem",
    "certificate_fingerprint",
    "is_encrypted",
    "read_package",
    "write_package",
]

PACKAGE_SUFFIX: Final = ".ccpack"
ENCRYPTED_MAGIC: Final = b"CCASSURE-SEALED-PACKAGE\n"
"""The first bytes of an encrypted package (the envelope of ccassure.signing.package_crypto)."""

MANIFEST_NAME: Final = "manifest.json"
CERTIFICATE_NAME: Final = "certificate.pem"
SIGNATURE_NAME: Final = "manifest.sig"

MAX_CERTIFICATE_BYTES: Final = 64 * 1024
MAX_SIGNATURE_BYTES: Final = 8 * 1024

_ZIP_MAGIC: Final = b"PK\x03\x04"
_FIXED_TIME: Final = (1980, 1, 1, 0, 0, 0)
_UNIX: Final = 3
_REGULAR_FILE: Final = 0o100644 << 16
_PEM = re.compile(r"-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=\n]+)\n-----END CERTIFICATE-----\n")
# What zipfile raises on a damaged archive (RuntimeError: a member marked as encrypted).
_ZIP_ERRORS: Final = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    RuntimeError,
    ValueError,
    OverflowError,
    EOFError,
    OSError,
    KeyError,
    struct.error,
)


@dataclass(frozen=True)
class PackageFile:
    """One file a package carries: ``document.json``, ``base.json`` or ``attachments/<sha256>``."""

    name: str
    data: bytes


@dataclass(frozen=True)
class UnsealedPackage:
    """A package read back: every file's size and SHA-256 checked against the manifest, and
    the certificate's SHA-256 against its sender fingerprint; the signature is not yet checked."""

    manifest: dict[str, Any]
    manifest_bytes: bytes
    files: dict[str, bytes]
    certificate_pem: str
    signature: str


def is_encrypted(data: bytes) -> bool:
    """Whether the bytes are an encrypted package (to open with its passphrase first)."""
    return data.startswith(ENCRYPTED_MAGIC)


def build_manifest(
    *,
    sender: str,
    sender_fingerprint: str,
    created_at: str,
    assessment_uid: str,
    version: int,
    content_hash: str,
    base_hash: str | None,
    note: str,
    files: Sequence[PackageFile],
) -> bytes:
    """The manifest's canonical JSON: format, version, who sent what, and each file's
    name, size and SHA-256 (sorted by name)."""
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "sender": sender,
        "sender_fingerprint": sender_fingerprint,
        "created_at": created_at,
        "assessment_uid": assessment_uid,
        "version": version,
        "content_hash": content_hash,
        "base_hash": base_hash,
        "note": note,
        "files": [
            {"name": item.name, "size": len(item.data), "sha256": sha256_hex(item.data)}
            for item in sorted(files, key=lambda item: item.name)
        ],
    }
    try:
        check_manifest(manifest)
    except PackageError as error:
        raise PackageError(str(error), "invalid") from None
    return canonical_json(manifest)


def write_package(
    manifest_bytes: bytes, files: Sequence[PackageFile], certificate_pem: str, signature: str
) -> bytes:
    """The plain package: a ZIP of stored members with fixed metadata (see the module)."""
    try:
        manifest = parse_manifest(manifest_bytes)
        contents = {item.name: item.data for item in files}
        if len(contents) != len(files):
            raise PackageError("two files have the same name", "damaged")
        _check_files(manifest, contents)
        certificate_pem = canonical_pem(certificate_pem)
        _check_certificate(manifest, certificate_pem)
        _check_signature(signature)
    except PackageError as error:
        raise PackageError(f"cannot write the package: {error}", "invalid") from None
    return _zip(manifest_bytes, manifest, contents, certificate_pem, signature)


def read_package(data: bytes) -> UnsealedPackage:
    """A plain package read and checked; one PackageError line for anything else."""
    if len(data) > MAX_PACKAGE_BYTES:
        raise PackageError(f"the file is larger than {_mib(MAX_PACKAGE_BYTES)}", "too_large")
    if is_encrypted(data):
        raise PackageError("the package is encrypted: it needs its passphrase", "encrypted")
    if not data.startswith(_ZIP_MAGIC):
        raise PackageError("this is not a ccassure review package", "not_package")
    ours = _looks_like_package(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = _members(archive, len(data))
            if MANIFEST_NAME not in members:
                kind = "damaged" if ours else "not_package"
                raise PackageError("there is no manifest: not a ccassure review package", kind)
            manifest_bytes = _read_member(archive, members, MANIFEST_NAME, MAX_MANIFEST_BYTES)
            manifest = parse_manifest(manifest_bytes)
            _check_member_names(manifest, members)
            files = {
                entry["name"]: _read_member(archive, members, entry["name"])
                for entry in manifest["files"]
            }
            certificate = _read_member(archive, members, CERTIFICATE_NAME, MAX_CERTIFICATE_BYTES)
            signature = _read_member(archive, members, SIGNATURE_NAME, MAX_SIGNATURE_BYTES)
    except _ZIP_ERRORS:
        if ours:
            raise PackageError("the package is damaged or incomplete", "damaged") from None
        raise PackageError("this is not a ccassure review package", "not_package") from None
    _check_files(manifest, files)
    certificate_pem = _ascii(certificate, CERTIFICATE_NAME)
    signature_text = _ascii(signature, SIGNATURE_NAME)
    if canonical_pem(certificate_pem) != certificate_pem:
        raise PackageError("the package's certificate is not in canonical PEM form", "damaged")
    _check_certificate(manifest, certificate_pem)
    _check_signature(signature_text)
    if _zip(manifest_bytes, manifest, files, certificate_pem, signature_text) != data:
        raise PackageError("the package was altered: bytes outside its files differ", "damaged")
    return UnsealedPackage(manifest, manifest_bytes, files, certificate_pem, signature_text)


def _looks_like_package(data: bytes) -> bool:
    """Whether damaged bytes were a package: its manifest's name or format is still there."""
    if MANIFEST_NAME.encode().startswith(data[30 : 30 + len(MANIFEST_NAME)]):
        return True  # the first member is the manifest, or the file ends before its name
    return f'"format":"{FORMAT}"'.encode() in data[: MAX_MANIFEST_BYTES + 1024]


def canonical_pem(certificate_pem: str) -> str:
    """The certificate as PEM with 64-character lines and a final newline (one certificate)."""
    match = _PEM.fullmatch(certificate_pem.replace("\r\n", "\n").strip() + "\n")
    try:
        if match is None:
            raise ValueError
        der = base64.b64decode(match.group(1).replace("\n", ""), validate=True)
    except (ValueError, binascii.Error):
        raise PackageError(
            "the sender's certificate is not one PEM certificate", "damaged"
        ) from None
    body = base64.b64encode(der).decode("ascii")
    lines = [body[start : start + 64] for start in range(0, len(body), 64)]
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"


def certificate_fingerprint(certificate_pem: str) -> str:
    """SHA-256 of the certificate's DER bytes (lower-case hex), as identities are named."""
    body = canonical_pem(certificate_pem).splitlines()[1:-1]
    return sha256_hex(base64.b64decode("".join(body)))


def _zip(
    manifest_bytes: bytes,
    manifest: dict[str, Any],
    files: dict[str, bytes],
    certificate_pem: str,
    signature: str,
) -> bytes:
    members = [(MANIFEST_NAME, manifest_bytes)]
    members += [(entry["name"], files[entry["name"]]) for entry in manifest["files"]]
    members += [(CERTIFICATE_NAME, certificate_pem.encode("ascii"))]
    members += [(SIGNATURE_NAME, signature.encode("ascii"))]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED, allowZip64=False) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.create_system = _UNIX
            info.external_attr = _REGULAR_FILE
            archive.writestr(info, data, zipfile.ZIP_STORED)
    return buffer.getvalue()


def _members(archive: zipfile.ZipFile, size: int) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_FILES + 3:
        raise PackageError(f"the package holds more than {MAX_FILES} files", "too_large")
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or ".." in name or "\\" in name or ":" in name:
            raise PackageError(f"the package holds an unsafe file name {shown(name)}", "damaged")
        if name in members:
            raise PackageError(f"the package holds {shown(name)} twice", "damaged")
        if info.compress_type != zipfile.ZIP_STORED:
            raise PackageError(f"{shown(name)} is compressed, which packages never are", "damaged")
        members[name] = info
    # Members are stored, so their sizes add up to less than the file: this also caps what
    # reading them can take at MAX_PACKAGE_BYTES, whatever the archive claims.
    if sum(info.file_size for info in infos) > size:
        raise PackageError("the package's sizes do not fit in the file: it is damaged", "damaged")
    return members


def _read_member(
    archive: zipfile.ZipFile,
    members: dict[str, zipfile.ZipInfo],
    name: str,
    limit: int = MAX_PACKAGE_BYTES,
) -> bytes:
    info = members[name]
    if info.file_size > limit:
        raise PackageError(f"the package's {shown(name)} is too large", "too_large")
    try:
        return archive.read(info)
    except _ZIP_ERRORS:
        raise PackageError(f"the package's {shown(name)} is damaged", "damaged") from None


def _check_member_names(manifest: dict[str, Any], members: dict[str, zipfile.ZipInfo]) -> None:
    expected = {MANIFEST_NAME, CERTIFICATE_NAME, SIGNATURE_NAME}
    expected |= {entry["name"] for entry in manifest["files"]}
    missing, extra = sorted(expected - set(members)), sorted(set(members) - expected)
    if missing:
        raise PackageError(f"the package is missing {missing[0]}", "damaged")
    if extra:
        raise PackageError(
            f"the package holds {shown(extra[0])}, which its manifest does not list", "damaged"
        )


def _check_files(manifest: dict[str, Any], files: dict[str, bytes]) -> None:
    listed = {entry["name"]: entry for entry in manifest["files"]}
    unmatched = sorted(set(listed) ^ set(files))
    if unmatched:
        where = "is missing" if unmatched[0] in listed else "is not in the manifest"
        raise PackageError(f"the package's {shown(unmatched[0])} {where}", "damaged")
    for name, entry in listed.items():
        data = files[name]
        if len(data) != entry["size"] or sha256_hex(data) != entry["sha256"]:
            raise PackageError(
                f"the package's {name} does not match its manifest (it was altered)", "damaged"
            )


def _check_certificate(manifest: dict[str, Any], certificate_pem: str) -> None:
    if certificate_fingerprint(certificate_pem) != manifest["sender_fingerprint"]:
        raise PackageError(
            "the package's certificate is not the sender's named in its manifest", "damaged"
        )


def _check_signature(signature: str) -> None:
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if not raw or base64.b64encode(raw).decode("ascii") != signature:
        raise PackageError("the package's signature is not canonical base64", "damaged")


def _ascii(data: bytes, name: str) -> str:
    try:
        return data.decode("ascii")
    except UnicodeDecodeError:
        raise PackageError(f"the package's {name} is not ASCII text", "damaged") from None


def _mib(size: int) -> str:
    return f"{size // (1024 * 1024)} MiB"
