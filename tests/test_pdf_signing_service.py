"""PdfSigningService and identity trust with keys in a keyring (in memory and real) or key files."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

from ccassure.services.errors import ServiceError
from ccassure.services.identities import KEY_FILE, NO_KEY, IdentityService
from ccassure.services.pdf_signing import PdfSigningService
from ccassure.signing.errors import SigningError
from ccassure.signing.identity import create_identity, to_pkcs12
from ccassure.store.store import Store
from tests.conftest import ROOT
from tests.keyrings import MemoryKeyring, run_under_secret_service
from tests.pdf_helpers import PASS, make_pdf, pdfsig, rsa_identity


@pytest.fixture
def services(tmp_path: Path) -> Iterator[tuple[IdentityService, PdfSigningService]]:
    store = Store.create(tmp_path / "store.db")
    identities = IdentityService(store, tmp_path / "data")
    yield identities, PdfSigningService(identities, store)
    store.close()


def never(_prompt: str) -> str:
    raise AssertionError("no passphrase is needed with a keyring")


def test_sign_in_place_with_the_keyring_and_an_imported_rsa_identity(
    services: tuple[IdentityService, PdfSigningService],
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    identities, signing = services
    with pytest.raises(ServiceError, match="no identity with a private key"):
        signing.sign(make_pdf(), None, never)
    mine = identities.create("Łukasz Żółć", "DPO", "Met", never)
    report = tmp_path / "report.pdf"
    report.write_bytes(make_pdf())
    report.chmod(0o640)
    done = signing.sign_file(report, None, never)  # the only identity with a key
    assert done.path == report and done.fingerprint == mine.fingerprint
    assert report.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    p12 = tmp_path / "org.p12"
    org = rsa_identity("Org Person", "Home Office")
    p12.write_bytes(to_pkcs12(org, PASS))
    imported = identities.import_pkcs12(p12, lambda _p: PASS)
    assert imported.trusted
    with pytest.raises(ServiceError, match="2 identities can sign here"):
        signing.sign_file(report, None, never)
    signing.sign_file(report, imported.fingerprint, never, "Countersigned")
    found = signing.verify_file(report)
    assert [s.signer for s in found.signatures] == ["Łukasz Żółć", "Org Person"]
    assert found.passes(require_trusted=True)
    assert [s["Signature Validation"] for s in pdfsig(report)] == ["Signature is Valid."] * 2
    identities.untrust(imported.fingerprint)
    assert not signing.verify_file(report).passes(require_trusted=True)
    assert [v.trusted for v in identities.list()] == [True, False]


def test_a_wrong_passphrase_changes_nothing(
    services: tuple[IdentityService, PdfSigningService], tmp_path: Path
) -> None:
    identities, signing = services
    before = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        view = identities.create("A Person", "DPO", ask=lambda _p: PASS)
    finally:
        keyring.set_keyring(before)
    assert view.key == KEY_FILE
    report = tmp_path / "r.pdf"
    original = make_pdf()
    report.write_bytes(original)
    with pytest.raises(SigningError, match="passphrase is wrong"):
        signing.sign_file(report, None, lambda _p: "wrong passphrase")
    assert report.read_bytes() == original
    signing.sign_file(report, None, lambda _p: PASS, output=tmp_path / "out.pdf")
    assert report.read_bytes() == original
    assert signing.verify_file(tmp_path / "out.pdf").passes(require_trusted=True)
    unsigned = signing.verify_file(report)  # readable, so a failed verification, not an error
    assert unsigned.state == "unsigned" and not unsigned.passes()


def test_trust_untrust_delete_with_audit_events(
    services: tuple[IdentityService, PdfSigningService],
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    identities, _signing = services
    mine = identities.create("Mine", "DPO", "Met", never)
    other = create_identity("Other", "Auditor")
    cert = tmp_path / "other.der"
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    der = x509.load_pem_x509_certificate(other.certificate.certificate_pem.encode()).public_bytes(
        serialization.Encoding.DER
    )
    cert.write_bytes(der)
    trusted = identities.trust_certificate(cert)
    assert trusted.trusted and trusted.key == NO_KEY
    assert identities.trust_certificate(cert) == trusted  # already trusted: nothing changes
    identities.untrust(other.certificate.fingerprint)
    assert identities.trust_certificate(cert).trusted
    with pytest.raises(ServiceError, match="no such file"):
        identities.trust_certificate(tmp_path / "missing.pem")
    gone = identities.delete(mine.fingerprint)
    assert gone.name == "Mine" and memory_keyring.secrets == {}
    assert [v.name for v in identities.list()] == ["Other"]
    with sqlite3.connect(tmp_path / "store.db") as db:
        actions = [r[0] for r in db.execute("SELECT action FROM audit_event ORDER BY id")]
    assert actions == [
        "identity.add",
        "identity.add",
        "identity.untrust",
        "identity.trust",
        "identity.delete",
    ]


def test_signing_with_a_key_in_a_real_secret_service(tmp_path: Path) -> None:
    result = run_under_secret_service(ROOT / "tests" / "pdf_keyring_child.py", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "pdf secret-service ok" in result.stdout
