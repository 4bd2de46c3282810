"""Accessibility workspace: issue criteria, occurrences, WCAG-EM scope, links, full-text search.

Revision ID: 0005
Revises: 0004

Issues gain several criteria (issue_criterion, kept beside a display column), a reason for
their status, the page URL and "needs review" of automated findings, screenshots, and
occurrences; retest outcomes become passed / failed / cannot test. issue_fts is an FTS5 index
over the issue table (with prefix indexes, so a word's first letters filter at once), kept by
triggers (an update re-indexes only when indexed text changes). A later migration that
rebuilds the issue table must create the triggers again (dropping a table drops its triggers).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS_COLUMNS = (
    "ref, title, description, steps, expected, actual, screen, assistive_tech, browser, os, "
    "rule_id, url"
)


def _child(name: str, *columns: sa.Column | sa.UniqueConstraint, parent: str = "issue") -> None:  # type: ignore[type-arg]
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(f"{parent}_id", sa.Integer(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint([f"{parent}_id"], [f"{parent}.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(f"ix_{name}_{parent}_id", name, [f"{parent}_id"])


def _text(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.String(), nullable=False, server_default="")


def upgrade() -> None:
    with op.batch_alter_table("issue") as batch:
        batch.alter_column("criterion", new_column_name="criteria")
        batch.add_column(_text("status_reason"))
        batch.add_column(_text("url"))
        batch.add_column(
            sa.Column("needs_review", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(_text("screenshots"))
    with op.batch_alter_table("issue") as batch:  # server defaults were only for the old rows
        for name in ("status_reason", "url", "screenshots", "needs_review"):
            batch.alter_column(name, server_default=None)
    op.create_index(
        "ix_issue_assessment_assistive_tech", "issue", ["assessment_id", "assistive_tech"]
    )
    op.create_index("ix_issue_assessment_screen", "issue", ["assessment_id", "screen"])
    op.create_index("ix_issue_assessment_rule_url", "issue", ["assessment_id", "rule_id", "url"])
    op.create_index("ix_issue_assessment_ref", "issue", ["assessment_id", "ref"])

    _child(
        "issue_criterion",
        sa.Column("criterion", sa.String(), nullable=False),
        sa.UniqueConstraint("issue_id", "criterion"),
    )
    op.create_index("ix_issue_criterion_criterion", "issue_criterion", ["criterion", "issue_id"])
    op.execute(
        "INSERT INTO issue_criterion (issue_id, criterion) "
        "SELECT id, criteria FROM issue WHERE criteria != ''"
    )
    _child(
        "occurrence",
        sa.Column("target", sa.String(), nullable=False),
        sa.Column("html", sa.String(), nullable=False),
        sa.Column("failure_summary", sa.String(), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
    )
    op.execute("UPDATE retest SET outcome = 'passed' WHERE outcome = 'fixed'")
    op.execute(
        "UPDATE retest SET outcome = 'failed' WHERE outcome IN ('not_fixed', 'partly_fixed')"
    )

    op.create_table(
        "scope",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(), nullable=False),
        sa.Column("release", sa.String(), nullable=False),
        sa.Column("level", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessment.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("assessment_id"),
    )
    _child(
        "sample",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        parent="assessment",
    )
    _child(
        "at_combination",
        sa.Column("assistive_tech", sa.String(), nullable=False),
        sa.Column("at_version", sa.String(), nullable=False),
        sa.Column("browser", sa.String(), nullable=False),
        sa.Column("os", sa.String(), nullable=False),
        parent="assessment",
    )
    _child(
        "link",
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("target_uid", sa.String(), nullable=False),
        sa.Column("target", sa.String(), nullable=False),
        parent="assessment",
    )
    op.create_index("ix_link_target_uid", "link", ["target_uid"])
    create_issue_search()


def create_issue_search() -> None:
    """The FTS5 index of issue text and the triggers that keep it in step with the table."""
    op.execute(
        f"CREATE VIRTUAL TABLE issue_fts USING fts5({FTS_COLUMNS}, content='issue', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')"
    )
    new = ", ".join(f"new.{c.strip()}" for c in FTS_COLUMNS.split(","))
    old = ", ".join(f"old.{c.strip()}" for c in FTS_COLUMNS.split(","))
    op.execute(
        f"CREATE TRIGGER issue_fts_insert AFTER INSERT ON issue BEGIN "
        f"INSERT INTO issue_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, {new}); END"
    )
    op.execute(
        f"CREATE TRIGGER issue_fts_delete AFTER DELETE ON issue BEGIN "
        f"INSERT INTO issue_fts(issue_fts, rowid, {FTS_COLUMNS}) "
        f"VALUES ('delete', old.id, {old}); END"
    )
    op.execute(
        f"CREATE TRIGGER issue_fts_update AFTER UPDATE OF {FTS_COLUMNS} ON issue BEGIN "
        f"INSERT INTO issue_fts(issue_fts, rowid, {FTS_COLUMNS}) "
        f"VALUES ('delete', old.id, {old}); "
        f"INSERT INTO issue_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, {new}); END"
    )
    op.execute("INSERT INTO issue_fts(issue_fts) VALUES ('rebuild')")


def downgrade() -> None:
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER issue_fts_{trigger}")
    op.execute("DROP TABLE issue_fts")
    for table in ("link", "at_combination", "sample", "scope", "occurrence", "issue_criterion"):
        op.drop_table(table)
    op.execute("UPDATE retest SET outcome = 'fixed' WHERE outcome = 'passed'")
    op.execute("UPDATE retest SET outcome = 'not_fixed' WHERE outcome = 'failed'")
    for index in ("ref", "rule_url", "screen", "assistive_tech"):
        op.drop_index(f"ix_issue_assessment_{index}", table_name="issue")
    with op.batch_alter_table("issue") as batch:
        for name in ("status_reason", "url", "needs_review", "screenshots"):
            batch.drop_column(name)
        batch.alter_column("criteria", new_column_name="criterion")
