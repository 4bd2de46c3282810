"""Keyrings for tests: one in memory, and a real Secret Service in a child process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
import pytest

ROOT = Path(__file__).resolve().parent.parent


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring in a dict, recommended (priority 1) like a real OS keyring."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.secrets.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")


@contextmanager
def memory_keyring_in_use() -> Iterator[MemoryKeyring]:
    """A fresh in-memory keyring for as long as the block runs; the one before comes back."""
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(before)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    with memory_keyring_in_use() as backend:
        yield backend


def run_under_secret_service(
    child: Path, folder: Path, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a Python script under dbus-run-session with an unlocked gnome-keyring."""
    missing = [t for t in ("dbus-run-session", "gnome-keyring-daemon") if not shutil.which(t)]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (./dev test installs gnome-keyring, dbus)")
    home, run = folder / "home", folder / "run"
    home.mkdir()
    run.mkdir(mode=0o700)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(run),
        "PYTHONPATH": str(ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
        **(extra_env or {}),
    }
    script = (
        "echo -n test-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null"
        ' && exec "$0" "$1" "$2"'
    )
    return subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", script, sys.executable, str(child), str(folder)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
