"""Review packages: the container read back exactly, or refused with one line and a kind."""

from __future__ import annotations

import hashlib
import io
import json
import os
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest

from ccassure.interop import review_package
from ccassure.interop.review_package import (
    PACKAGE_SUFFIX,
    PackageError,
    PackageFile,
    build_manifest,
    canonical_json,
    is_encrypted,
    read_package,
    write_package,
)
from ccassure.signing.identity import NewIdentity, create_identity

FIXTURE = Path(__file__).parent / "fixtures" / "review_package" / f"format1{PACKAGE_SUFFIX}"
DOCUMENT = PackageFile("document.json", b'{"assessment":{"title":"Body-worn video DPIA"}}')


@pytest.fixture(scope="module")
def sender() -> NewIdentity:
    return create_identity("Asha Patel", "Information Assurance Officer", "Met Police")


def attachment(data: bytes) -> PackageFile:
    return PackageFile(f"attachments/{hashlib.sha256(data).hexdigest()}", data)


def manifest_for(sender: NewIdentity, files: list[PackageFile], **changes: Any) -> bytes:
    fields: dict[str, Any] = {
        "sender": sender.certificate.name,
        "sender_fingerprint": sender.certificate.fingerprint,
        "created_at": "2025-03-01T10:00:00+00:00",
        "assessment_uid": "0b6f8c1e-dpia",
        "version": 2,
        "content_hash": hashlib.sha256(b"content").hexdigest(),
        "base_hash": hashlib.sha256(b"base").hexdigest(),
        "note": "For DPO advice — ‘residual risk’ section",
        "files": files,
    }
    return build_manifest(**(fields | changes))


def make_package(sender: NewIdentity, files: list[PackageFile], signature: str = "c2ln") -> bytes:
    manifest = manifest_for(sender, files)
    return write_package(manifest, files, sender.certificate.certificate_pem, signature)


def members_of(package: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def zip_of(members: list[tuple[str, bytes]], method: int = zipfile.ZIP_STORED) -> bytes:
    """A ZIP as the writer makes them (fixed time, Unix attributes), with any members."""
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as archive:
        warnings.simplefilter("ignore")  # duplicate names are some tests' point
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.create_system, info.external_attr = 3, 0o100644 << 16
            archive.writestr(info, data, method)
    return buffer.getvalue()


def refused(data: bytes, kind: str) -> str:
    with pytest.raises(PackageError) as caught:
        read_package(data)
    message = str(caught.value)
    assert caught.value.kind == kind, message
    assert message and "\n" not in message and "Traceback" not in message
    return message


def replaced(package: bytes, name: str, data: bytes) -> bytes:
    return zip_of(
        [(member, data if member == name else old) for member, old in members_of(package)]
    )


def with_manifest(package: bytes, change: Any) -> bytes:
    members = dict(members_of(package))
    manifest = json.loads(members["manifest.json"])
    change(manifest)
    return replaced(package, "manifest.json", canonical_json(manifest))


@pytest.fixture(scope="module")
def small(sender: NewIdentity) -> bytes:
    return make_package(sender, [DOCUMENT, attachment(b"evidence")])


def test_round_trip_with_attachments_including_5_mib(sender: NewIdentity) -> None:
    files = [
        DOCUMENT,
        PackageFile("base.json", b'{"assessment":{"title":"v1"}}'),
        attachment(b"%PDF-1.7 supplier evidence"),
        attachment(b""),
        attachment(os.urandom(5 * 1024 * 1024)),
    ]
    package = make_package(sender, files)
    unsealed = read_package(package)
    assert unsealed.files == {item.name: item.data for item in files}
    assert unsealed.certificate_pem == sender.certificate.certificate_pem
    assert unsealed.signature == "c2ln"
    assert unsealed.manifest == json.loads(unsealed.manifest_bytes)
    assert unsealed.manifest["note"] == "For DPO advice — ‘residual risk’ section"
    assert [entry["name"] for entry in unsealed.manifest["files"]] == sorted(unsealed.files)
    assert not is_encrypted(package)


def test_the_same_contents_always_give_the_same_bytes(sender: NewIdentity) -> None:
    files = [attachment(b"b"), DOCUMENT, attachment(b"a")]
    assert make_package(sender, files) == make_package(sender, list(reversed(files)))
    names = [name for name, _ in members_of(make_package(sender, files))]
    assert names[0] == "manifest.json" and names[-2:] == ["certificate.pem", "manifest.sig"]


def test_a_package_written_by_format_1_still_reads_and_writes_back_identically() -> None:
    """Guards the writer's determinism against a zipfile that writes differently one day."""
    data = FIXTURE.read_bytes()
    unsealed = read_package(data)
    files = [PackageFile(name, content) for name, content in unsealed.files.items()]
    again = write_package(
        unsealed.manifest_bytes, files, unsealed.certificate_pem, unsealed.signature
    )
    assert again == data
    assert unsealed.manifest["assessment_uid"] == "golden-uid"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello",
        b"%PDF-1.7\n",
        b'{"format":"ccassure-review-package"}',
        b"PK\x05\x06" + bytes(18),
    ],
)
def test_what_is_not_a_package_is_said_to_be_so(data: bytes) -> None:
    refused(data, "not_package")


