"""Sign PDF files as a known identity (countersigning keeps earlier signatures); verify them."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ccassure.services.errors import ServiceError
from ccassure.services.files import read_file
from ccassure.services.identities import NO_KEY, Ask, IdentityService
from ccassure.signing.errors import SigningError
from ccassure.signing.pdf_signatures import sign_pdf, signing_certificate_problem, verify_pdf
from ccassure.signing.pdf_signatures_verdict import PdfVerification
from ccassure.store.identities import IdentityQueries, IdentityRecord
from ccassure.store.store import Store

MAX_PDF_BYTES = 512 * 1024 * 1024
NEW_FILE_MODE = 0o600  # reports may be OFFICIAL-SENSITIVE: readable by the user alone


@dataclass(frozen=True)
class SignedPdf:
    """A PDF just signed: where it was written and by whom."""

    path: Path
    signer: str
    fingerprint: str


def read_pdf(path: Path) -> bytes:
    """A PDF file's bytes; one readable message if it cannot be read."""
    return read_file(path, MAX_PDF_BYTES, "for a PDF to sign or verify")


def write_atomically(target: Path, data: bytes) -> None:
    """Replace (or create) a file in one step: a crash leaves the old file or the new one.
    A new file is the user's alone (0600), a replaced one keeps its mode, and through a
    symbolic link the file it points to is replaced, not the link."""
    try:
        real = target.resolve()
        mode = real.stat().st_mode & 0o777 if real.exists() else NEW_FILE_MODE
        descriptor, temporary = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.")
    except FileNotFoundError:
        raise ServiceError(f"{target.parent}: no such folder", "missing") from None
    except RuntimeError:  # a loop of symbolic links
        raise ServiceError(f"{target}: a loop of symbolic links") from None
    except OSError as exc:
        raise ServiceError(f"{target}: cannot be written ({exc.strerror})") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).chmod(mode)
        Path(temporary).replace(real)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise ServiceError(f"{target}: cannot be written ({exc.strerror})") from None


class PdfSigningService:
    """PAdES signatures with the identities in this store; trust comes from the store too."""

    def __init__(self, identities: IdentityService, store: Store) -> None:
        self.identities = identities
        self.store = store

    def signer(self, fingerprint: str | None) -> IdentityRecord:
        """The identity to sign as: the one given, else the only one whose key is here."""
        if fingerprint is not None:
            return self.identities.find(fingerprint)
        usable = [v for v in self.identities.list() if v.key != NO_KEY]
        if len(usable) == 1:
            return self.identities.find(usable[0].fingerprint)
        if not usable:
            raise ServiceError(
                "no identity with a private key on this computer; create one with "
                "'identity create' or import one with 'identity import'",
                "missing",
            )
        raise ServiceError(
            f"{len(usable)} identities can sign here; choose one with --identity", "invalid"
        )

    def _key_and_reason(self, record: IdentityRecord, ask: Ask, reason: str) -> tuple[str, str]:
        """The key (asked for only once the certificate is known to be able to sign)."""
        out_of_date = signing_certificate_problem(record.certificate_pem)
        if out_of_date:
            raise ServiceError(f"{record.name} cannot sign: the {out_of_date}", "invalid")
        key = self.identities.private_key(record.fingerprint, ask)
        view = self.identities.view(record.fingerprint)
        wording = reason.strip() or f"Approved by {view.name}" + (
            f", {view.role}" if view.role else ""
        )
        return key, wording

    def sign(self, pdf: bytes, fingerprint: str | None, ask: Ask, reason: str = "") -> bytes:
        """The PDF with one more signature, by the chosen identity."""
        return self.unlock(fingerprint, ask, reason)(pdf)

    def unlock(
        self, fingerprint: str | None, ask: Ask, reason: str = ""
    ) -> Callable[[bytes], bytes]:
        """Get the key now (a wrong passphrase fails before any work), sign with it later."""
        record = self.signer(fingerprint)
        key, wording = self._key_and_reason(record, ask, reason)

        def signing(pdf: bytes) -> bytes:
            try:
                return sign_pdf(pdf, key, record.certificate_pem, reason=wording)
            except SigningError as exc:
                raise ServiceError(str(exc), exc.kind) from None

        return signing

    def sign_file(
        self,
        path: Path,
        fingerprint: str | None,
        ask: Ask,
        reason: str = "",
        output: Path | None = None,
        force: bool = False,
    ) -> SignedPdf:
        """Sign (or countersign) a PDF file, in place or to `output`, written atomically."""
        target = output or path
        if output is not None and output.exists() and not force:
            try:
                same = output.samefile(path)
            except OSError:
                same = False
            if not same:
                raise ServiceError(
                    f"{output}: already exists (use --force to replace it)", "exists"
                )
        data = read_pdf(path)
        record = self.signer(fingerprint)
        key, wording = self._key_and_reason(record, ask, reason)
        try:
            signed = sign_pdf(data, key, record.certificate_pem, reason=wording)
        except SigningError as exc:
            raise ServiceError(f"{path}: {exc}", exc.kind) from None
        write_atomically(target, signed)
        return SignedPdf(target, record.name, record.fingerprint)

    def verify(self, pdf: bytes) -> PdfVerification:
        """Each signature's state; trusted signers are the store's trusted identities."""
        known = IdentityQueries(self.store.reader()).all()
        return verify_pdf(
            pdf,
            [r.certificate_pem for r in known if r.trusted],
            [r.certificate_pem for r in known],
        )

    def verify_file(self, path: Path) -> PdfVerification:
        known = IdentityQueries(self.store.reader()).all()
        trusted = [r.certificate_pem for r in known if r.trusted]
        return verify_file(path, trusted, [r.certificate_pem for r in known])


def verify_file(
    path: Path, trusted_pems: Sequence[str] = (), known_pems: Sequence[str] = ()
) -> PdfVerification:
    """A PDF file's signatures checked against the given certificates (none: nothing trusted)."""
    data = read_pdf(path)
    try:
        return verify_pdf(data, trusted_pems, known_pems)
    except SigningError as exc:
        raise ServiceError(f"{path}: {exc}", exc.kind) from None
