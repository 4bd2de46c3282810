"""The `signoff` and `signoffs` commands, and sign-off states in `show`, run as a user would."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from ccassure.cli.signoff import OPTION_OF
from tests.conftest import run_cli
from tests.signoff_helpers import DPIA_PLAN, PASS
from tests.test_pdf_cli import fingerprints

DPIA_IN_REVIEW = 2  # the demo's LifeX DPIA


@pytest.fixture
def cli(tmp_path: Path, demo_store: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Runs ccassure on a copy of the demo store, keys in passphrase-protected key files."""
    store = tmp_path / "demo.db"
    shutil.copy(demo_store, store)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("CCASSURE_PASSPHRASE", PASS)

    def run(*args: str, where: Path = store):  # type: ignore[no-untyped-def]
        return run_cli("--store", str(where), "--data-dir", str(tmp_path / "data"), *args)

    created = run("identity", "create", "--name", "Nguyễn Thị Minh", "--role", "DPO")
    assert created.returncode == 0, created.stderr
    return run


def test_signing_every_role_from_the_command_line_seals_the_dpia(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    listed = cli("signoffs", str(DPIA_IN_REVIEW))
    offered = "dpo-advice-decision (DPO advice accepted or overruled by): advice-accepted, advice-"
    assert offered + "overruled\n" in listed.stdout
    roles = json.loads(cli("signoffs", str(DPIA_IN_REVIEW), "--json").stdout)["still_needed"]
    assert len(roles) == 7
    assert cli("identity", "create", "--name", "Andrew Tolley", "--role", "SRO").returncode == 0
    people = fingerprints(cli)
    unchosen = cli("signoff", str(DPIA_IN_REVIEW), "--role", roles[0], "--decision", "approve")
    assert unchosen.returncode == 2
    assert "there are 2 identities; choose one with --identity\n" in unchosen.stderr
    dpo, other = people["Nguyễn Thị Minh"], people["Andrew Tolley"]
    for role in roles:
        person, decision, comments = DPIA_PLAN[role]
        result = cli(
            "signoff", str(DPIA_IN_REVIEW), "--role", role, "--decision", OPTION_OF[decision],
            "--comments", comments, "--identity", dpo if person == 0 else other, "--json",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)
        assert data["signoff"]["state"] == "valid"
    assert data["status"] == "approved" and len(data["sealed_hash"]) == 64
    shown = cli("show", str(DPIA_IN_REVIEW)).stdout
    assert shown.count("Signature valid; covers this content") == 7
    assert "Approved with conditions" in shown and data["sealed_hash"] in shown
    assert "Nguyễn Thị Minh" in shown and "Advice accepted" in shown
    listed = json.loads(cli("signoffs", str(DPIA_IN_REVIEW), "--json").stdout)
    assert listed["still_needed"] == [] and listed["versions"][0]["status"] == "approved"

    # The signed records travel with the document and are accepted by another store.
    exported = tmp_path / "dpia.json"
    exported.write_text(cli("show", str(DPIA_IN_REVIEW), "--json").stdout, encoding="utf-8")
    other = tmp_path / "other.db"
    assert cli("init", where=other).returncode == 0
    imported = cli("import", str(exported), where=other)
    assert imported.returncode == 0, imported.stderr
    new_id = imported.stdout.split("id ")[1].split(" ")[0]
    there = json.loads(cli("signoffs", new_id, "--json", where=other).stdout)["signoffs"]
    assert [s["state"] for s in there] == ["unknown_certificate"] * 7  # identities are per store
    text = cli("signoffs", new_id, where=other).stdout
    assert text.count("Signer's certificate is not known in this store") == 7


def test_refusals_are_one_line_and_exit_2(cli) -> None:  # type: ignore[no-untyped-def]
    ident = str(DPIA_IN_REVIEW)
    for args, message in [
        (("--role", "measures-approved", "--decision", "reject"), "needs comments: give the"),
        (("--role", "dpo", "--decision", "approve"), "has no sign-off role 'dpo'"),
        (("--role", "review-owner", "--decision", "noted", "--identity", "00"), "at least 8"),
        (
            ("--role", "dpo-advice-provided", "--decision", "approve"),
            "DPO advice provided cannot record “approved”; this role takes: advice given",
        ),
    ]:
        result = cli("signoff", ident, *args)
        assert result.returncode == 2 and message in result.stderr, result.stderr
        assert result.stderr.count("\n") == 1 and not result.stdout
    sealed = cli("signoff", "1", "--role", "review-owner", "--decision", "approve")
    assert sealed.returncode == 2 and "only a version in review" in sealed.stderr
    assert json.loads(cli("signoffs", ident, "--json").stdout)["signoffs"] == []


def test_a_rejection_and_a_tampered_record_show_in_words(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ident = str(DPIA_IN_REVIEW)
    result = cli(
        "signoff", ident, "--role", "measures-approved", "--decision", "reject",
        "--comments", "No retention schedule yet",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "changes requested" in result.stdout
    assert "changes requested" in cli("show", ident).stdout
    with sqlite3.connect(tmp_path / "demo.db") as db:
        db.execute("UPDATE signoff SET notes = 'Fine by me' WHERE role = 'measures-approved'")
    shown = cli("signoffs", ident).stdout
    assert "Signature does not verify: the record was altered" in shown
    # Its signer's certificate stays for the record's sake when the identity is deleted.
    [fingerprint] = fingerprints(cli).values()
    deleted = cli("identity", "delete", fingerprint, "--yes")
    assert deleted.returncode == 0, deleted.stderr
    assert deleted.stdout == (
        "Deleted the private key of Nguyễn Thị Minh; the certificate stays in the store, its "
        "trust unchanged, because 1 sign-off here was signed with it and needs it to verify\n"
    )
    assert fingerprints(cli) == {"Nguyễn Thị Minh": fingerprint}
    assert not (tmp_path / "data" / "keys" / f"{fingerprint}.pem").exists()


def test_a_sealed_version_altered_behind_the_app_is_shown_and_not_signed(
    cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    with sqlite3.connect(tmp_path / "demo.db") as db:
        db.execute("UPDATE response SET value = 'Edited in SQL' WHERE assessment_id = 1 AND id = "
                   "(SELECT MIN(id) FROM response WHERE assessment_id = 1)")  # fmt: skip
    listed = cli("signoffs", "1")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.count("The sealed content has changed since this sign-off") == 7
    assert "Recorded without a digital signature" not in listed.stdout
    target = tmp_path / "dpia.pdf"
    signed = cli("export", "1", "--format", "pdf", "-o", str(target), "--sign")
    assert signed.returncode == 2 and not target.exists()
    assert signed.stderr.endswith(
        "the sealed content of this version has changed since approval (run 'ccassure check'); "
        "it cannot be signed\n"
    )
    assert signed.stderr.count("\n") == 1
