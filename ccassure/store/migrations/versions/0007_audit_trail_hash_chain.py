"""Audit trail: field-level changes (entity, key, field, old and new values), hash chain, head.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ccassure.store.audit import GENESIS, HASHED, row_hash

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_TEXT_COLUMNS = ("entity", "entity_key", "field", "old_value", "new_value")


def upgrade() -> None:
    for name in NEW_TEXT_COLUMNS:
        op.add_column("audit_event", sa.Column(name, sa.String(), nullable=True))
    for name in ("prev_hash", "hash"):
        op.add_column(
            "audit_event", sa.Column(name, sa.String(), nullable=False, server_default="")
        )
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_audit_head_one_row"),
        sa.PrimaryKeyConstraint("id"),
    )
    _chain_existing_rows()


def _chain_existing_rows() -> None:
    """Events written before this revision join the chain in their id order."""
    connection = op.get_bind()
    selected = ", ".join(HASHED)
    rows = connection.exec_driver_sql(f"SELECT {selected} FROM audit_event ORDER BY id")
    prev, last_id, updates = GENESIS, 0, []
    for values in rows.fetchall():
        row = dict(zip(HASHED, values, strict=True))
        digest = row_hash(prev, row)
        updates.append((prev, digest, row["id"]))
        prev, last_id = digest, int(row["id"])
    if updates:
        connection.exec_driver_sql(
            "UPDATE audit_event SET prev_hash = ?, hash = ? WHERE id = ?", updates
        )
    connection.exec_driver_sql(
        "INSERT INTO audit_head (id, last_id, count, hash) VALUES (1, ?, ?, ?)",
        (last_id, len(updates), prev),
    )


def downgrade() -> None:
    op.drop_table("audit_head")
    with op.batch_alter_table("audit_event") as batch:
        for name in ("hash", "prev_hash", *reversed(NEW_TEXT_COLUMNS)):
            batch.drop_column(name)
