"""The round trip between two encrypted stores on the command line, passphrases from the env.

Each laptop's CCASSURE_PASSPHRASE opens its store and its signing key's file (no keyring); the
package's own passphrase is CCASSURE_PACKAGE_PASSPHRASE and nothing else.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.package_helpers import PACKAGE_PASS, file_bytes

OFFICER_PASS, DPO_PASS = "officer store passphrase", "dpo laptop passphrase"
DPIA_IN_REVIEW = 2  # the demo's LifeX DPIA
Run = Callable[..., subprocess.CompletedProcess[str]]


def plain_sqlite_reads(path: Path) -> bool:
    result = subprocess.run(
        ["sqlite3", str(path), "SELECT count(*) FROM sqlite_master"], capture_output=True
    )
    return result.returncode == 0


def laptop(folder: Path, passphrase: str, monkeypatch: pytest.MonkeyPatch) -> Run:
    """Commands on one laptop: its store, and its passphrase in CCASSURE_PASSPHRASE."""

    def run(*args: str, package: str | None = PACKAGE_PASS) -> subprocess.CompletedProcess[str]:
        monkeypatch.setenv("CCASSURE_PASSPHRASE", passphrase)
        if package is None:
            monkeypatch.delenv("CCASSURE_PACKAGE_PASSPHRASE", raising=False)
        else:
            monkeypatch.setenv("CCASSURE_PACKAGE_PASSPHRASE", package)
        return run_cli("--data-dir", str(folder), *args, stdin=subprocess.DEVNULL)

    return run


def backups(folder: Path) -> list[Path]:
    return sorted(folder.glob("ccassure.db.before-unpack-*.bak"))


def test_round_trip_between_two_encrypted_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    officer = laptop(tmp_path / "officer", OFFICER_PASS, monkeypatch)
    dpo = laptop(tmp_path / "dpo", DPO_PASS, monkeypatch)
    for run in (officer, dpo):
        assert "encrypted" in run("init", "--passphrase").stdout
    assert officer("demo").returncode == 0
    assert officer("identity", "create", "--name", "Olu Officer", "--role", "IAO").returncode == 0
    assert dpo("identity", "create", "--name", "Dana DPO", "--role", "DPO").returncode == 0
    for run, name in ((officer, "officer"), (dpo, "dpo")):
        assert run("identity", "export-cert", "-o", str(tmp_path / f"{name}.pem")).returncode == 0
    assert officer("identity", "trust", str(tmp_path / "dpo.pem")).returncode == 0
    assert dpo("identity", "trust", str(tmp_path / "officer.pem")).returncode == 0
    out = tmp_path / "for-dpo.ccpack"

    # the store's passphrase is never taken for the package's
    unasked = officer("pack", str(DPIA_IN_REVIEW), "-o", str(out), "--encrypt", package=None)
    assert unasked.returncode == 2 and unasked.stderr.count("\n") == 1
    assert "CCASSURE_PACKAGE_PASSPHRASE" in unasked.stderr and not out.exists()
    packed = officer("pack", str(DPIA_IN_REVIEW), "-o", str(out), "--encrypt")
    assert packed.returncode == 0, packed.stderr
    store = tmp_path / "dpo" / "ccassure.db"
    before = file_bytes(store)
    for package in (None, OFFICER_PASS, "not the passphrase"):
        refused = dpo("unpack", str(out), package=package)
        assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
        assert "CCASSURE_PACKAGE_PASSPHRASE" in refused.stderr
    assert file_bytes(store) == before and not backups(store.parent)

    taken = dpo("unpack", str(out), "--json")
    assert taken.returncode == 0, taken.stderr
    (backup,) = backups(store.parent)
    assert_encrypted_copy(backup, DPO_PASS, monkeypatch, expected=0)
    (there,) = json.loads(dpo("list", "--json").stdout)
    fingerprint = identity_of(dpo, "Dana DPO")
    signed = dpo(
        "signoff", str(there["id"]), "--role", "dpo-advice-provided", "--decision",
        "advice-given", "--comments", "Proceed once M3 is in place.", "--identity", fingerprint,
    )  # fmt: skip
    assert signed.returncode == 0, signed.stderr
    back = tmp_path / "from-dpo.ccpack"
    assert dpo("pack", str(there["id"]), "-o", str(back), "--encrypt").returncode == 0

    merged = officer("unpack", str(back))
    assert merged.returncode == 0, merged.stderr
    assert "1 sign-off(s) added" in merged.stdout
    (officer_backup,) = backups(tmp_path / "officer")
    assert_encrypted_copy(officer_backup, OFFICER_PASS, monkeypatch, expected=7)
    views = json.loads(officer("signoffs", str(DPIA_IN_REVIEW), "--json").stdout)["signoffs"]
    assert [(v["name"], v["state"]) for v in views] == [("Dana DPO", "valid")]
    for folder in ("officer", "dpo"):
        assert not plain_sqlite_reads(tmp_path / folder / "ccassure.db")
    assert officer("check").returncode == 0


def identity_of(run: Run, name: str) -> str:
    known = json.loads(run("identity", "list", "--json").stdout)
    return str(next(i["fingerprint"] for i in known if i["name"] == name))


def assert_encrypted_copy(
    backup: Path, passphrase: str, monkeypatch: pytest.MonkeyPatch, expected: int
) -> None:
    """Unreadable without the key (plain sqlite3, strings), and opens with the store's."""
    assert not plain_sqlite_reads(backup)
    assert b"LifeX" not in backup.read_bytes() and b"CREATE TABLE" not in backup.read_bytes()
    monkeypatch.setenv("CCASSURE_PASSPHRASE", passphrase)
    listed = run_cli("--store", str(backup), "list", "--json", stdin=subprocess.DEVNULL)
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)) == expected
