"""Signing identities: keys, certificates, PKCS#12, the keyring (in memory, real, none)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import keyring.backends.fail
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ccassure import credentials
from ccassure.services.errors import ServiceError
from ccassure.services.identities import KEY_FILE, KEYRING, IdentityService
from ccassure.signing.errors import SigningError
from ccassure.signing.identity import create_identity, load_pkcs12, read_certificate, to_pkcs12
from ccassure.signing.keyfile import REFUSED_KEY_FILE, decrypt_key, encrypt_key
from ccassure.store.store import Store
from tests.conftest import ROOT, run_cli
from tests.keyrings import MemoryKeyring, run_under_secret_service

PASS = "correct horse battery"


class PlaintextishKeyring(MemoryKeyring):
    """A backend keyring does not recommend (like keyrings.alt's plaintext file)."""

    priority = 0.5  # type: ignore[assignment]


@pytest.fixture
def no_keyring() -> Iterator[None]:
    before = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(before)


@pytest.fixture
def service(tmp_path: Path) -> Iterator[IdentityService]:
    store = Store.create(tmp_path / "store.db")
    yield IdentityService(store, tmp_path / "data")
    store.close()


def test_a_new_identity_is_a_p256_key_and_a_self_signed_certificate() -> None:
    made = create_identity("Łukasz Żółć", "Data Protection Officer", "Metropolitan Police")
    cert = x509.load_pem_x509_certificate(made.certificate.certificate_pem.encode())
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Łukasz Żółć"
    assert cert.subject.get_attributes_for_oid(NameOID.TITLE)[0].value == "Data Protection Officer"
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == (
        "Metropolitan Police"
    )
    assert cert.issuer == cert.subject
    assert isinstance(cert.signature_hash_algorithm, hashes.SHA256)
    public = cert.public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey)
    assert public.curve.name == "secp256r1"
    public.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(hashes.SHA256()))
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert 3 * 365 <= lifetime.days <= 3 * 366
    der = cert.public_bytes(serialization.Encoding.DER)
    import hashlib

    assert made.certificate.fingerprint == hashlib.sha256(der).hexdigest()
    key = serialization.load_pem_private_key(made.key_pem.encode(), None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert key.public_key().public_numbers() == public.public_numbers()


@pytest.mark.parametrize(
    ("name", "role", "message"),
    [("", "DPO", "needs a name"), ("A", " ", "needs a role"), ("A\x1b[2J", "DPO", "control")],
)
def test_bad_names_are_refused(name: str, role: str, message: str) -> None:
    with pytest.raises(SigningError, match=message):
        create_identity(name, role)


def test_the_key_file_is_encrypted_pkcs8_with_scrypt() -> None:
    made = create_identity("A Person", "DPO")
    data = encrypt_key(made.key_pem, PASS)
    assert data.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    import base64

    key = serialization.load_pem_private_key(made.key_pem.encode(), None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    secret = key.private_numbers().private_value.to_bytes(32, "big")
    body = base64.b64decode(b"".join(data.splitlines()[1:-1]))
    assert secret not in body and made.key_pem.splitlines()[1].encode() not in data
    assert decrypt_key(data, PASS) == made.key_pem
    for wrong in ("", "correct horse battery!"):
        with pytest.raises(SigningError, match=REFUSED_KEY_FILE):
            decrypt_key(data, wrong)
    with pytest.raises(SigningError, match=REFUSED_KEY_FILE):
        decrypt_key(b"not a key at all", PASS)
    if shutil.which("openssl"):  # an independent reader: scrypt PBES2 within its memory limit
        out = subprocess.run(
            ["openssl", "asn1parse"], input=data, capture_output=True, check=True
        ).stdout
        assert b":scrypt" in out and b":aes-256-cbc" in out and b":PBES2" in out
        read = subprocess.run(
            ["openssl", "pkey", "-passin", "env:PW", "-pubout"],
            input=data,
            capture_output=True,
            env={**os.environ, "PW": PASS},
        )
        assert read.returncode == 0, read.stderr


def test_pkcs12_round_trip_and_one_message_for_wrong_passphrase_or_wrong_file() -> None:
    made = create_identity("Nguyễn Thị Minh", "Equality lead", "Home Office")
    p12 = to_pkcs12(made, PASS)
    loaded = load_pkcs12(p12, PASS)
    assert loaded.certificate == made.certificate
    assert loaded.key_pem == made.key_pem
    for data, passphrase in ((p12, "wrong"), (p12, ""), (b"PK\x03\x04 a zip file", PASS)):
        with pytest.raises(SigningError, match=r"not a PKCS#12 file .* or the passphrase is wrong"):
            load_pkcs12(data, passphrase)


def test_backend_usable_only_when_keyring_recommends_it() -> None:
    before = keyring.get_keyring()
    try:
        keyring.set_keyring(keyring.backends.fail.Keyring())
        state = credentials.backend()
        assert not state.usable and "no OS keyring" in state.reason
        keyring.set_keyring(PlaintextishKeyring())
        state = credentials.backend()
        assert not state.usable and "not a secure OS keyring" in state.reason
        with pytest.raises(credentials.CredentialError):
            credentials.store_key("ab" * 32, "key")
        keyring.set_keyring(MemoryKeyring())
        memory = f"{MemoryKeyring.__module__}.MemoryKeyring"
        assert credentials.backend() == credentials.Backend(memory, True, "")
    finally:
        keyring.set_keyring(before)


def test_create_list_export_with_the_keyring(
    service: IdentityService, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    def never(_prompt: str) -> str:
        raise AssertionError("no passphrase is needed with a keyring")

    view = service.create("Łukasz Żółć", "DPO", "Metropolitan Police", never)
    assert view.key == KEYRING
    [(where, secret)] = memory_keyring.secrets.items()
    assert where == ("ccassure", f"signing-key:{view.fingerprint}")
    assert secret.startswith("-----BEGIN PRIVATE KEY-----")
    assert not service.keys_dir.exists()
    assert [v.fingerprint for v in service.list()] == [view.fingerprint]
    assert service.private_key(view.fingerprint[:12], never) == secret
    out = tmp_path / "me.pem"
    service.export_certificate(out)
    info = read_certificate(out.read_text())
    assert (info.name, info.role) == ("Łukasz Żółć", "DPO")
    assert info.organisation == "Metropolitan Police"
    assert info.fingerprint == view.fingerprint
    assert b"PRIVATE" not in out.read_bytes()
    with pytest.raises(ServiceError, match="already exists"):
        service.export_certificate(out)
    service.export_certificate(out, force=True)
    with pytest.raises(ServiceError, match="no such folder"):
        service.export_certificate(tmp_path / "nowhere" / "x.pem")


def test_import_pkcs12_with_the_keyring(
    service: IdentityService, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    made = create_identity("Imported Person", "Senior Responsible Owner", "Met")
    p12 = tmp_path / "org.p12"
    p12.write_bytes(to_pkcs12(made, PASS))
    view = service.import_pkcs12(p12, lambda _p: PASS)
    assert (view.name, view.role, view.organisation) == (
        "Imported Person",
        "Senior Responsible Owner",
        "Met",
    )
    assert view.fingerprint == made.certificate.fingerprint and view.key == KEYRING
    assert service.private_key(view.fingerprint, lambda _p: "") == made.key_pem
    with pytest.raises(ServiceError, match="already known"):
        service.import_pkcs12(p12, lambda _p: PASS)
    with pytest.raises(ServiceError, match=r"org\.p12: not a PKCS#12 file"):
        service.import_pkcs12(p12, lambda _p: "wrong")
    with pytest.raises(ServiceError, match="no such file"):
        service.import_pkcs12(tmp_path / "missing.p12", lambda _p: PASS)
    assert len(service.list()) == 1


def test_without_a_keyring_the_key_goes_to_an_encrypted_file(
    service: IdentityService, no_keyring: None
) -> None:
    with pytest.raises(ServiceError, match="no OS keyring"):
        service.create("A Person", "DPO")
    with pytest.raises(ServiceError, match="at least 8"):
        service.create("A Person", "DPO", ask=lambda _p: "short")
    assert service.list() == []
    prompts: list[str] = []
    view = service.create("A Person", "DPO", ask=lambda p: prompts.append(p) or PASS)
    assert "no OS keyring" in prompts[0]
    assert view.key == KEY_FILE
    path = service.key_file(view.fingerprint)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(service.keys_dir.stat().st_mode) == 0o700
    assert path.read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    key = service.private_key(view.fingerprint, lambda _p: PASS)
    assert key.startswith("-----BEGIN PRIVATE KEY-----")
    with pytest.raises(SigningError, match="the passphrase is wrong"):
        service.private_key(view.fingerprint, lambda _p: "not the passphrase")
    assert service.list()[0].key == KEY_FILE


def test_a_failed_store_write_leaves_no_key_behind(
    service: IdentityService, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ccassure.services.identities as module

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ServiceError("disk full")

    monkeypatch.setattr(module, "add_identity", broken)
    with pytest.raises(ServiceError, match="disk full"):
        service.create("A Person", "DPO")
    assert memory_keyring.secrets == {}


def test_cli_round_trip_without_a_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("CCASSURE_PASSPHRASE", PASS)
    base = ("--store", str(tmp_path / "s.db"), "--data-dir", str(tmp_path / "data"), "identity")
    made = run_cli(*base, "create", "--name", "Łukasz Żółć", "--role", "DPO")
    assert made.returncode == 0, made.stderr
    assert "no usable OS keyring" in made.stdout
    listed = run_cli(*base, "list", "--json")
    [entry] = json.loads(listed.stdout)
    assert (entry["name"], entry["role"], entry["key"]) == ("Łukasz Żółć", "DPO", KEY_FILE)
    cert = tmp_path / "c.pem"
    done = run_cli(*base, "export-cert", "-o", str(cert))
    assert done.returncode == 0, done.stderr
    assert read_certificate(cert.read_bytes()).fingerprint == entry["fingerprint"]
    p12 = tmp_path / "org.p12"
    p12.write_bytes(to_pkcs12(create_identity("Other", "SRO", "Met"), PASS))
    assert run_cli(*base, "import", str(p12)).returncode == 0
    table = run_cli(*base, "list").stdout
    assert "Other" in table and "Łukasz Żółć" in table
    again = run_cli(*base, "export-cert", "-o", str(tmp_path / "d.pem"))
    assert again.returncode == 2 and "choose one with --fingerprint" in again.stderr
    monkeypatch.setenv("CCASSURE_PASSPHRASE", "nope")
    wrong = run_cli(*base, "import", str(p12))
    assert wrong.returncode == 2
    assert wrong.stderr.count("\n") == 1 and "or the passphrase is wrong" in wrong.stderr
    monkeypatch.setenv("CCASSURE_PASSPHRASE", PASS)
    bad = run_cli(*base, "import", str(cert))
    assert bad.returncode == 2 and "not a PKCS#12 file" in bad.stderr


def test_real_secret_service_under_dbus_run_session(tmp_path: Path) -> None:
    result = run_under_secret_service(ROOT / "tests" / "keyring_child.py", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "secret-service ok" in result.stdout


class LockedKeyring(MemoryKeyring):
    """A keyring the user has not unlocked."""

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("locked")


def test_a_locked_keyring_is_named_not_a_traceback(
    service: IdentityService, memory_keyring: MemoryKeyring
) -> None:
    view = service.create("A Person", "DPO")
    keyring.set_keyring(LockedKeyring())
    assert [v.key for v in service.list()] == ["keyring (locked)"]
    with pytest.raises(credentials.CredentialError, match="locked; unlock it"):
        service.private_key(view.fingerprint, lambda _p: "")


def test_cli_without_keyring_or_passphrase_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.delenv("CCASSURE_PASSPHRASE", raising=False)
    base = ("--store", str(tmp_path / "s.db"), "--data-dir", str(tmp_path / "data"), "identity")
    made = run_cli(*base, "create", "--name", "A", "--role", "DPO", stdin=subprocess.DEVNULL)
    assert made.returncode == 2
    assert made.stderr == (
        "ccassure: a passphrase is needed: set CCASSURE_PASSPHRASE or run in a terminal\n"
    )
    assert run_cli(*base, "list").stdout.strip() == "No identities yet."
    assert not (tmp_path / "data" / "keys").exists()
