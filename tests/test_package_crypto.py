"""Review packages' passphrase envelope and manifest signatures, on real keys and real scrypt."""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import struct
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from ccassure.domain.document import Signoff
from ccassure.domain.signoff import signed_payload
from ccassure.interop import review_package
from ccassure.interop.review_package import (
    PackageFile,
    build_manifest,
    is_encrypted,
    read_package,
    write_package,
)
from ccassure.signing import package_crypto
from ccassure.signing.errors import SigningError
from ccassure.signing.identity import NewIdentity, create_identity
from ccassure.signing.package_crypto import (
    CANNOT_OPEN,
    ENCRYPTED_MAGIC,
    MANIFEST_SIGNATURE_DOMAIN,
    canonical_json,
    open_package,
    seal_package,
    sign_manifest,
    verify_manifest,
)
from ccassure.signing.records import sign_record, verify_record

PASSPHRASE = "correct horse battery staple"
CHEAP = {"n": 2**14, "r": 1, "p": 1}  # the cheapest cost open_package accepts, for many opens


@pytest.fixture(scope="module")
def sender() -> NewIdentity:
    return create_identity("Dele Okafor", "Data Protection Officer", "Met Police")


def package_of(sender: NewIdentity, files: list[PackageFile]) -> tuple[bytes, bytes]:
    manifest = build_manifest(
        sender=sender.certificate.name,
        sender_fingerprint=sender.certificate.fingerprint,
        created_at="2025-03-01T10:00:00+00:00",
        assessment_uid="uid-1",
        version=1,
        content_hash=hashlib.sha256(b"c").hexdigest(),
        base_hash=None,
        note="",
        files=files,
    )
    signature = sign_manifest(sender.key_pem, manifest)
    return manifest, write_package(manifest, files, sender.certificate.certificate_pem, signature)


@pytest.fixture(scope="module")
def small(sender: NewIdentity) -> bytes:
    return package_of(sender, [PackageFile("document.json", b'{"title":"EIA"}')])[1]