def test_other_zip_files_are_not_packages() -> None:
    refused(
        zip_of([("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w/>")]),
        "not_package",
    )
    refused(zip_of([("manifest.json", b'{"format":"something-else"}')]), "not_package")


def test_an_encrypted_package_needs_its_passphrase_first(small: bytes) -> None:
    refused(review_package.ENCRYPTED_MAGIC + small, "encrypted")


def test_one_byte_altered_anywhere_is_refused(small: bytes) -> None:
    for offset in range(len(small)):
        altered = bytearray(small)
        altered[offset] ^= 0x01 if offset % 2 else 0x80
        refused(bytes(altered), "not_package" if offset < 4 else "damaged")


def test_truncated_at_every_length_is_refused(small: bytes) -> None:
    for length in range(len(small)):
        refused(small[:length], "not_package" if length < 4 else "damaged")


def test_trailing_or_leading_bytes_are_refused(small: bytes) -> None:
    refused(small + b"\0", "damaged")
    refused(b"PK\x03\x04" + small, "damaged")


def test_a_file_altered_with_its_zip_checksum_fixed_is_named(small: bytes) -> None:
    message = refused(replaced(small, "document.json", b'{"assessment":{"title":"X"}}'), "damaged")
    assert "document.json" in message and "altered" in message
    message = refused(replaced(small, "document.json", DOCUMENT.data + b" "), "damaged")
    assert "document.json" in message


def test_a_byte_flipped_inside_a_file_names_the_file(small: bytes) -> None:
    at = small.index(DOCUMENT.data) + 5
    message = refused(small[:at] + b"X" + small[at + 1 :], "damaged")
    assert "document.json" in message


def test_extra_missing_and_duplicate_members_are_refused(small: bytes) -> None:
    members = members_of(small)
    assert "evil.txt" in refused(zip_of([*members, ("evil.txt", b"")]), "damaged")
    dropped = [member for member in members if member[0] != "document.json"]
    assert "document.json" in refused(zip_of(dropped), "damaged")
    assert "manifest.sig" in refused(zip_of(members[:-1]), "damaged")
    assert "twice" in refused(zip_of([*members, members[1]]), "damaged")
    reordered = [members[0], *reversed(members[1:])]
    refused(zip_of(reordered), "damaged")


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "/etc/passwd", "attachments/../../x", "C:\\x", "a\\..\\b"]
)
def test_path_traversal_names_are_refused(small: bytes, name: str) -> None:
    assert "unsafe" in refused(zip_of([*members_of(small), (name, b"x")]), "damaged")


def test_compressed_members_are_refused_before_they_are_inflated(small: bytes) -> None:
    bomb = [(name, data) for name, data in members_of(small)]
    bomb.append(("attachments/" + "0" * 64, bytes(64 * 1024 * 1024)))
    message = refused(zip_of(bomb, zipfile.ZIP_DEFLATED), "damaged")
    assert "compressed" in message


