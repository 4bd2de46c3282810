"""Run under dbus-run-session with gnome-keyring: a sign-off signed with a key in the keyring."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from ccassure import credentials
from ccassure.services.context import build_context
from ccassure.services.identities import KEYRING
from ccassure.services.paths import AppPaths
from tests.signoff_helpers import in_review, signer


def main(folder: Path) -> None:
    state = credentials.backend()
    assert "SecretService" in state.name and state.usable, state
    context = build_context(
        AppPaths(folder / "data", folder / "store.db"), "create", lambda: date(2026, 11, 26)
    )
    try:
        eia = in_review(context, "eia", "EIA for despatch")
        person = signer(context, "Nguyễn Thị Minh", "Senior Responsible Owner")
        assert person.key == KEYRING, person
        assert not (folder / "data" / "keys").exists()

        def ask(prompt: str) -> str:
            raise AssertionError(f"asked for a passphrase: {prompt}")

        outcome = context.signoffs.sign_off(eia, "senior-approver", "approved", "", None, ask)
        assert outcome.view.state == "valid" and outcome.view.name == "Nguyễn Thị Minh", outcome
        [view] = context.signoffs.views(eia)
        assert view.state == "valid"
        credentials.delete_key(person.fingerprint)
    finally:
        context.close()
    print("signed with the secret service ok")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
