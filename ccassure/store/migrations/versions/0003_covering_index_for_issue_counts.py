"""Covering index for counting issues by severity and status (the dashboard's largest query).

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_issue_assessment_severity", table_name="issue")
    op.create_index(
        "ix_issue_assessment_severity_status", "issue", ["assessment_id", "severity", "status"]
    )


def downgrade() -> None:
    op.drop_index("ix_issue_assessment_severity_status", table_name="issue")
    op.create_index("ix_issue_assessment_severity", "issue", ["assessment_id", "severity"])
