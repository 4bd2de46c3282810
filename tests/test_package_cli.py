"""`pack` and `unpack` run as people and scripts would: the round trip, conflicts, refusals."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

from ccassure.domain.document import Response
from tests.conftest import CORE, PROGRAMME, run_cli
from tests.package_helpers import PACKAGE_PASS, file_bytes, laptop
from tests.signoff_helpers import PASS

DPIA_IN_REVIEW = 2  # the demo's LifeX DPIA


def at(folder: Path, store: Path):  # type: ignore[no-untyped-def]
    def run(*args: str):  # type: ignore[no-untyped-def]
        return run_cli("--store", str(store), "--data-dir", str(folder / "data"), *args)

    return run


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("CCASSURE_PASSPHRASE", PASS)
    monkeypatch.setenv("CCASSURE_PACKAGE_PASSPHRASE", PACKAGE_PASS)


def test_round_trip_on_the_command_line(tmp_path: Path, demo_store: Path, scripted: None) -> None:
    shutil.copy(demo_store, tmp_path / "officer.db")
    officer = at(tmp_path / "o", tmp_path / "officer.db")
    dpo = at(tmp_path / "d", tmp_path / "dpo.db")
    assert officer("identity", "create", "--name", "Olu Officer", "--role", "IAO").returncode == 0
    out = tmp_path / "for-dpo.ccpack"
    packed = officer("pack", str(DPIA_IN_REVIEW), "-o", str(out), "--encrypt", "--note", "Advice?")
    assert packed.returncode == 0, packed.stderr
    assert "encrypted" in packed.stdout and "signed by Olu Officer" in packed.stdout
    officer("identity", "export-cert", "-o", str(tmp_path / "officer.pem"))
    assert dpo("init").returncode == 0
    dpo("identity", "create", "--name", "Dana DPO", "--role", "DPO")
    unknown = dpo("unpack", str(out))
    assert unknown.returncode == 2 and unknown.stderr.count("\n") == 1
    assert "Olu Officer" in unknown.stderr and "identity trust" in unknown.stderr
    dpo("identity", "trust", str(tmp_path / "officer.pem"))
    dry = dpo("unpack", str(out), "--dry-run")
    assert dry.returncode == 0 and "a new assessment" in dry.stdout
    assert json.loads(dpo("list", "--json").stdout) == []
    done = dpo("unpack", str(out), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["new"] is True
    (there,) = json.loads(dpo("list", "--json").stdout)
    known = json.loads(dpo("identity", "list", "--json").stdout)
    fingerprint = next(i["fingerprint"] for i in known if i["name"] == "Dana DPO")
    signed = dpo(
        "signoff", str(there["id"]), "--role", "dpo-advice-provided", "--decision",
        "advice-given", "--comments", "Proceed once M3 is in place.", "--identity", fingerprint,
    )  # fmt: skip
    assert signed.returncode == 0, signed.stderr
    back = tmp_path / "from-dpo.ccpack"
    assert dpo("pack", str(there["id"]), "-o", str(back), "--identity", fingerprint).returncode == 0
    dpo("identity", "export-cert", "-o", str(tmp_path / "dpo.pem"), "--fingerprint", fingerprint)
    officer("identity", "trust", str(tmp_path / "dpo.pem"))
    merged = officer("unpack", str(back))
    assert merged.returncode == 0, merged.stderr
    assert "Sign-off to add: dpo-advice-provided" in merged.stdout
    assert "1 sign-off(s) added" in merged.stdout
    views = json.loads(officer("signoffs", str(DPIA_IN_REVIEW), "--json").stdout)["signoffs"]
    dana = [v for v in views if v["name"] == "Dana DPO"]
    assert [(v["state"], v["comments"]) for v in dana] == [
        ("valid", "Proceed once M3 is in place.")
    ]


def test_conflicts_exit_1_listing_each_and_change_nothing(
    tmp_path: Path, scripted: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    before_keyring = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())  # type: ignore[no-untyped-call]
    try:
        officer, dpo = laptop(tmp_path / "o"), laptop(tmp_path / "d")
        me = officer.identities.create("Olu Officer", "IAO", "", lambda _p: PASS)
        them = dpo.identities.create("Dana DPO", "DPO", "", lambda _p: PASS)
        for receiver, sender, who in ((dpo, officer, me), (officer, dpo, them)):
            cert = tmp_path / f"{who.name}.pem"
            sender.identities.export_certificate(cert, who.fingerprint)
            receiver.identities.trust_certificate(cert)
        draft = officer.assessments.create("dpia", "DPIA for call handling", PROGRAMME, CORE)
        item = "screen.conclusion"
        officer.assessments.set_response(draft, Response(item=item, value="Needed"))
        out = tmp_path / "draft.ccpack"
        officer.packages.pack(draft, out, ask=lambda _p: PASS)
        there = dpo.packages.unpack(out).assessment_id
        dpo.assessments.set_response(there, Response(item=item, value="Needed: Part 3"))
        back = tmp_path / "back.ccpack"
        dpo.packages.pack(there, back, ask=lambda _p: PASS)
        officer.assessments.set_response(draft, Response(item=item, value="Needed now"))
        officer.close()
        dpo.close()
        run = at(tmp_path / "o", tmp_path / "o" / "store.db")
        before = file_bytes(tmp_path / "o" / "store.db")
        listed = run("unpack", str(back))
        assert listed.returncode == 1
        key = f"responses[{item}].value"
        assert f"Conflict {key}" in listed.stdout
        assert "mine:              Needed now" in listed.stdout
        assert "theirs:            Needed: Part 3" in listed.stdout
        assert "--choose FIELD=mine|theirs" in listed.stderr
        assert file_bytes(tmp_path / "o" / "store.db") == before
        wrong = run("unpack", str(back), "--choose", "risks[R9].title=theirs")
        assert wrong.returncode == 2 and "not one of this package's conflicts" in wrong.stderr
        chosen = run("unpack", str(back), "--choose", f"{key}=theirs")
        assert chosen.returncode == 0, chosen.stderr
        reopened = laptop(tmp_path / "o")
        answers = reopened.assessments.document(draft).responses
        assert {r.item: r.value for r in answers}[item] == "Needed: Part 3"
        reopened.close()
    finally:
        keyring.set_keyring(before_keyring)
