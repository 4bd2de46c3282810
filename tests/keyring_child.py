"""Run under dbus-run-session with gnome-keyring: identities against the real Secret Service."""

from __future__ import annotations

import sys
from pathlib import Path

from cryptography import x509

from ccassure import credentials
from ccassure.services.identities import KEYRING, IdentityService
from ccassure.store.store import Store


def main(folder: Path) -> None:
    state = credentials.backend()
    assert state.usable, state.reason
    assert "SecretService" in state.name, state.name
    store = Store.create(folder / "store.db")
    try:
        service = IdentityService(store, folder / "data")
        view = service.create("Nguyễn Thị Minh", "Senior Responsible Owner", "Home Office")
        assert view.key == KEYRING, view
        assert not (folder / "data" / "keys").exists()
        [listed] = service.list()
        assert listed.fingerprint == view.fingerprint and listed.key == KEYRING
        key = service.private_key(view.fingerprint, lambda _p: "unused")
        assert key.startswith("-----BEGIN PRIVATE KEY-----")
        service.export_certificate(folder / "cert.pem")
        cert = x509.load_pem_x509_certificate((folder / "cert.pem").read_bytes())
        assert cert.subject.rfc4514_string().startswith("O=Home Office")
        assert credentials.delete_key(view.fingerprint)
        assert credentials.load_key(view.fingerprint) is None
        assert not credentials.delete_key(view.fingerprint)
    finally:
        store.close()
    print("secret-service ok")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
