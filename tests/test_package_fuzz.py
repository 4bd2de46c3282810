"""Malformed packages through PackageService.unpack: refused in one line, the store unchanged.

1,200 generated packages a run: 400 random, truncated or mutated files (plain and encrypted),
and 800 well-formed, correctly signed packages whose contents lie (a wrong uid, an absurd
version, a document or base not matching its hash, a missing attachment, a forged sign-off,
huge strings, mangled JSON, a stranger's signature), against a store that holds the assessment
and one that does not.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from ccassure.domain.document import Attachment, content_hash
from ccassure.interop.review_package import (
    PackageFile,
    build_manifest,
    read_package,
    write_package,
)
from ccassure.services.context import Context
from ccassure.services.errors import ServiceError
from ccassure.services.package_contents import BASE, DOCUMENT, read_document
from ccassure.signing.identity import create_identity
from ccassure.signing.package_crypto import seal_package, sign_manifest
from ccassure.signing.records import sign_record
from tests.keyrings import MemoryKeyring, memory_keyring_in_use
from tests.package_helpers import PACKAGE_PASS, laptop, no_ask, person, store_bytes
from tests.signoff_helpers import in_review

FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
STRANGER = create_identity("Stan Stranger", "Records manager")
HUGE_SIZES = st.integers(100_000, 400_000)  # drawn as a size, so that a failure prints short
ABSURD_VERSIONS = st.sampled_from([0, -1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64, 10**40])


@dataclass(frozen=True)
class Sent:
    """A genuine package (with a base and an attachment) and what forging one needs."""

    plain: bytes
    sealed: bytes  # the same, encrypted with small scrypt costs
    manifest: dict[str, Any]
    files: dict[str, bytes]
    certificate_pem: str
    key_pem: str
    certificate_file: Path


@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sent]:
    folder = tmp_path_factory.mktemp("officer")
    with memory_keyring_in_use():
        officer = laptop(folder)
        try:
            me = person(officer, "Olu Officer", "Information Assurance Officer")
            assessment = in_review(officer)
            first, second = folder / "first.ccpack", folder / "second.ccpack"
            officer.packages.pack(assessment, first, identity=me.fingerprint, ask=no_ask)
            officer.packages.pack(assessment, second, identity=me.fingerprint, ask=no_ask)
            plain = second.read_bytes()  # carries base.json: the first package's document
            package = read_package(plain)
            assert {BASE, DOCUMENT} <= set(package.files)
            certificate = folder / "officer.pem"
            officer.identities.export_certificate(certificate, me.fingerprint)
            yield Sent(
                plain,
                seal_package(plain, PACKAGE_PASS, n=2**14, r=1, p=1),
                package.manifest,
                package.files,
                package.certificate_pem,
                officer.identities.private_key(me.fingerprint, no_ask),
                certificate,
            )
        finally:
            officer.close()


@dataclass
class Receivers:
    holding: Context  # has the assessment already (merge paths)
    empty: Context  # has nothing (new-assessment paths)


@pytest.fixture
def receivers(tmp_path: Path, memory_keyring: MemoryKeyring, sent: Sent) -> Iterator[Receivers]:
    holding, empty = laptop(tmp_path / "holding"), laptop(tmp_path / "empty")
    try:
        for context in (holding, empty):
            context.identities.trust_certificate(sent.certificate_file)
        genuine = tmp_path / "genuine.ccpack"
        genuine.write_bytes(sent.plain)
        holding.packages.unpack(genuine)
        for backup in holding.store.path.parent.glob("*before-unpack*"):
            backup.unlink()
        yield Receivers(holding, empty)
    finally:
        holding.close()
        empty.close()


def refused(context: Context, data: bytes, folder: Path) -> None:
    path = folder / "fuzzed.ccpack"
    path.write_bytes(data)
    before = store_bytes(context)
    with pytest.raises(ServiceError) as caught:
        context.packages.unpack(path, PACKAGE_PASS)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    assert len(message) <= len(str(path)) + 400  # readable: huge names are shortened
    assert "Traceback" not in message and "\\x" not in message  # no Python reprs
    assert store_bytes(context) == before
    assert not list(context.store.path.parent.glob("*before-unpack*"))
    event(f"refused: {caught.value.kind}")


@st.composite
def damaged_files(draw: st.DrawFn, sent: Sent) -> bytes:
    how = draw(st.sampled_from(["random", "flip", "cut", "splice", "insert"]))
    if how == "random":
        prefix = draw(st.sampled_from([b"", b"PK\x03\x04", sent.sealed[:24], sent.plain[:64]]))
        return prefix + draw(st.binary(max_size=2048))
    good = draw(st.sampled_from([sent.plain, sent.sealed]))
    at = draw(st.integers(0, len(good) - 1))
    if how == "flip":
        return good[:at] + bytes([good[at] ^ draw(st.integers(1, 255))]) + good[at + 1 :]
    if how == "cut":
        return good[:at]
    if how == "splice":
        return good[:at] + draw(st.binary(min_size=1, max_size=64)) + good[at + 1 :]
    return good[:at] + draw(st.binary(min_size=1, max_size=16)) + good[at:]


@settings(FUZZ, max_examples=400)
@given(data=st.data())
def test_damaged_files_are_refused_and_change_nothing(
    receivers: Receivers, sent: Sent, tmp_path: Path, data: st.DataObject
) -> None:
    bad = data.draw(damaged_files(sent))
    assume(bad not in (sent.plain, sent.sealed))
    receiver = data.draw(st.sampled_from(["holding", "empty"]))
    refused(getattr(receivers, receiver), bad, tmp_path)


# ---------------------------------------------------------------- well-formed but lying packages

Lie = Callable[[st.DrawFn, dict[str, Any], dict[str, Any]], None]
"""Changes the document's data and the package's fields in place: files, manifest overrides."""


def _document(forged: dict[str, Any]) -> dict[str, Any]:
    return forged["document"]  # type: ignore[no-any-return]


def wrong_uid(draw: st.DrawFn, forged: dict[str, Any], manifest: dict[str, Any]) -> None:
    other = draw(st.text(min_size=1, max_size=40).filter(str.strip)) * draw(
        st.sampled_from([1, 1, 10_000])
    )
    assume(other != manifest["assessment_uid"])
    if draw(st.booleans()):
        _document(forged)["assessment"]["uid"] = other
    else:  # the manifest names another assessment than its document
        manifest["assessment_uid"] = other


def absurd_version(draw: st.DrawFn, forged: dict[str, Any], manifest: dict[str, Any]) -> None:
    version = draw(ABSURD_VERSIONS)
    _document(forged)["assessment"]["version"] = version
    manifest["version"] = version if version >= 1 else 1
    forged["rehash"] = True


def document_not_as_hashed(
    draw: st.DrawFn, forged: dict[str, Any], manifest: dict[str, Any]
) -> None:
    header = _document(forged)["assessment"]
    header["summary"] = draw(st.text(max_size=60).filter(lambda s: s != header["summary"]))


def base_lies(draw: st.DrawFn, forged: dict[str, Any], manifest: dict[str, Any]) -> None:
    how = draw(st.sampled_from(["edit", "drop", "hash"]))
    if how == "edit":
        base = json.loads(forged["files"][BASE])
        base["assessment"]["title"] = draw(st.text(min_size=1, max_size=60))
        forged["files"][BASE] = json.dumps(base).encode()
    elif how == "drop":
        del forged["files"][BASE]
    else:
        manifest["base_hash"] = hashlib.sha256(draw(st.binary(max_size=8))).hexdigest()


def attachment_missing(draw: st.DrawFn, forged: dict[str, Any], manifest: dict[str, Any]) -> None:
    names = [n for n in forged["files"] if n.startswith("attachments/")]
    if names and draw(st.booleans()):
        del forged["files"][draw(st.sampled_from(names))]
        return
    data = draw(st.binary(max_size=64))
    listed = Attachment.of(draw(st.text(min_size=1, max_size=20)), "text/plain", data)
    entry = listed.model_dump(mode="json") | {"data_base64": ""}
    _document(forged).setdefault("attachments", []).append(entry)
    forged["rehash"] = True


def forged_signoff(draw: st.DrawFn, forged: dict[str, Any], manifest: dict[str, Any]) -> None:
    """A sign-off in the sender's name, signed by someone else's key (or altered after)."""
    document = _document(forged)
    signoff = {
        "role": draw(st.sampled_from(["dpo-advice-provided", "review-owner", "measures-approved"])),
        "name": "Olu Officer",
        "position": "Information Assurance Officer",
        "signed_on": "2026-11-26",
        "decision": draw(st.sampled_from(["advice_given", "noted", "approved"])),
        "notes": draw(st.text(max_size=30)),
        "content_hash": manifest["content_hash"],
        "signed_at": "2026-11-26T10:00:00+00:00",
        "fingerprint": manifest["sender_fingerprint"],
        "certificate_pem": forged["certificate_pem"],
    }
    payload = json.dumps(signoff, sort_keys=True).encode()
    signoff["signature"] = sign_record(STRANGER.key_pem, payload)
    document["signoffs"] = [*document.get("signoffs", []), signoff]
    if draw(st.booleans()):
        header = document["assessment"]
        header["status"] = "approved"  # and claims to seal it
        document["sealed_hash"] = manifest["content_hash"]


def huge_string(draw: st.DrawFn, forged: dict[str, Any], manifest: dict[str, Any]) -> None:
    document, text = _document(forged), "x" * draw(HUGE_SIZES)
    where = draw(st.sampled_from(["title", "item", "role", "template", "uid"]))
    if where == "title":
        document["assessment"]["title"] = text
    elif where == "item":
        document["responses"].append({"item": text, "value": "yes"})
    elif where == "role":
        document["signoffs"] = [{"role": text, "name": "x", "signed_on": "2026-11-26"}]
    elif where == "template":
        document["assessment"]["template_id"] = text
    else:
        document["assessment"]["uid"] = text
    forged["rehash"] = where != "uid"


def mangled_json(draw: st.DrawFn, forged: dict[str, Any], manifest: dict[str, Any]) -> None:
    """The document (or base) replaced by JSON of another shape, or not JSON at all."""
    name = draw(st.sampled_from([DOCUMENT, BASE]))
    value = draw(
        st.sampled_from([None, [], {}, "text", 7, {"assessment": None}, {"assessment": []}])
        | st.dictionaries(st.text(max_size=8), st.integers() | st.text(max_size=8), max_size=4)
    )
    raw = json.dumps(value).encode() if draw(st.booleans()) else draw(st.binary(max_size=40))
    if name == DOCUMENT:
        forged["document"] = None
    forged["files"][name] = raw


def strangers_signature(draw: st.DrawFn, forged: dict[str, Any], manifest: dict[str, Any]) -> None:
    """Signed by a stranger: as themselves (unknown here), or over the officer's certificate."""
    forged["signer"] = "stranger_as_self" if draw(st.booleans()) else "stranger_as_officer"