def test_sizes_beyond_the_caps_or_the_file_are_refused_unread(
    small: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    many = [(f"attachments/{index:064x}", b"") for index in range(review_package.MAX_FILES + 4)]
    refused(zip_of([*members_of(small), *many]), "too_large")
    forged = bytearray(small)
    directory = small.index(b"PK\x01\x02")  # the central directory's first entry's size
    forged[directory + 24 : directory + 28] = (0xFFFF_FFF0).to_bytes(4, "little")
    assert "sizes" in refused(bytes(forged), "damaged")
    monkeypatch.setattr(review_package, "MAX_PACKAGE_BYTES", len(small) - 1)
    refused(small, "too_large")


def test_a_newer_format_is_unsupported_and_a_bad_manifest_damaged(small: bytes) -> None:
    newer = with_manifest(small, lambda manifest: manifest.update(format_version=2))
    assert "newer" in refused(newer, "unsupported")
    assert "JSON" in refused(replaced(small, "manifest.json", b"{not json"), "damaged")
    refused(replaced(small, "manifest.json", b"\xff\xfe"), "damaged")


@pytest.mark.parametrize(
    "change",
    [
        lambda manifest: manifest.pop("note"),
        lambda manifest: manifest.update(extra=1),
        lambda manifest: manifest.update(version="2"),
        lambda manifest: manifest.update(version=0),
        lambda manifest: manifest.update(format_version=0),
        lambda manifest: manifest.update(format_version=True),
        lambda manifest: manifest.update(content_hash="ABC"),
        lambda manifest: manifest.update(base_hash=7),
        lambda manifest: manifest.update(created_at="yesterday"),
        lambda manifest: manifest.update(sender=""),
        lambda manifest: manifest.update(files={}),
        lambda manifest: manifest["files"].reverse(),
        lambda manifest: manifest["files"][0].update(size=-1),
        lambda manifest: manifest["files"][0].update(size=10**12),
        lambda manifest: manifest["files"][0].update(sha256="0" * 64),
        lambda manifest: manifest["files"][0].update(name="notes.txt"),
        lambda manifest: manifest["files"][0].pop("size"),
        lambda manifest: manifest["files"].append(manifest["files"][0]),
        lambda manifest: manifest.update(files=[]),
    ],
)
def test_a_manifest_outside_the_schema_is_damaged(small: bytes, change: Any) -> None:
    refused(with_manifest(small, change), "damaged")


@pytest.mark.parametrize(
    "manifest_text",
    [
        b'{"format":"ccassure-review-package","format":"ccassure-review-package"}',
        b'{"format":"ccassure-review-package","format_version":1.0}',
        b'{"format":"ccassure-review-package","format_version":NaN}',
        b"[" * 100_000,
    ],
)
def test_json_tricks_in_the_manifest_are_damaged(small: bytes, manifest_text: bytes) -> None:
    refused(replaced(small, "manifest.json", manifest_text), "damaged")


def test_a_manifest_not_in_canonical_form_is_damaged(small: bytes) -> None:
    manifest = json.loads(dict(members_of(small))["manifest.json"])
    refused(replaced(small, "manifest.json", json.dumps(manifest, indent=1).encode()), "damaged")


def test_the_certificate_must_be_the_manifests_sender(small: bytes) -> None:
    other = create_identity("Mallory", "Impostor").certificate.certificate_pem.encode()
    assert "certificate" in refused(replaced(small, "certificate.pem", other), "damaged")
    pem = dict(members_of(small))["certificate.pem"]
    refused(replaced(small, "certificate.pem", pem.replace(b"\n", b"\r\n")), "damaged")
    refused(replaced(small, "certificate.pem", b"\xff" + pem), "damaged")


@pytest.mark.parametrize("signature", [b"", b"c2ln\n", b"c2l=", b"not base64!", "é".encode()])
def test_a_signature_not_in_canonical_base64_is_damaged(small: bytes, signature: bytes) -> None:
    refused(replaced(small, "manifest.sig", signature), "damaged")


def test_writing_refuses_what_could_not_be_read(sender: NewIdentity) -> None:
    manifest = manifest_for(sender, [DOCUMENT])
    pem = sender.certificate.certificate_pem
    cases = [
        (manifest, [], pem, "c2ln"),
        (manifest, [DOCUMENT, DOCUMENT], pem, "c2ln"),
        (manifest, [PackageFile("document.json", b"{}")], pem, "c2ln"),
        (manifest, [DOCUMENT], create_identity("B", "C").certificate.certificate_pem, "c2ln"),
        (manifest, [DOCUMENT], pem, "c2ln\n"),
        (b"{}", [DOCUMENT], pem, "c2ln"),
    ]
    for case in cases:
        with pytest.raises(PackageError) as caught:
            write_package(*case)
        assert caught.value.kind == "invalid" and "\n" not in str(caught.value)
    pem_crlf = pem.replace("\n", "\r\n")
    written = read_package(write_package(manifest, [DOCUMENT], pem_crlf, "c2ln"))
    assert written.certificate_pem == pem


@pytest.mark.parametrize(
    "changes",
    [
        {"files": [attachment(b"x")]},
        {"files": [DOCUMENT, PackageFile("attachments/" + "0" * 64, b"x")]},
        {"files": [DOCUMENT, PackageFile("../document.json", b"x")]},
        {"sender_fingerprint": "F" * 64},
        {"version": 0},
        {"created_at": "soon"},
    ],
)
def test_building_a_manifest_refuses_what_could_not_be_read(
    sender: NewIdentity, changes: dict[str, Any]
) -> None:
    with pytest.raises(PackageError) as caught:
        manifest_for(sender, changes.pop("files", [DOCUMENT]), **changes)
    assert caught.value.kind == "invalid"
