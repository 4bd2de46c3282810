"""`ccassure sign`, `verify` and `identity trust / untrust / delete`, run as a user would."""

from __future__ import annotations

import json
import sqlite3
import stat
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ccassure.signing.identity import create_identity, to_pkcs12
from ccassure.signing.pdf_signatures import sign_pdf
from tests.conftest import run_cli
from tests.pdf_helpers import PASS, TEXT, dated_identity, make_pdf, pdfsig, sign_elsewhere

EXPIRED = dated_identity(datetime(2019, 1, 1, tzinfo=UTC), datetime(2020, 1, 1, tzinfo=UTC))


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The command line on a fresh store, with no OS keyring: keys in files, passphrase in env."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("CCASSURE_PASSPHRASE", PASS)
    base = ("--store", str(tmp_path / "s.db"), "--data-dir", str(tmp_path / "data"))

    def call(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
        return run_cli(*base, *args, **kwargs)

    return call


def fingerprints(cli) -> dict[str, str]:  # type: ignore[no-untyped-def]
    listed = cli("identity", "list", "--json")
    return {e["name"]: e["fingerprint"] for e in json.loads(listed.stdout)}


def test_sign_countersign_and_verify_with_key_files(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    report = tmp_path / "report.pdf"
    original = make_pdf()
    report.write_bytes(original)
    assert cli("identity", "create", "--name", "Alice A", "--role", "DPO").returncode == 0
    one = cli("sign", str(report), "-o", str(tmp_path / "one.pdf"))
    assert one.returncode == 0, one.stderr
    assert "Signed" in one.stdout and "Alice A" in one.stdout
    assert report.read_bytes() == original  # -o leaves the input alone
    checked = cli("verify", str(tmp_path / "one.pdf"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "PASS" in checked.stdout and "Alice A" in checked.stdout
    assert cli("identity", "create", "--name", "Bob B", "--role", "SRO").returncode == 0
    ambiguous = cli("sign", str(tmp_path / "one.pdf"))
    assert ambiguous.returncode == 2 and "--identity" in ambiguous.stderr
    bob = fingerprints(cli)["Bob B"]
    two = cli("sign", str(tmp_path / "one.pdf"), "--identity", bob[:12], "--reason", "Agreed")
    assert two.returncode == 0, two.stderr
    data = json.loads(cli("verify", str(tmp_path / "one.pdf"), "--json").stdout)
    assert data["state"] == "valid" and data["passes"] and data["all_trusted"]
    assert [s["signer"] for s in data["signatures"]] == ["Alice A", "Bob B"]
    assert [s["reason"] for s in data["signatures"]] == ["Approved by Alice A, DPO", "Agreed"]
    theirs = pdfsig(tmp_path / "one.pdf")
    assert [s["Signature Validation"] for s in theirs] == ["Signature is Valid."] * 2
    exists = cli("sign", str(report), "-o", str(tmp_path / "one.pdf"))
    assert exists.returncode == 2 and "already exists" in exists.stderr
    cli_env_wrong = run_wrong_passphrase(cli, tmp_path / "one.pdf", bob)
    assert cli_env_wrong.returncode == 2 and "passphrase is wrong" in cli_env_wrong.stderr
    assert len(pdfsig(tmp_path / "one.pdf")) == 2  # unchanged by the refused signing


def run_wrong_passphrase(cli, path: Path, fingerprint: str) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    import os

    before = os.environ["CCASSURE_PASSPHRASE"]
    os.environ["CCASSURE_PASSPHRASE"] = "not the passphrase"
    try:
        return cli("sign", str(path), "--identity", fingerprint)  # type: ignore[no-any-return]
    finally:
        os.environ["CCASSURE_PASSPHRASE"] = before


def test_a_stranger_is_untrusted_until_trusted(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    stranger = create_identity("Stranger", "Auditor", "Elsewhere")
    signed = tmp_path / "s.pdf"
    pem = stranger.certificate.certificate_pem
    signed.write_bytes(sign_pdf(make_pdf(), stranger.key_pem, pem, reason="x"))
    assert cli("init").returncode == 0
    plain = cli("verify", str(signed))
    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert "not required" in plain.stdout
    [row] = [line for line in plain.stdout.splitlines() if line.startswith("1 ")]
    assert row.split()[1] == "Stranger" and " no " in row
    assert cli("verify", str(signed), "--require-trusted").returncode == 1
    cert = tmp_path / "stranger.pem"
    cert.write_text(pem)
    trusted = cli("identity", "trust", str(cert))
    assert trusted.returncode == 0 and "Trusted Stranger" in trusted.stdout
    assert cli("verify", str(signed), "--require-trusted").returncode == 0
    listed = cli("identity", "list").stdout
    assert "Stranger" in listed and "yes" in listed and "none" in listed
    untrusted = cli("identity", "untrust", stranger.certificate.fingerprint[:10])
    assert untrusted.returncode == 0
    assert cli("verify", str(signed), "--require-trusted").returncode == 1
    data = json.loads(cli("verify", str(signed), "--json").stdout)
    assert data["signatures"][0]["known"] and not data["signatures"][0]["trusted"]
    assert cli("identity", "trust", str(cert)).returncode == 0  # already known: trusted again
    assert cli("verify", str(signed), "--require-trusted").returncode == 0
    with sqlite3.connect(tmp_path / "s.db") as db:
        actions = [r[0] for r in db.execute("SELECT action FROM audit_event ORDER BY id")]
    assert actions == ["identity.add", "identity.untrust", "identity.trust"]
    bad = cli("identity", "trust", str(signed))
    assert bad.returncode == 2 and "not an X.509 certificate" in bad.stderr


def test_changed_files_fail_and_unreadable_ones_are_one_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    someone = create_identity("Someone", "DPO")
    signed = sign_pdf(make_pdf(), someone.key_pem, someone.certificate.certificate_pem, reason="x")
    at = signed.index(TEXT.encode())
    cases = {
        "flipped.pdf": (signed[:at] + b"X" + signed[at + 1 :], 1),
        "appended.pdf": (signed + b"\n% an unsigned addition\n", 1),
        "not-a-pdf.pdf": (b"just some text\n", 2),
        "truncated.pdf": (signed[: len(signed) * 2 // 3], 2),
        "unsigned.pdf": (make_pdf(), 1),  # readable: a verification that fails
    }
    for name, (data, expected) in cases.items():
        (tmp_path / name).write_bytes(data)
        result = cli("verify", str(tmp_path / name))
        assert result.returncode == expected, (name, result.stdout, result.stderr)
        if expected == 2:
            assert result.stderr.count("\n") == 1 and result.stdout == "", name
            assert "Traceback" not in result.stderr
        else:
            assert "FAIL" in result.stdout
    missing = cli("verify", str(tmp_path / "nowhere.pdf"))
    assert missing.returncode == 2 and missing.stderr.endswith("no such file\n")
    unsigned = cli("verify", str(tmp_path / "unsigned.pdf"))
    assert unsigned.stdout.splitlines()[-1] == "FAIL: The PDF holds no signatures"
    data = json.loads(cli("verify", str(tmp_path / "unsigned.pdf"), "--json").stdout)
    assert (data["state"], data["passes"], data["signatures"]) == ("unsigned", False, [])
    # a changed digest: neither valid nor trusted ("-": not assessed), never "VALID yes"
    flipped = cli("verify", str(tmp_path / "flipped.pdf")).stdout
    [row] = [line for line in flipped.splitlines() if line.startswith("1 ")]
    assert row.split()[4:7] == ["NO", "NO", "-"]
    assert "trust not assessed" in flipped
    assert not (tmp_path / "s.db").exists()  # verifying made no store


def test_delete_asks_first_and_removes_the_key_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("identity", "create", "--name", "Gone Soon", "--role", "DPO").returncode == 0
    fingerprint = fingerprints(cli)["Gone Soon"]
    key_file = tmp_path / "data" / "keys" / f"{fingerprint}.pem"
    assert key_file.is_file()
    refused = cli("identity", "delete", fingerprint, stdin=subprocess.DEVNULL)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert key_file.is_file() and fingerprints(cli) == {"Gone Soon": fingerprint}
    done = cli("identity", "delete", fingerprint[:12], "--yes")
    assert done.returncode == 0, done.stderr
    assert not key_file.exists() and fingerprints(cli) == {}
    again = cli("identity", "delete", fingerprint, "--yes")
    assert again.returncode == 2 and "no identity with fingerprint" in again.stderr


def test_an_expired_certificate_fails_require_trusted_and_cannot_sign(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    signed = tmp_path / "old.pdf"
    signed.write_bytes(sign_elsewhere(make_pdf(), EXPIRED, at=datetime(2019, 6, 1, tzinfo=UTC)))
    cert = tmp_path / "old.pem"
    cert.write_text(EXPIRED.certificate.certificate_pem)
    assert cli("identity", "trust", str(cert)).returncode == 0
    strict = cli("verify", str(signed), "--require-trusted")
    assert strict.returncode == 1, strict.stdout
    [row] = [line for line in strict.stdout.splitlines() if line.startswith("1 ")]
    assert "no (expired)" in row
    assert "signer not trusted: certificate expired on 2020-01-01" in strict.stdout
    assert strict.stdout.splitlines()[-1].startswith("FAIL:")
    data = json.loads(cli("verify", str(signed), "--json", "--require-trusted").stdout)
    [one] = data["signatures"]
    assert not data["passes"] and not one["trusted"]
    assert one["certificate_problem"] == "certificate expired on 2020-01-01"
    # its holder cannot sign with it: one line naming the date, the file left alone
    p12 = tmp_path / "old.p12"
    p12.write_bytes(to_pkcs12(EXPIRED, PASS))
    assert cli("identity", "delete", EXPIRED.certificate.fingerprint[:12], "--yes").returncode == 0
    assert cli("identity", "import", str(p12)).returncode == 0
    report = tmp_path / "report.pdf"
    original = make_pdf()
    report.write_bytes(original)
    refused = cli("sign", str(report))
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "expired on 2020-01-01" in refused.stderr
    assert report.read_bytes() == original


def test_a_new_signed_file_is_private_and_a_replaced_one_keeps_its_mode(
    cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    assert cli("identity", "create", "--name", "Alice A", "--role", "DPO").returncode == 0
    report = tmp_path / "report.pdf"
    report.write_bytes(make_pdf())
    assert cli("sign", str(report), "-o", str(tmp_path / "new.pdf")).returncode == 0
    assert stat.S_IMODE((tmp_path / "new.pdf").stat().st_mode) == 0o600
    report.chmod(0o640)
    assert cli("sign", str(report)).returncode == 0
    assert stat.S_IMODE(report.stat().st_mode) == 0o640 and len(pdfsig(report)) == 1


def test_signing_through_a_link_signs_the_file_it_points_to(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("identity", "create", "--name", "Alice A", "--role", "DPO").returncode == 0
    report = tmp_path / "report.pdf"
    report.write_bytes(make_pdf())
    link = tmp_path / "link.pdf"
    link.symlink_to(report)
    done = cli("sign", str(link))
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and link.resolve() == report.resolve()
    assert len(pdfsig(report)) == 1
