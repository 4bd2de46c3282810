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


def test_the_parser_offers_what_the_services_take() -> None:
    """The argument parser is kept import-light, so its lists are its own: they must agree."""
    from typing import get_args

    from ccassure.cli.parsers import DECISIONS, FORMATS
    from ccassure.domain.decisions import Decision
    from ccassure.services import report_export

    assert FORMATS == report_export.FORMATS
    assert sorted(DECISIONS.values()) == sorted(get_args(Decision))


def test_parsing_imports_no_service_library() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from ccassure.cli import build_parser; build_parser(); "
        "print(sorted(m for m in ('sqlalchemy', 'pyhanko', 'keyring', 'reportlab', 'PySide6') "
        "if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr
