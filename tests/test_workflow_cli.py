"""The workflow commands as a script would use them: submit, withdraw, new version."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import run_cli


def _cli(store: Path, *args: str):  # type: ignore[no-untyped-def]
    return run_cli("--store", str(store), "--data-dir", str(store.parent / "data"), *args)


def _status(store: Path, ident: int) -> str:
    shown = json.loads(_cli(store, "show", str(ident), "--json").stdout)
    return str(shown["assessment"]["status"])


def test_withdraw_submit_and_new_version(demo_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "s.db"
    shutil.copy(demo_store, store)
    listing = json.loads(_cli(store, "list", "--json").stdout)
    in_review = next(a for a in listing if a["status"] == "in_review" and a["kind"] == "dpia")
    approved = next(a for a in listing if a["status"] == "approved" and a["kind"] == "dpia")

    withdrawn = _cli(store, "withdraw", str(in_review["id"]))
    assert withdrawn.returncode == 0, withdrawn.stderr
    assert _status(store, in_review["id"]) == "draft"
    assert _cli(store, "submit", str(in_review["id"])).returncode == 0
    assert _status(store, in_review["id"]) == "in_review"

    started = _cli(store, "new-version", str(approved["id"]), "--json")
    assert started.returncode == 0, started.stderr
    new = json.loads(started.stdout)
    assert new["version"] == approved["version"] + 1
    assert _status(store, new["id"]) == "draft"
    assert _status(store, approved["id"]) == "approved"


def test_refusals_are_one_line_and_change_nothing(demo_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "s.db"
    shutil.copy(demo_store, store)
    listing = json.loads(_cli(store, "list", "--json").stdout)
    draft = next(a for a in listing if a["status"] == "draft" and a["kind"] == "environmental")
    before = store.read_bytes()
    for args in (("submit", str(draft["id"])), ("withdraw", str(draft["id"])), ("submit", "999")):
        result = _cli(store, *args)
        assert result.returncode == 2
        assert len(result.stderr.strip().splitlines()) == 1
        assert result.stderr.startswith("ccassure: ")
    assert store.read_bytes() == before
