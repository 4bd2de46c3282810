"""The command line as users and scripts drive it: real processes on real store files."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ccassure.domain.document import without_identity
from tests.conftest import ROOT, run_cli
from tests.spoiled_stores import newer, not_a_store, scribble, truncate

KINDS = {"dpia", "eia", "accessibility", "environmental"}


def cli(store: Path, *args: str) -> Any:
    result = run_cli("--store", str(store), *args)
    assert "Traceback" not in result.stderr
    return result


def ok_json(store: Path, *args: str) -> Any:
    result = cli(store, *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def one_line_error(result: Any, text: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ccassure: "), result.stderr
    assert text in lines[0], lines[0]


@pytest.fixture
def store(demo_store: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "store.db"
    shutil.copy(demo_store, copy)
    return copy


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_demo_lists_all_four_kinds_for_three_components(store: Path) -> None:
    listing = ok_json(store, "list")
    assert {a["kind"] for a in listing} == KINDS
    assert len({a["component"] for a in listing}) == 3
    for entry in listing:
        assert {"id", "kind", "title", "component", "status", "version"} <= set(entry)
    statuses = {a["status"] for a in listing}
    assert {"approved", "draft", "in_review"} <= statuses
    assert any(a["version"] > 1 for a in listing)  # the EIA under revision
    assert [a["kind"] for a in ok_json(store, "list", "--kind", "eia")] == ["eia"]
    assert len(ok_json(store, "list", "--all-versions")) > len(listing)


def test_show_json_is_the_full_document(store: Path) -> None:
    listing = ok_json(store, "list")
    dpia = next(a for a in listing if a["kind"] == "dpia" and a["status"] == "approved")
    document = ok_json(store, "show", str(dpia["id"]))
    assert document["format"] == "ccassure.assessment"
    assert document["assessment"]["id"] == dpia["id"]
    assert document["risks"] and document["responses"] and document["signoffs"]
    assert document["sealed_hash"]
    text = cli(store, "show", str(dpia["id"]))
    assert text.returncode == 0 and "Risk register" in text.stdout
    a11y = next(a for a in listing if a["kind"] == "accessibility")
    assert len(ok_json(store, "show", str(a11y["id"]))["issues"]) >= 25


def test_import_round_trips_every_assessment(store: Path, tmp_path: Path) -> None:
    for entry in ok_json(store, "list", "--all-versions"):
        original = ok_json(store, "show", str(entry["id"]))
        exported = tmp_path / f"{entry['id']}.json"
        exported.write_text(cli(store, "show", str(entry["id"]), "--json").stdout, "utf-8")
        result = cli(store, "import", str(exported))
        assert result.returncode == 0, result.stderr
        new_id = int(result.stdout.split(": id ")[1].split()[0])
        assert new_id != entry["id"]
        copy = ok_json(store, "show", str(new_id))
        assert without_identity(copy) == without_identity(original)
        assert copy["assessment"]["uid"] != original["assessment"]["uid"]
    assert cli(store, "check").returncode == 0


def test_a_later_version_joins_its_assessment_in_another_store(store: Path, tmp_path: Path) -> None:
    eia = next(a for a in ok_json(store, "list") if a["kind"] == "eia")
    versions = [a for a in ok_json(store, "list", "--all-versions") if a["uid"] == eia["uid"]]
    other = tmp_path / "other.db"
    assert cli(other, "init").returncode == 0
    for version in sorted(versions, key=lambda a: a["version"]):
        path = tmp_path / f"v{version['version']}.json"
        path.write_text(cli(store, "show", str(version["id"]), "--json").stdout, "utf-8")
        result = cli(other, "import", str(path))
        assert result.returncode == 0, result.stderr
    assert "as version 2 of an existing assessment" in result.stdout
    imported = ok_json(other, "list", "--all-versions")
    assert [(a["uid"], a["version"]) for a in imported] == [(eia["uid"], 1), (eia["uid"], 2)]


def test_altered_sealed_document_is_refused_and_nothing_changes(
    store: Path, tmp_path: Path
) -> None:
    dpia = next(a for a in ok_json(store, "list") if a["status"] == "approved")
    document = ok_json(store, "show", str(dpia["id"]))
    document["risks"][0]["likelihood"] = "remote"
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(document), "utf-8")
    before = ok_json(store, "list", "--all-versions")
    one_line_error(cli(store, "import", str(path)), "altered after it was sealed")
    assert ok_json(store, "list", "--all-versions") == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a JSON document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not a JSON document"),
        (b'{"format": "ccassure.assessment"}', "assessment: Field required"),
        (b"[]", "not a ccassure assessment document"),
        (b"{" * 100_000, "not a JSON document"),
    ],
)
def test_bad_import_files_get_one_line_and_change_nothing(
    store: Path, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    before = digest(store)
    one_line_error(cli(store, "import", str(path)), message)
    assert digest(store) == before


def test_missing_and_folder_imports(store: Path, tmp_path: Path) -> None:
    one_line_error(cli(store, "import", str(tmp_path / "nope.json")), "no such file")
    one_line_error(cli(store, "import", str(tmp_path)), "is a folder")


def test_hostile_text_is_kept_literally(store: Path, tmp_path: Path) -> None:
    entry = next(a for a in ok_json(store, "list") if a["status"] == "draft")
    document = ok_json(store, "show", str(entry["id"]))
    hostile = '<img src=x onerror=alert(1)> "; DROP TABLE assessment; -- \u202e\u0000'
    document["assessment"]["title"] = hostile
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(document), "utf-8")
    result = cli(store, "import", str(path))
    assert result.returncode == 0, result.stderr
    new_id = result.stdout.split(": id ")[1].split()[0]
    assert ok_json(store, "show", new_id)["assessment"]["title"] == hostile
    assert any(a["title"] == hostile for a in ok_json(store, "list"))


def test_check_passes_on_the_demo_store(store: Path) -> None:
    result = cli(store, "check")
    assert result.returncode == 0 and result.stdout.startswith("ok: ")
    report = ok_json(store, "check")
    assert report["ok"] and report["counts"]["issue"] >= 25


@pytest.mark.parametrize(
    ("spoil", "message"),
    [(truncate, "damaged"), (not_a_store, "not a ccassure store"), (newer, "newer version")],
)
def test_check_refuses_bad_stores_with_one_line_and_no_change(
    store: Path, spoil: Any, message: str
) -> None:
    spoil(store)
    before = digest(store)
    one_line_error(cli(store, "check"), message)
    one_line_error(cli(store, "list"), message)
    assert digest(store) == before


def test_check_finds_a_changed_sealed_version(store: Path) -> None:
    db = sqlite3.connect(store)
    db.execute(
        "UPDATE risk SET measures = measures || ' (edited behind the app)' WHERE id = "
        "(SELECT MIN(r.id) FROM risk r JOIN assessment a ON a.id = r.assessment_id "
        "WHERE a.status = 'approved')"
    )
    db.commit()
    db.close()
    one_line_error(cli(store, "check"), "sealed content has changed")


def test_backup_and_restore(store: Path, tmp_path: Path) -> None:
    backup = tmp_path / "backup.db"
    assert cli(store, "backup", str(backup)).returncode == 0
    one_line_error(cli(store, "backup", str(backup)), "already exists")
    before = ok_json(store, "list", "--all-versions")
    entry = before[0]
    path = tmp_path / "copy.json"
    path.write_text(cli(store, "show", str(entry["id"]), "--json").stdout, "utf-8")
    assert cli(store, "import", str(path)).returncode == 0
    assert len(ok_json(store, "list", "--all-versions")) == len(before) + 1

    result = cli(store, "restore", str(backup))
    assert result.returncode == 0, result.stderr
    assert ok_json(store, "list", "--all-versions") == before
    kept = list(tmp_path.glob("store.db.before-restore-*.bak"))
    assert len(kept) == 1
    assert len(ok_json(kept[0], "list", "--all-versions")) == len(before) + 1

    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a backup")
    one_line_error(cli(store, "restore", str(garbage)), "cannot restore")
    assert ok_json(store, "list", "--all-versions") == before


def test_restore_over_a_damaged_store_sets_it_aside(store: Path, tmp_path: Path) -> None:
    backup = tmp_path / "backup.db"
    assert cli(store, "backup", str(backup)).returncode == 0
    truncate(store)
    damaged = store.read_bytes()
    assert cli(store, "restore", str(backup)).returncode == 0
    assert cli(store, "check").returncode == 0
    aside = list(tmp_path.glob("store.db.damaged-*.bak"))
    assert len(aside) == 1 and aside[0].read_bytes() == damaged


def test_templates_command(tmp_path: Path) -> None:
    listing = json.loads(run_cli("--data-dir", str(tmp_path), "templates", "--json").stdout)
    assert {t["kind"] for t in listing} == KINDS
    a11y = next(t for t in listing if t["kind"] == "accessibility")
    assert a11y["items"] >= 86


def test_broken_user_template_is_reported_and_the_rest_load(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "ours.toml").write_text('id = "ours"\nkind = "eia"\n', "utf-8")
    result = run_cli("--data-dir", str(tmp_path), "templates")
    assert result.returncode == 0 and "eia-psed" in result.stdout
    assert "ours.toml" in result.stderr and "version" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["list", "--kind", "pia"], "invalid choice"),
        (["show", "999999"], "no assessment with id 999999"),
        (["show", "abc"], "invalid int value"),
        (["frobnicate"], "invalid choice"),
        (["demo", "--scale", "-5"], "between 0 and"),
        (["demo", "--scale", "99999999999999999999"], "between 0 and"),
        (["show", "99999999999999999999"], "no assessment with id"),
    ],
)
def test_bad_arguments_get_one_line(store: Path, args: list[str], message: str) -> None:
    one_line_error(cli(store, *args), message)


def test_store_from_url_and_environment(store: Path, tmp_path: Path) -> None:
    via_url = run_cli("--store", f"sqlite:///{store}", "list", "--json")
    assert via_url.returncode == 0 and json.loads(via_url.stdout)
    one_line_error(run_cli("--store", "postgresql://db/x", "list"), "not supported yet")
    one_line_error(run_cli("--store", str(tmp_path / "none.db"), "list"), "ccassure init")


def test_self_test_passes_and_keeps_its_work_in_the_data_dir(tmp_path: Path) -> None:
    """The installer's smoke test runs `self-test --data-dir TMP` on the frozen build."""
    data_dir = tmp_path / "smoke"
    result = run_cli("self-test", "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test passed" in result.stdout and "FAIL" not in result.stdout
    assert "ok   signed PDF report" in result.stdout and "1 signature" in result.stdout
    (work,) = data_dir.iterdir()
    assert f"ok   work folder: {work}\n" in result.stdout
    pdfsig = subprocess.run(["pdfsig", str(work / "self-test.pdf")], capture_output=True, text=True)
    assert "Signature is Valid" in pdfsig.stdout
    assert "ok   keyring backend: keyring.backends." in result.stdout
    resources = ROOT / "resources"
    assert f"4 templates, 2 fonts, 1 icons, 7 migrations under {resources}" in result.stdout


def test_self_test_without_a_data_dir_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    result = run_cli("self-test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(removed afterwards)" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_backup_of_a_damaged_store_is_refused(store: Path, tmp_path: Path) -> None:
    scribble(store)
    backup = tmp_path / "b.db"
    result = cli(store, "backup", str(backup))
    one_line_error(result, "damaged")
    assert not backup.exists()


def test_restore_never_moves_a_folder_or_a_newer_store(store: Path, tmp_path: Path) -> None:
    backup = tmp_path / "backup.db"
    assert cli(store, "backup", str(backup)).returncode == 0
    folder = tmp_path / "precious"
    folder.mkdir()
    (folder / "thesis.txt").write_text("years of work", "utf-8")
    one_line_error(run_cli("--store", str(folder), "restore", str(backup)), "will not restore")
    assert (folder / "thesis.txt").read_text("utf-8") == "years of work"
    newer(store)
    before = digest(store)
    one_line_error(cli(store, "restore", str(backup)), "will not restore")
    assert digest(store) == before


def test_backups_of_other_stores_are_not_pruned(tmp_path: Path, demo_store: Path) -> None:
    odd = tmp_path / "a[b].db"
    shutil.copy(demo_store, odd)
    neighbours = [tmp_path / f"ab.db.before-import-2020010{n}T000000000000Z.bak" for n in range(7)]
    for path in neighbours:
        path.write_bytes(b"someone else's backup")
    entry = ok_json(odd, "list")[0]
    doc = tmp_path / "doc.json"
    doc.write_text(cli(odd, "show", str(entry["id"]), "--json").stdout, "utf-8")
    for _ in range(6):
        assert cli(odd, "import", str(doc)).returncode == 0
    assert all(path.exists() for path in neighbours)
    assert len(list(tmp_path.glob("a[[]b].db.before-import-*.bak"))) == 5


def test_control_characters_cannot_forge_rows(store: Path, tmp_path: Path) -> None:
    entry = next(a for a in ok_json(store, "list") if a["status"] == "draft")
    document = ok_json(store, "show", str(entry["id"]))
    document["assessment"]["title"] = "Real\n99  dpia  approved  v1  Forged\x1b[2J"
    path = tmp_path / "spoof.json"
    path.write_text(json.dumps(document), "utf-8")
    assert cli(store, "import", str(path)).returncode == 0
    listing = cli(store, "list").stdout
    assert "\x1b" not in listing
    assert len(listing.splitlines()) == len(ok_json(store, "list")) + 1
    assert "\\x0a99" in listing


def test_restore_refuses_a_store_in_use(store: Path, tmp_path: Path) -> None:
    backup = tmp_path / "backup.db"
    assert cli(store, "backup", str(backup)).returncode == 0
    writer = sqlite3.connect(store, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE assessment SET summary = 'IN-FLIGHT' WHERE id = 1")
    try:
        one_line_error(cli(store, "restore", str(backup)), "in use")
    finally:
        writer.execute("COMMIT")
        writer.close()
    assert any(a["id"] == 1 for a in ok_json(store, "list", "--all-versions"))
    db = sqlite3.connect(store)
    assert db.execute("SELECT summary FROM assessment WHERE id = 1").fetchone()[0] == "IN-FLIGHT"
    db.close()


def test_check_of_an_older_schema_says_it_will_be_upgraded_not_that_it_is_empty(
    tmp_path: Path,
) -> None:
    from ccassure.store.engine import create_store

    path = tmp_path / "old.db"
    create_store(path, revision="0006").dispose()
    result = run_cli("--store", str(path), "check")
    assert result.returncode == 0, result.stderr
    assert "schema 0006 is older than" in result.stdout
    assert f"ok: {path} passes (schema 0006)" in result.stdout
    assert "0 assessment versions" not in result.stdout


@pytest.mark.parametrize("where", ["file", "under-a-file"])
def test_self_test_data_dir_that_cannot_hold_a_folder_is_one_clear_line(
    tmp_path: Path, where: str
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    data_dir = blocker if where == "file" else blocker / "inside"
    result = run_cli("self-test", "--data-dir", str(data_dir))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("ccassure: cannot make the self-test's folder in ")
    assert len(result.stderr.strip().splitlines()) == 1 and "unexpected" not in result.stderr
    assert blocker.read_text() == "not a folder"
