"""Refused review packages: one clear message each, and the receiving store's bytes unchanged."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ccassure.services.context import Context
from ccassure.services.errors import ServiceError
from tests.keyrings import MemoryKeyring, memory_keyring_in_use
from tests.package_helpers import PACKAGE_PASS, laptop, no_ask, person, store_bytes
from tests.signoff_helpers import in_review


@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, str]]:
    """A plain and an encrypted package from an officer's store, and the sender's certificate."""
    folder = tmp_path_factory.mktemp("officer")
    with memory_keyring_in_use():
        officer = laptop(folder)
        try:
            me = person(officer, "Olu Officer", "Information Assurance Officer")
            assessment = in_review(officer)
            plain, sealed = folder / "plain.ccpack", folder / "sealed.ccpack"
            officer.packages.pack(assessment, plain, identity=me.fingerprint, ask=no_ask)
            officer.packages.pack(
                assessment, sealed, identity=me.fingerprint, passphrase=PACKAGE_PASS, ask=no_ask
            )
            certificate = folder / "officer.pem"
            officer.identities.export_certificate(certificate, me.fingerprint)
            yield plain, sealed, str(certificate)
        finally:
            officer.close()


@pytest.fixture
def dpo(tmp_path: Path, memory_keyring: MemoryKeyring) -> Iterator[Context]:
    context = laptop(tmp_path / "dpo")
    person(context, "Dana DPO", "Data Protection Officer")
    yield context
    context.close()


def refused(context: Context, path: Path, passphrase: str | None, match: str) -> None:
    before = store_bytes(context)
    with pytest.raises(ServiceError, match=match) as caught:
        context.packages.unpack(path, passphrase)
    assert "\n" not in str(caught.value)
    assert store_bytes(context) == before
    assert not list(context.store.path.parent.glob("*before-unpack*"))  # refused before a backup


def test_refusals_each_say_why_and_change_nothing(
    dpo: Context, sent: tuple[Path, Path, str], tmp_path: Path
) -> None:
    plain, sealed, certificate = sent
    refused(dpo, plain, None, r"Olu Officer.*not known in this store.*identity trust")
    dpo.identities.trust_certificate(Path(certificate))
    fingerprint = dpo.identities.list()[-1].fingerprint
    dpo.identities.untrust(fingerprint)
    refused(dpo, plain, None, r"Olu Officer.*known here but not trusted.*identity trust")
    dpo.identities.trust_certificate(Path(certificate))
    refused(dpo, sealed, "not the passphrase", r"passphrase does not open.*check the passphrase")
    refused(dpo, sealed, None, r"encrypted; give its passphrase")
    data = plain.read_bytes()
    cases = {
        "truncated": data[: len(data) // 2],
        "empty": b"",
        "random": os.urandom(4096),
        "pdf": b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
        "sealed-truncated": sealed.read_bytes()[:-40],
    }
    for offset in (len(data) // 3, len(data) // 2, len(data) - 30):
        altered = bytearray(data)
        altered[offset] ^= 0x01
        cases[f"altered-{offset}"] = bytes(altered)
    for name, bad in cases.items():
        path = tmp_path / f"{name}.ccpack"
        path.write_bytes(bad)
        phrase = PACKAGE_PASS if name.startswith("sealed") else None
        refused(
            dpo,
            path,
            phrase,
            r"(not a ccassure|damaged|altered|incomplete|passphrase).*; "
            r"(ask the sender for a fresh copy|open the \.ccpack file|check the passphrase)",
        )
    assert dpo.assessments.list_summaries() == []
    assert dpo.packages.unpack(plain).created  # the intact package still opens
