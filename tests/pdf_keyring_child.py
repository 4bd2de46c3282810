"""Run under dbus-run-session with gnome-keyring: sign a PDF with a key in the Secret Service."""

from __future__ import annotations

import io
import sys
from pathlib import Path

from reportlab.pdfgen import canvas

from ccassure import credentials
from ccassure.services.identities import KEYRING, IdentityService
from ccassure.services.pdf_signing import PdfSigningService
from ccassure.store.store import Store


def make_pdf() -> bytes:
    """Made here: tests.pdf_helpers defines a keyring backend, which would join the chain."""
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "Signed with a key from the Secret Service")
    page.showPage()
    page.save()
    return out.getvalue()


def never(_prompt: str) -> str:
    raise AssertionError("a key in the keyring needs no passphrase")


def main(folder: Path) -> None:
    state = credentials.backend()
    assert state.usable and "SecretService" in state.name, state
    store = Store.create(folder / "store.db")
    try:
        identities = IdentityService(store, folder / "data")
        signing = PdfSigningService(identities, store)
        first = identities.create("Łukasz Żółć", "Data Protection Officer", "Met", never)
        second = identities.create("Nguyễn Thị Minh", "SRO", "Home Office", never)
        assert first.key == second.key == KEYRING and first.trusted
        report = folder / "report.pdf"
        report.write_bytes(make_pdf())
        signing.sign_file(report, first.fingerprint, never, "Approved")
        signing.sign_file(report, second.fingerprint[:10], never, "Countersigned")
        found = signing.verify_file(report)
        assert [s.signer for s in found.signatures] == ["Łukasz Żółć", "Nguyễn Thị Minh"]
        assert found.passes(require_trusted=True), found
        identities.delete(second.fingerprint)
        assert credentials.load_key(second.fingerprint) is None
        assert credentials.load_key(first.fingerprint) is not None
        after = signing.verify_file(report)
        assert after.passes() and not after.passes(require_trusted=True)
        assert not after.signatures[1].known
    finally:
        store.close()
    print("pdf secret-service ok")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
