"""Signing identities: create or import, keys in the OS keyring or an encrypted key file."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from ccassure import credentials
from ccassure.services.errors import ServiceError
from ccassure.services.files import read_file
from ccassure.signing.errors import SigningError
from ccassure.signing.identity import (
    CertificateInfo,
    NewIdentity,
    create_identity,
    load_pkcs12,
    read_certificate,
)
from ccassure.signing.keyfile import decrypt_key, encrypt_key
from ccassure.store.identities import (
    IdentityQueries,
    IdentityRecord,
    add_identity,
    delete_identity,
    record_key_deleted,
    set_trusted,
)
from ccassure.store.store import Store

PASSPHRASE_ENV = "CCASSURE_PASSPHRASE"  # noqa: S105 (the variable's name)
MIN_PASSPHRASE = 8
MAX_PKCS12_BYTES = 1024 * 1024
MAX_CERTIFICATE_BYTES = 256 * 1024
KEYRING, KEY_FILE, NO_KEY, LOCKED = "keyring", "key file", "none", "keyring (locked)"
NEW_KEY_FILE_PROMPT = "Passphrase to protect the key file: "

Ask = Callable[[str], str]
"""Asks the person for a passphrase, given what it is for; returns it."""


@dataclass(frozen=True)
class IdentityView:
    """A known identity as the CLI and the app show it; `key` says where its key is kept."""

    name: str
    role: str
    organisation: str
    email: str
    fingerprint: str
    not_before: str
    not_after: str
    created_at: str
    key: str
    trusted: bool = False

    def to_data(self) -> dict[str, object]:
        return asdict(self)


class IdentityService:
    """Create, import, list and export identities; their keys never touch disk in plaintext."""

    def __init__(
        self,
        store: Store,
        data_dir: Path,
        actor: str = "",
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.keys_dir = data_dir / "keys"
        self.actor = actor
        self._now = now

    def key_storage(self) -> credentials.Backend:
        """Whether new keys go to the OS keyring, or (with a passphrase) to a key file."""
        return credentials.backend()

    def key_file(self, fingerprint: str) -> Path:
        return self.keys_dir / f"{fingerprint}.pem"

    def _key_location(self, fingerprint: str, keyring_usable: bool) -> str:
        if self.key_file(fingerprint).is_file():
            return KEY_FILE
        if keyring_usable:
            try:
                if credentials.load_key(fingerprint) is not None:
                    return KEYRING
            except credentials.CredentialError as exc:  # locked: say so, still list the rest
                return LOCKED if exc.kind == "locked" else NO_KEY
        return NO_KEY

    def _view(self, record: IdentityRecord, keyring_usable: bool) -> IdentityView:
        info = read_certificate(record.certificate_pem)
        return IdentityView(
            name=info.name,
            role=info.role,
            organisation=info.organisation,
            email=info.email,
            fingerprint=info.fingerprint,
            not_before=info.not_before,
            not_after=info.not_after,
            created_at=record.created_at,
            key=self._key_location(record.fingerprint, keyring_usable),
            trusted=record.trusted,
        )

    def list(self) -> list[IdentityView]:
        usable = credentials.backend().usable
        return [self._view(r, usable) for r in IdentityQueries(self.store.reader()).all()]

    def find(self, fingerprint: str | None, option: str = "--identity") -> IdentityRecord:
        """One identity by fingerprint (or a unique prefix of 8+ characters); the only one if
        none is given (else the message names the command-line `option` that chooses one)."""
        known = IdentityQueries(self.store.reader()).all()
        if fingerprint is None:
            if len(known) == 1:
                return known[0]
            if not known:
                raise ServiceError(
                    "no identities yet; create one with 'identity create'", "missing"
                )
            raise ServiceError(
                f"there are {len(known)} identities; choose one with {option}", "invalid"
            )
        wanted = fingerprint.strip().lower().replace(":", "")
        if len(wanted) < 8:
            raise ServiceError("give at least 8 characters of the fingerprint")
        found = [r for r in known if r.fingerprint.startswith(wanted)]
        if len(found) != 1:
            raise ServiceError(
                f"no identity with fingerprint {wanted}"
                if not found
                else f"{len(found)} identities start with {wanted}; give more of it",
                "missing" if not found else "invalid",
            )
        return found[0]

    def create(
        self, name: str, role: str, organisation: str = "", ask: Ask | None = None
    ) -> IdentityView:
        """A new key and self-signed certificate; the key goes to the keyring (or a key file)."""
        return self._keep(create_identity(name, role, organisation, self._now()), ask)

    def import_pkcs12(self, path: Path, ask: Ask) -> IdentityView:
        """An organisation's PKCS#12 file: its certificate to the store, its key kept safe."""
        data = read_file(path, MAX_PKCS12_BYTES, "for a PKCS#12 file")
        try:
            identity = load_pkcs12(data, ask(f"Passphrase of {path.name}: "))
        except SigningError as exc:
            raise ServiceError(f"{path}: {exc}", exc.kind) from None
        return self._keep(identity, ask)

    def _keep(self, identity: NewIdentity, ask: Ask | None) -> IdentityView:
        info: CertificateInfo = identity.certificate
        if IdentityQueries(self.store.reader()).find(info.fingerprint) is not None:
            raise ServiceError(f"{info.name} ({info.fingerprint[:16]}…) is already known", "exists")
        state = credentials.backend()
        if state.usable:
            credentials.store_key(info.fingerprint, identity.key_pem)
        else:
            if ask is None:
                raise ServiceError(f"{state.reason}; a passphrase for a key file is needed")
            passphrase = ask(f"{state.reason}.\n{NEW_KEY_FILE_PROMPT}")
            if len(passphrase) < MIN_PASSPHRASE:
                raise ServiceError(f"the passphrase must be at least {MIN_PASSPHRASE} characters")
            target = self.key_file(info.fingerprint)
            self._write_private(target, encrypt_key(identity.key_pem, passphrase))
        record = IdentityRecord(
            info.name,
            info.email,
            info.fingerprint,
            info.certificate_pem,
            self._now().isoformat(timespec="seconds"),
            trusted=True,  # made or imported here: the person's own identity
        )
        try:
            add_identity(self.store, record, self.actor)
        except BaseException:
            if state.usable:
                credentials.delete_key(info.fingerprint)
            else:
                self.key_file(info.fingerprint).unlink(missing_ok=True)
            raise
        return self._view(record, state.usable)

    def _write_private(self, target: Path, data: bytes) -> None:
        """A new file readable by the user alone (0600), in a folder only they can enter."""
        try:
            self.keys_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except FileExistsError:
            raise ServiceError(f"{target}: a key file is already there", "exists") from None
        except OSError as exc:
            raise ServiceError(f"{target}: cannot be written ({exc.strerror})") from None

    def private_key(self, fingerprint: str, ask: Ask) -> str:
        """The identity's private key (PEM text), from the key file or the OS keyring."""
        record = self.find(fingerprint)
        path = self.key_file(record.fingerprint)
        if path.is_file():
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise ServiceError(f"{path}: cannot be read ({exc.strerror})") from None
            return decrypt_key(data, ask(f"Passphrase of the key file for {record.name}: "))
        key = credentials.load_key(record.fingerprint)
        if key is None:
            raise ServiceError(f"no private key for {record.name} on this computer", "missing")
        return key

    def export_certificate(
        self, path: Path, fingerprint: str | None = None, force: bool = False
    ) -> IdentityView:
        """Write the certificate as PEM (public: no key in it)."""
        record = self.find(fingerprint, "--fingerprint")
        pem = read_certificate(record.certificate_pem).certificate_pem
        try:
            with path.open("w" if force else "x", encoding="ascii") as handle:
                handle.write(pem)
        except FileExistsError:
            raise ServiceError(
                f"{path}: already exists (use --force to replace it)", "exists"
            ) from None
        except FileNotFoundError:
            raise ServiceError(f"{path.parent}: no such folder", "missing") from None
        except PermissionError:
            raise ServiceError(f"{path}: you do not have permission to write there") from None
        except OSError as exc:
            raise ServiceError(f"{path}: cannot be written ({exc.strerror})") from None
        return self._view(record, credentials.backend().usable)

    def trust_certificate(self, path: Path) -> IdentityView:
        """A signer's certificate file (PEM or DER) kept as a trusted known signer."""
        data = read_file(path, MAX_CERTIFICATE_BYTES, "for a certificate")
        try:
            info = read_certificate(data)
        except SigningError as exc:
            raise ServiceError(f"{path}: {exc}", exc.kind) from None
        found = IdentityQueries(self.store.reader()).find(info.fingerprint)
        if found is None:
            record = IdentityRecord(
                info.name,
                info.email,
                info.fingerprint,
                info.certificate_pem,
                self._now().isoformat(timespec="seconds"),
                trusted=True,
            )
            add_identity(self.store, record, self.actor)
        elif not found.trusted:
            set_trusted(self.store, info.fingerprint, True, self.actor)
        return self.view(info.fingerprint)

    def untrust(self, fingerprint: str) -> IdentityView:
        """Keep a signer as known, but no longer trusted."""
        record = self.find(fingerprint)
        if record.trusted:
            set_trusted(self.store, record.fingerprint, False, self.actor)
        return self.view(record.fingerprint)

    def view(self, fingerprint: str) -> IdentityView:
        return self._view(self.find(fingerprint), credentials.backend().usable)

    def delete(self, fingerprint: str) -> DeletedIdentity:
        """Forget an identity: its certificate, its trust and its private key on this computer.

        A certificate that signed sign-offs in this store stays (with its trust), so that those
        records still verify; only the private key goes.
        """
        record = self.find(fingerprint)
        gone = self._view(record, credentials.backend().usable)
        if gone.key == LOCKED:
            raise ServiceError("the OS keyring is locked; unlock it and delete again", "locked")
        signed = IdentityQueries(self.store.reader()).signoffs_signed_by(record.fingerprint)
        if signed:
            record_key_deleted(self.store, record.fingerprint, self.actor)
        else:
            delete_identity(self.store, record.fingerprint, self.actor)
        self.key_file(record.fingerprint).unlink(missing_ok=True)
        if gone.key == KEYRING:
            credentials.delete_key(record.fingerprint)
        return DeletedIdentity(gone.name, gone.fingerprint, gone.key != NO_KEY, signed)


@dataclass(frozen=True)
class DeletedIdentity:
    """What `delete` did: the key deleted (if there was one here), the certificate kept when
    sign-offs in the store need it to verify."""

    name: str
    fingerprint: str
    had_key: bool
    signoffs: int  # records its certificate signed here: the certificate was kept for them

    @property
    def certificate_kept(self) -> bool:
        return self.signoffs > 0

    def message(self) -> str:
        if not self.certificate_kept:
            return f"Deleted {self.name} (fingerprint {self.fingerprint})"
        key = "Deleted the private key of" if self.had_key else "No private key here for"
        one = self.signoffs == 1
        records = f"{self.signoffs} sign-off{'' if one else 's'} here {'was' if one else 'were'}"
        return (
            f"{key} {self.name}; the certificate stays in the store, its trust unchanged, "
            f"because {records} signed with it and need{'s' if one else ''} it to verify"
        )
