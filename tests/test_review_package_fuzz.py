"""Review packages under fuzzing: anything read back is exactly what was packed, or refused."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import struct
import warnings
import zipfile
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ccassure.interop.review_package import (
    PackageError,
    PackageFile,
    UnsealedPackage,
    build_manifest,
    canonical_json,
    is_encrypted,
    read_package,
    write_package,
)
from ccassure.signing.errors import SigningError
from ccassure.signing.identity import create_identity
from ccassure.signing.package_crypto import (
    ENCRYPTED_MAGIC,
    open_package,
    seal_package,
    sign_manifest,
    verify_manifest,
)

# 200 random + 500 mutated + 500 zips + 250 envelopes + 150 manifests = 1,600 inputs a run.
FUZZ = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PASSPHRASE = "pass phrase"
SENDER = create_identity("Fuzz Sender", "Tester")
FILES = [
    PackageFile("document.json", b'{"assessment":{"title":"Fuzzed DPIA"}}'),
    PackageFile("base.json", b'{"assessment":{"title":"Base"}}'),
    *(
        PackageFile(f"attachments/{hashlib.sha256(data).hexdigest()}", data)
        for data in (b"evidence one", b"")
    ),
]
MANIFEST = build_manifest(
    sender=SENDER.certificate.name,
    sender_fingerprint=SENDER.certificate.fingerprint,
    created_at="2025-03-01T10:00:00+00:00",
    assessment_uid="fuzz-uid",
    version=3,
    content_hash=hashlib.sha256(b"c").hexdigest(),
    base_hash=hashlib.sha256(b"b").hexdigest(),
    note="fuzz",
    files=FILES,
)
SIGNATURE = sign_manifest(SENDER.key_pem, MANIFEST)
PLAIN = write_package(MANIFEST, FILES, SENDER.certificate.certificate_pem, SIGNATURE)
SEALED = seal_package(PLAIN, PASSPHRASE, n=2**14, r=1, p=1)
with zipfile.ZipFile(io.BytesIO(PLAIN)) as _archive:
    MEMBERS = [(info.filename, _archive.read(info)) for info in _archive.infolist()]
MEMBERS_STORED = [(name, data, zipfile.ZIP_STORED) for name, data in MEMBERS]

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
HOSTILE_NAMES = st.sampled_from(
    [
        "../manifest.json",
        "/document.json",
        "attachments/../../etc/passwd",
        "C:\\Windows\\x",
        "document.json/",
        "attachments/",
        "manifest.json",
        "document.json",
        "DOCUMENT.JSON",
        "attachments/" + "0" * 64,
        "a" * 300,
        "naïve.json",
    ]
) | st.text(max_size=20)


def unpack(data: bytes) -> UnsealedPackage | None:
    """The whole reading path: passphrase, container, signature; None for a refusal."""
    try:
        plain = open_package(data, PASSPHRASE) if is_encrypted(data) else data
        package = read_package(plain)
    except (PackageError, SigningError) as error:
        assert str(error) and "\n" not in str(error)
        event(f"refused: {error.kind}")
        return None
    event("read")
    return package


def assert_read_back_exactly(package: UnsealedPackage, data: bytes) -> None:
    files = [PackageFile(name, content) for name, content in package.files.items()]
    again = write_package(package.manifest_bytes, files, package.certificate_pem, package.signature)
    assert again == (open_package(data, PASSPHRASE) if is_encrypted(data) else data)


def zip_of(members: list[tuple[str, bytes, int]]) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as archive:
        warnings.simplefilter("ignore")  # duplicate names
        for name, data, method in members:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.create_system, info.external_attr = 3, 0o100644 << 16
            archive.writestr(info, data, method)
    return buffer.getvalue()


def mutate_json(draw: st.DrawFn, value: Any) -> Any:
    """The value with one node replaced, removed or added somewhere inside it."""
    if isinstance(value, dict) and value and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(value)))
        action = draw(st.sampled_from(["descend", "delete", "add"]))
        if action == "delete":
            return {k: v for k, v in value.items() if k != key}
        if action == "add":
            return value | {draw(st.text(max_size=8)): draw(JSON_VALUES)}
        return value | {key: mutate_json(draw, value[key])}
    if isinstance(value, list) and value and draw(st.booleans()):
        index = draw(st.integers(0, len(value) - 1))
        return [*value[:index], mutate_json(draw, value[index]), *value[index + 1 :]]
    return draw(JSON_VALUES)


@settings(FUZZ, max_examples=200)
@given(st.sampled_from([b"", b"PK\x03\x04", ENCRYPTED_MAGIC, PLAIN[:43]]), st.binary(max_size=600))
def test_random_bytes_are_refused(prefix: bytes, noise: bytes) -> None:
    assert unpack(prefix + noise) is None


@st.composite
def mutated_packages(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from([PLAIN, PLAIN, SEALED])))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["flip", "set", "delete", "insert", "truncate"]))
        if action == "flip" and at < len(data):
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif action == "set" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        else:
            del data[at:]
    return bytes(data)


@FUZZ
@given(mutated_packages())
def test_mutated_packages_read_back_exactly_or_are_refused(data: bytes) -> None:
    package = unpack(data)
    if package is not None:
        assert data in (PLAIN, SEALED)
        assert_read_back_exactly(package, data)


@st.composite
def hostile_zips(draw: st.DrawFn) -> bytes:
    members = list(MEMBERS_STORED)
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(members) - 1))
        name, data, method = members[at]
        action = draw(
            st.sampled_from(["drop", "duplicate", "rename", "add", "swap", "deflate", "manifest"])
        )
        if action == "drop":
            del members[at]
        elif action == "duplicate":
            members.insert(draw(st.integers(0, len(members))), members[at])
        elif action == "rename":
            members[at] = (draw(HOSTILE_NAMES), data, method)
        elif action == "add":
            members.append((draw(HOSTILE_NAMES), draw(st.binary(max_size=64)), zipfile.ZIP_STORED))
        elif action == "swap":
            other = draw(st.integers(0, len(members) - 1))
            members[at], members[other] = members[other], members[at]
        elif action == "deflate":
            members[at] = (name, data, zipfile.ZIP_DEFLATED)
        else:
            manifest = mutate_json(draw, json.loads(MANIFEST))
            text = (
                canonical_json(manifest) if draw(st.booleans()) else json.dumps(manifest).encode()
            )
            members = [(n, text if n == "manifest.json" else d, m) for n, d, m in members]
        if not members:
            break
    try:
        return zip_of(members)
    except (ValueError, UnicodeEncodeError, zipfile.LargeZipFile):
        return zip_of(MEMBERS_STORED)


@FUZZ
@given(hostile_zips())
def test_zips_with_hostile_members_and_manifests_read_back_exactly_or_are_refused(
    data: bytes,
) -> None:
    package = unpack(data)
    if package is not None:
        assert_read_back_exactly(package, data)
        assert data == PLAIN
        assert verify_manifest(package.certificate_pem, package.manifest_bytes, package.signature)


VALID_HEADER = json.loads(SEALED[len(ENCRYPTED_MAGIC) + 4 :].split(b"}", 1)[0] + b"}")
HEADER_VALUES = {
    "n": st.sampled_from([2**14, 2**15, 2**13, 3, 0, -1, 2**40, 2**62, "16384", None, 1.5]),
    "r": st.sampled_from([1, 2, 8, 0, -1, 2**31, True, "8"]),
    "p": st.sampled_from([1, 2, 0, 5, 10**9, None]),
    "salt": st.binary(max_size=24).map(lambda raw: base64.b64encode(raw).decode()) | st.text(),
    "nonce": st.binary(max_size=16).map(lambda raw: base64.b64encode(raw).decode()) | st.text(),
    "cipher": st.sampled_from(["AES-256-GCM", "AES-128-GCM", "ChaCha20-Poly1305", ""]),
    "kdf": st.sampled_from(["scrypt", "argon2id", "pbkdf2", ""]),
    "version": st.sampled_from([1, 2, 0, "1", None]),
}


@st.composite
def hostile_envelopes(draw: st.DrawFn) -> bytes:
    header = dict(VALID_HEADER)
    for key in draw(st.lists(st.sampled_from(sorted(HEADER_VALUES)), max_size=3)):
        header[key] = draw(HEADER_VALUES[key])
    if draw(st.integers(0, 5)) == 0:
        header = mutate_json(draw, header)
    header_bytes = canonical_json(header) if draw(st.booleans()) else json.dumps(header).encode()
    length = len(header_bytes)
    if draw(st.integers(0, 5)) == 0:
        length = draw(st.integers(0, 2**32 - 1))
    start = len(ENCRYPTED_MAGIC) + 4 + len(canonical_json(VALID_HEADER))
    body = SEALED[start:] if draw(st.booleans()) else draw(st.binary(max_size=64))
    return ENCRYPTED_MAGIC + struct.pack(">I", length) + header_bytes + body


@settings(FUZZ, max_examples=250)
@given(hostile_envelopes())
def test_envelopes_with_hostile_headers_are_refused(data: bytes) -> None:
    package = unpack(data)
    if package is not None:
        assert data == SEALED


@settings(FUZZ, max_examples=150)
@given(st.binary(max_size=300) | JSON_VALUES.map(lambda value: json.dumps(value).encode()))
def test_hostile_manifests_in_an_otherwise_valid_package_are_refused(text: bytes) -> None:
    data = zip_of([(n, text if n == "manifest.json" else d, m) for n, d, m in MEMBERS_STORED])
    assert unpack(data) is None


def test_the_fuzzed_bases_read() -> None:
    """The fuzzers start from packages that do read: their refusals are of the mutations."""
    for data in (PLAIN, SEALED):
        package = read_package(open_package(data, PASSPHRASE) if is_encrypted(data) else data)
        assert_read_back_exactly(package, data)
        assert verify_manifest(package.certificate_pem, package.manifest_bytes, package.signature)


pytestmark = pytest.mark.slow