LIES: dict[str, Lie] = {
    "wrong uid": wrong_uid,
    "absurd version": absurd_version,
    "document not as hashed": document_not_as_hashed,
    "base lies": base_lies,
    "attachment missing": attachment_missing,
    "forged sign-off": forged_signoff,
    "huge string": huge_string,
    "mangled json": mangled_json,
    "stranger's signature": strangers_signature,
}


def forge(sent: Sent, lie: str | None, draw: st.DrawFn) -> bytes:
    files = dict(sent.files)
    forged: dict[str, Any] = {
        "document": json.loads(files[DOCUMENT]),
        "files": files,
        "certificate_pem": sent.certificate_pem,
        "rehash": False,
        "signer": "officer",
    }
    manifest = {
        k: sent.manifest[k]
        for k in (
            "sender",
            "sender_fingerprint",
            "created_at",
            "assessment_uid",
            "version",
            "content_hash",
            "base_hash",
            "note",
        )
    }
    if lie is not None:
        LIES[lie](draw, forged, manifest)
    if forged["document"] is not None:
        files[DOCUMENT] = json.dumps(forged["document"], ensure_ascii=False).encode()
    if forged["rehash"]:  # consistent hashes, so that the lie itself is what is checked
        with contextlib.suppress(ServiceError):
            manifest["content_hash"] = content_hash(read_document(files, DOCUMENT))
    certificate, key = sent.certificate_pem, sent.key_pem
    if forged["signer"] == "stranger_as_self":
        certificate = STRANGER.certificate.certificate_pem
        manifest["sender"], manifest["sender_fingerprint"] = (
            STRANGER.certificate.name,
            STRANGER.certificate.fingerprint,
        )
    if forged["signer"] != "officer":
        key = STRANGER.key_pem
    parts = [PackageFile(name, data) for name, data in files.items()]
    manifest_bytes = build_manifest(**manifest, files=parts)
    plain = write_package(manifest_bytes, parts, certificate, sign_manifest(key, manifest_bytes))
    if draw(st.integers(0, 4)) == 0:
        return seal_package(plain, PACKAGE_PASS, n=2**14, r=1, p=1)
    return plain


@settings(FUZZ, max_examples=800)
@given(data=st.data())
def test_well_formed_packages_that_lie_are_refused_and_change_nothing(
    receivers: Receivers, sent: Sent, tmp_path: Path, data: st.DataObject
) -> None:
    lie = data.draw(st.sampled_from(sorted(LIES)))
    event(lie)
    bad = forge(sent, lie, data.draw)
    receiver = data.draw(st.sampled_from(["holding", "empty"]))
    refused(getattr(receivers, receiver), bad, tmp_path)


@settings(FUZZ, max_examples=10)
@given(data=st.data())
def test_with_no_lie_the_same_forging_makes_a_package_that_opens(
    receivers: Receivers, sent: Sent, tmp_path: Path, data: st.DataObject
) -> None:
    """So each refusal above is for its lie, not for a flaw in how the packages were made."""
    path = tmp_path / "honest.ccpack"
    path.write_bytes(forge(sent, None, data.draw))
    result = receivers.holding.packages.unpack(path, PACKAGE_PASS)
    assert (result.created, result.changes_taken, result.signoffs_added) == (False, 0, 0)
    assert receivers.empty.packages.inspect(path, PACKAGE_PASS).is_new
