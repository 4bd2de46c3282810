"""Audit log, and indexes for filtering accessibility issues by severity and status.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.Column("detail_json", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_event_at", "audit_event", ["at"])
    op.create_index("ix_audit_event_assessment_id", "audit_event", ["assessment_id"])
    op.create_index("ix_issue_assessment_severity", "issue", ["assessment_id", "severity"])
    op.create_index("ix_issue_assessment_status", "issue", ["assessment_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_issue_assessment_status", table_name="issue")
    op.drop_index("ix_issue_assessment_severity", table_name="issue")
    op.drop_index("ix_audit_event_assessment_id", table_name="audit_event")
    op.drop_index("ix_audit_event_at", table_name="audit_event")
    op.drop_table("audit_event")