@pytest.fixture
def cached_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same key for the same salt and costs without scrypt again (one run per header)."""
    monkeypatch.setattr(package_crypto, "_derive", functools.cache(package_crypto._derive))


def refused(opening: Callable[[], Any], *kinds: str) -> str:
    with pytest.raises(SigningError) as caught:
        opening()
    message = str(caught.value)
    assert caught.value.kind in kinds, message
    assert message and "\n" not in message
    return message


def envelope(header: dict[str, Any], body: bytes = bytes(32)) -> bytes:
    header_bytes = canonical_json(header)
    return ENCRYPTED_MAGIC + struct.pack(">I", len(header_bytes)) + header_bytes + body


def header_of(sealed: bytes) -> dict[str, Any]:
    start = len(ENCRYPTED_MAGIC) + 4
    (length,) = struct.unpack_from(">I", sealed, len(ENCRYPTED_MAGIC))
    header: dict[str, Any] = json.loads(sealed[start : start + length])
    return header


def test_the_two_layers_agree_on_the_envelope() -> None:
    assert review_package.ENCRYPTED_MAGIC == package_crypto.ENCRYPTED_MAGIC
    assert review_package.MAX_PACKAGE_BYTES == package_crypto.MAX_PACKAGE_BYTES


def test_encrypted_round_trip_with_the_default_costs(sender: NewIdentity) -> None:
    files = [
        PackageFile("document.json", b'{"title":"DPIA"}'),
        PackageFile("base.json", b'{"title":"DPIA v1"}'),
        *(
            PackageFile(f"attachments/{hashlib.sha256(data).hexdigest()}", data)
            for data in (b"%PDF-1.7 evidence", os.urandom(5 * 1024 * 1024))
        ),
    ]
    manifest, plain = package_of(sender, files)
    sealed = seal_package(plain, PASSPHRASE)
    assert is_encrypted(sealed) and not is_encrypted(plain)
    assert header_of(sealed) | {"salt": "", "nonce": ""} == {
        "cipher": "AES-256-GCM",
        "kdf": "scrypt",
        "n": 2**17,
        "r": 8,
        "p": 1,
        "salt": "",
        "nonce": "",
        "version": 1,
    }
    assert plain not in sealed and b"DPIA" not in sealed
    opened = open_package(sealed, PASSPHRASE)
    assert opened == plain
    unsealed = read_package(opened)
    assert unsealed.files == {item.name: item.data for item in files}
    assert unsealed.manifest_bytes == manifest
    assert verify_manifest(unsealed.certificate_pem, unsealed.manifest_bytes, unsealed.signature)
    assert seal_package(plain, PASSPHRASE) != sealed  # a fresh salt and nonce each time


def test_a_wrong_passphrase_gives_one_line(small: bytes) -> None:
    sealed = seal_package(small, PASSPHRASE, **CHEAP)
    for wrong in ("", "Correct horse battery staple", PASSPHRASE + " "):
        assert refused(lambda w=wrong: open_package(sealed, w), "wrong_passphrase") == CANNOT_OPEN


def test_passphrases_typed_in_either_unicode_form_open_alike(small: bytes) -> None:
    composed, decomposed = "caf\u00e9 \u00e0 la cr\u00e8me", "cafe\u0301 a\u0300 la cre\u0300me"
    assert open_package(seal_package(small, composed, **CHEAP), decomposed) == small


def test_sealing_refuses_no_passphrase_and_costs_it_would_not_open(small: bytes) -> None:
    refused(lambda: seal_package(small, ""), "invalid")
    refused(lambda: seal_package(small, PASSPHRASE, n=2**30), "damaged")
    refused(lambda: seal_package(small, PASSPHRASE, n=1000), "damaged")


def test_what_is_not_an_encrypted_package_is_said_to_be_so(small: bytes) -> None:
    for data in (b"", small, b"hello", ENCRYPTED_MAGIC[:-1]):
        refused(lambda d=data: open_package(d, PASSPHRASE), "not_package")


def test_one_byte_altered_anywhere_is_refused(small: bytes, cached_scrypt: None) -> None:
    sealed = seal_package(small, PASSPHRASE, **CHEAP)
    for offset in range(len(sealed)):
        altered = bytearray(sealed)
        altered[offset] ^= 0x01 if offset % 2 else 0x40
        refused(
            lambda a=bytes(altered): open_package(a, PASSPHRASE),
            "not_package",
            "damaged",
            "unsupported",
            "wrong_passphrase",
        )
    body = len(sealed) - len(small) - 16
    for offset in range(body, len(sealed)):
        altered = bytearray(sealed)
        altered[offset] ^= 0x01
        message = refused(lambda a=bytes(altered): open_package(a, PASSPHRASE), "wrong_passphrase")
        assert message == CANNOT_OPEN


def test_truncated_at_every_length_is_refused(small: bytes, cached_scrypt: None) -> None:
    sealed = seal_package(small, PASSPHRASE, **CHEAP)
    for length in range(len(sealed)):
        refused(
            lambda n=length: open_package(sealed[:n], PASSPHRASE),
            "not_package",
            "damaged",
            "wrong_passphrase",
        )


def test_a_header_changed_and_put_back_in_canonical_form_fails_authentication(
    small: bytes,
) -> None:
    sealed = seal_package(small, PASSPHRASE, **CHEAP)
    header = header_of(sealed)
    start = len(ENCRYPTED_MAGIC) + 4 + len(canonical_json(header))
    for change in ({"r": 2}, {"salt": base64.b64encode(bytes(16)).decode()}):
        assert refused(
            lambda c=change: open_package(envelope(header | c, sealed[start:]), PASSPHRASE),
            "wrong_passphrase",
        )


def valid_header() -> dict[str, Any]:
    return {
        "cipher": "AES-256-GCM",
        "kdf": "scrypt",
        "n": 2**14,
        "r": 8,
        "p": 1,
        "salt": base64.b64encode(bytes(16)).decode(),
        "nonce": base64.b64encode(bytes(12)).decode(),
        "version": 1,
    }


HOSTILE: list[tuple[dict[str, Any], str]] = [
    ({"n": 2**40}, "damaged"),
    ({"n": 2**20, "r": 8}, "damaged"),
    ({"r": 10**6}, "damaged"),
    ({"p": 10**6}, "damaged"),
    ({"n": 2**18, "r": 8, "p": 4}, "damaged"),
    ({"n": 2**16, "r": 1}, "damaged"),
    ({"n": 3 * 2**14}, "damaged"),
    ({"n": 2**10}, "damaged"),
    ({"n": -(2**14)}, "damaged"),
    ({"r": 0}, "damaged"),
    ({"p": 0}, "damaged"),
    ({"n": "16384"}, "damaged"),
    ({"r": True}, "damaged"),
    ({"salt": "AAAA"}, "damaged"),
    ({"nonce": "not base64"}, "damaged"),
    ({"nonce": None}, "damaged"),
    ({"cipher": "AES-128-GCM"}, "unsupported"),
    ({"kdf": "argon2id"}, "unsupported"),
    ({"version": 2}, "unsupported"),
    ({"extra": 1}, "damaged"),
]


@pytest.mark.parametrize(("change", "kind"), HOSTILE)
def test_hostile_headers_are_refused_before_any_key_derivation(
    change: dict[str, Any], kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_derivation(*_: object) -> bytes:
        raise AssertionError("scrypt ran on a header that should have been refused")

    monkeypatch.setattr(package_crypto, "_derive", no_derivation)
    refused(lambda: open_package(envelope(valid_header() | change), PASSPHRASE), kind)


@pytest.mark.parametrize(
    "prefix",
    [
        ENCRYPTED_MAGIC + b"\xff\xff\xff\xff{}" + bytes(64),
        ENCRYPTED_MAGIC + b"\x00\x00\x00\x02{}",
        ENCRYPTED_MAGIC + b"\x00\x00\x00\x03[1]" + bytes(16),
        ENCRYPTED_MAGIC + b"\x00\x00\x00\x02\xff\xfe" + bytes(16),
        ENCRYPTED_MAGIC + b"\x00\x00",
    ],
)
def test_broken_envelopes_are_damaged(prefix: bytes) -> None:
    refused(lambda: open_package(prefix, PASSPHRASE), "damaged")


def test_a_signature_over_an_altered_manifest_fails(sender: NewIdentity) -> None:
    manifest = package_of(sender, [PackageFile("document.json", b"{}")])[0]
    signature = sign_manifest(sender.key_pem, manifest)
    pem = sender.certificate.certificate_pem
    assert verify_manifest(pem, manifest, signature)
    altered = manifest.replace(b'"version":1', b'"version":2')
    assert altered != manifest and not verify_manifest(pem, altered, signature)
    other = create_identity("Mallory", "Impostor")
    assert not verify_manifest(other.certificate.certificate_pem, manifest, signature)
    assert not verify_manifest(pem, manifest, sign_manifest(other.key_pem, manifest))
    assert not verify_manifest(pem, manifest, "not base64")


def test_manifest_and_sign_off_signatures_never_pass_for_each_other(
    sender: NewIdentity,
) -> None:
    pem = sender.certificate.certificate_pem
    manifest = package_of(sender, [PackageFile("document.json", b"{}")])[0]
    manifest_signature = sign_manifest(sender.key_pem, manifest)
    assert not verify_record(pem, manifest, manifest_signature)
    signoff = Signoff(
        role="dpo-advice-provided",
        name=sender.certificate.name,
        signed_on=date(2025, 3, 1),
        content_hash=hashlib.sha256(b"c").hexdigest(),
        fingerprint=sender.certificate.fingerprint,
    )
    payload = signed_payload("uid-1", 1, signoff)
    signoff_signature = sign_record(sender.key_pem, payload)
    assert verify_record(pem, payload, signoff_signature)
    assert not verify_manifest(pem, payload, signoff_signature)
    assert not payload.startswith(MANIFEST_SIGNATURE_DOMAIN)
    assert not verify_manifest(pem, manifest, sign_record(sender.key_pem, manifest))
