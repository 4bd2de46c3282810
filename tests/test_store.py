"""The SQLite store: durable settings, schema revisions, migrations, refusals and backups."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from ccassure.services.context import Context
from ccassure.store.engine import create_store, make_engine, migrate, script_revisions
from ccassure.store.errors import StoreError
from ccassure.store.sqlite_file import HEAD, REVISIONS, inspect_store
from ccassure.store.store import Store
from tests.conftest import CORE, PROGRAMME


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_known_revisions_match_the_migration_scripts() -> None:
    assert script_revisions() == list(REVISIONS)


def test_migrations_build_exactly_the_tables(tmp_path: Path) -> None:
    engine = create_store(tmp_path / "s.db")

    def modelled(name: str | None, type_: str, *_: object) -> bool:
        return not (type_ == "table" and str(name).startswith("issue_fts"))  # FTS5, by hand

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": modelled})
        differences = compare_metadata(context, SQLModel.metadata)
        triggers = connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
        ).scalars()
        assert list(triggers) == ["issue_fts_delete", "issue_fts_insert", "issue_fts_update"]
    engine.dispose()
    assert differences == []


def test_store_uses_wal_foreign_keys_and_full_sync(context: Context) -> None:
    context.assessments.create("dpia", "DPIA", PROGRAMME, CORE)
    engine = make_engine(context.store.path)
    with engine.connect() as connection:
        pragma = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "synchronous")
        }
    engine.dispose()
    assert pragma == {"journal_mode": "wal", "foreign_keys": 1, "synchronous": 2}
    raw = sqlite3.connect(context.store.path)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # persistent in the file
    raw.close()


def _newer(path: Path) -> None:
    Store.create(path).close()
    raw = sqlite3.connect(path)
    raw.execute("UPDATE alembic_version SET version_num = '9999'")
    raw.commit()
    raw.close()


def test_newer_store_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    _newer(path)
    before = digest(path)
    with pytest.raises(StoreError, match="newer version of ccassure") as caught:
        Store.open(path)
    assert caught.value.kind == "newer" and digest(path) == before


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "not an SQLite database"),
        (b"hello, world\n" * 50, "not an SQLite database"),
        (b"SQLite format 3\x00" + b"\x00" * 4000, "damaged|not a ccassure store"),
    ],
)
def test_non_stores_are_refused_and_untouched(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "x.db"
    path.write_bytes(content)
    with pytest.raises(StoreError, match=reason):
        Store.open(path)
    assert path.read_bytes() == content


def test_other_sqlite_database_is_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE notes (text TEXT)")
    raw.commit()
    raw.close()
    with pytest.raises(StoreError, match="not a ccassure store") as caught:
        Store.open(path)
    assert caught.value.kind == "not_a_store"


def test_store_at_first_revision_upgrades_with_data_and_backup(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = create_store(path, revision=REVISIONS[0])
    engine.dispose()
    raw = sqlite3.connect(path)
    raw.executescript("""
        INSERT INTO programme (id, key, name) VALUES (1, 'cc', 'C&C');
        INSERT INTO component (id, programme_id, key, name, supplier, description)
            VALUES (1, 1, 'core', 'Core', 'Leidos', '');
        INSERT INTO assessment (id, uid, kind, title, component_id, template_id,
            template_version, status, version, owner, marking, created_on, summary, updated_at)
            VALUES (1, 'u1', 'accessibility', 'Old audit', 1, 'accessibility-wcag22', 1,
            'draft', 1, 'Tester', 'OFFICIAL', '2024-05-01', '', '');
        INSERT INTO issue (assessment_id, ref, title, description, criterion, severity, status,
            assistive_tech, at_version, os, browser, screen, steps, expected, actual, source,
            rule_id) VALUES (1, 'A-1', 'No label', '', '1.3.1', 'serious', 'open', 'NVDA', '',
            '', '', 'Form', '', '', '', 'manual', '');
    """)
    raw.commit()
    raw.close()
    assert inspect_store(path).revision == REVISIONS[0]

    store = Store.open(path)
    try:
        assert inspect_store(path).revision == HEAD
        document = store.reader().document(1)
        assert document is not None
        assert document.assessment.title == "Old audit"
        assert [(i.ref, i.criteria, i.severity) for i in document.issues] == [
            ("A-1", ("1.3.1",), "serious")
        ]
        with sqlite3.connect(path) as db:  # the upgrade filled the criterion index and search
            assert db.execute("SELECT issue_id, criterion FROM issue_criterion").fetchall() == [
                (1, "1.3.1")
            ]
            found = db.execute("SELECT rowid FROM issue_fts WHERE issue_fts MATCH 'label'")
            assert found.fetchall() == [(1,)]
        names = {
            r[0]
            for r in sqlite3.connect(path).execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'index')"
            )
        }
        assert {"audit_event", "ix_issue_assessment_severity_status"} <= names
    finally:
        store.close()
    backups = list(tmp_path.glob("old.db.before-upgrade-from-0001-*.bak"))
    assert len(backups) == 1
    assert inspect_store(backups[0]).revision == REVISIONS[0]
    kept = sqlite3.connect(backups[0])
    assert kept.execute("SELECT title FROM assessment").fetchall() == [("Old audit",)]
    kept.close()


def test_failed_migration_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    create_store(path, revision=REVISIONS[0]).dispose()
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE audit_event (x INTEGER)")  # makes revision 0002 fail part-way
    raw.commit()
    raw.close()
    before = sqlite3.connect(path).execute("SELECT sql FROM sqlite_master").fetchall()
    engine = make_engine(path)
    with pytest.raises(Exception, match="audit_event"):
        migrate(engine)
    engine.dispose()
    after = sqlite3.connect(path).execute("SELECT sql FROM sqlite_master").fetchall()
    assert after == before and inspect_store(path).revision == REVISIONS[0]


def test_writes_are_all_or_nothing(context: Context) -> None:
    store = context.store
    with pytest.raises(RuntimeError), store.transaction() as writer:
        writer.audit("first", None)
        raise RuntimeError("crash in the middle of a change")
    assert store.reader().table_counts()["audit_event"] == 0


REBUILD = '''"""Test-only revision: rebuild the assessment table, as a column change would."""

import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assessment", recreate="always") as batch:
        batch.add_column(sa.Column("extra", sa.String(), nullable=True))


def downgrade() -> None:
    pass
'''


def test_rebuilding_a_parent_table_keeps_its_children(context: Context, tmp_path: Path) -> None:
    import shutil

    from ccassure.store.engine import MIGRATIONS

    service = context.assessments
    dpia = service.create("dpia", "DPIA", PROGRAMME, CORE)
    from ccassure.domain.document import Response

    service.set_response(dpia, Response(item="step1.aims", value="Answer"))
    context.close()
    scripts = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, scripts)
    from ccassure.store.sqlite_file import HEAD

    rebuild = REBUILD.replace("{head}", HEAD)
    (scripts / "versions" / "9001_rebuild.py").write_text(rebuild, "utf-8")
    engine = make_engine(context.store.path)
    migrate(engine, "head", scripts)
    engine.dispose()
    db = sqlite3.connect(context.store.path)
    assert db.execute("SELECT COUNT(*) FROM response").fetchone()[0] == 1
    assert db.execute("SELECT COUNT(*) FROM audit_event").fetchone()[0] >= 2
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    db.close()


def test_a_change_prepared_on_stale_data_is_refused(context: Context) -> None:
    from ccassure.domain.document import Response

    service = context.assessments
    dpia = service.create("dpia", "DPIA", PROGRAMME, CORE)
    stale = context.store.reader().stamp(dpia)
    service.set_response(dpia, Response(item="step1.aims", value="First"))
    with (
        pytest.raises(StoreError, match="changed elsewhere") as caught,
        context.store.transaction() as writer,
    ):
        writer.expect(dpia, stale)
    assert caught.value.kind == "conflict"

    import ccassure.services.assessments as module

    real = module.problems
    template = service.template_for(service.document(dpia))

    def approve_meanwhile(*args: object) -> list[str]:
        module.problems = real
        other = Store(context.store.path)
        other_service = module.AssessmentService(other, context.templates, service._today)
        other_service.update_header(dpia, summary="changed meanwhile")
        other.close()
        return real(*args)  # type: ignore[arg-type]

    module.problems = approve_meanwhile  # type: ignore[assignment]
    try:
        with pytest.raises(StoreError, match="changed elsewhere"):
            service.set_response(dpia, Response(item="step1.why-needed", value="Second"))
    finally:
        module.problems = real
    assert template is not None
    answers = {r.item for r in service.document(dpia).responses}
    assert "step1.why-needed" not in answers
    assert service.document(dpia).assessment.summary == "changed meanwhile"


def test_a_failed_demo_leaves_nothing_behind(
    context: Context, monkeypatch: pytest.MonkeyPatch, resources: Path
) -> None:
    import ccassure.services.demo as demo

    def explode(*_args: object) -> None:
        raise RuntimeError("disk pulled out")

    monkeypatch.setattr(demo, "add_synthetic_issues", explode)
    with pytest.raises(RuntimeError):
        demo.build_demo(context.assessments, resources, scale=10)
    counts = context.store.reader().table_counts()
    assert counts["assessment"] == counts["programme"] == counts["issue"] == 0
    assert demo.build_demo(context.assessments, resources).assessment_ids


@pytest.mark.parametrize("count", [3, 2_500])
def test_issue_search_finds_every_inserted_issue(context: Context, count: int) -> None:
    """Small batches are indexed by the trigger, large ones in one statement: both complete."""
    from ccassure.services.demo import synthetic_issue_rows

    service = context.assessments
    audit = service.create("accessibility", "Audit", PROGRAMME, CORE)
    service.add_issue_rows(audit, synthetic_issue_rows(["1.4.3", "2.4.7"], count, 1, 7))
    db = sqlite3.connect(context.store.path)
    try:
        indexed = db.execute("SELECT COUNT(*) FROM issue_fts WHERE issue_fts MATCH 'synthetic'")
        assert indexed.fetchone()[0] == count
        triggers = db.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'")
        assert triggers.fetchone()[0] == 3
        assert db.execute("SELECT COUNT(*) FROM issue_criterion").fetchone()[0] == count
        db.execute("INSERT INTO issue_fts(issue_fts) VALUES ('integrity-check')")
    finally:
        db.close()


def test_stores_and_their_copies_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    from ccassure.store.sqlite_file import copy_store

    store = Store.create(tmp_path / "s.db")
    store.close()
    copy_store(tmp_path / "s.db", tmp_path / "copy.db")
    for path in (tmp_path / "s.db", tmp_path / "copy.db"):
        assert path.stat().st_mode & 0o777 == 0o600, path
