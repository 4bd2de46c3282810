"""Signed sign-offs and trust: who signed with which certificate, and which signers are trusted.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("identity") as batch:
        batch.add_column(sa.Column("trusted", sa.Boolean(), nullable=False, server_default="0"))
    op.execute("UPDATE identity SET trusted = 1")  # identities made or imported here are ours
    with op.batch_alter_table("signoff") as batch:
        batch.add_column(sa.Column("signed_at", sa.String(), nullable=False, server_default=""))
        batch.add_column(sa.Column("fingerprint", sa.String(), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("certificate_pem", sa.String(), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("signoff") as batch:
        batch.drop_column("certificate_pem")
        batch.drop_column("fingerprint")
        batch.drop_column("signed_at")
    with op.batch_alter_table("identity") as batch:
        batch.drop_column("trusted")
