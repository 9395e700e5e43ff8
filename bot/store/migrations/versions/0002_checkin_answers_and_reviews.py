"""Check-ins: what was answered, an index for unconfirmed claims; periodic channel reviews with their claims.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answer", sa.String(length=16), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_checkins_answer_allowed"),
            "answer IS NULL OR answer IN ('value', 'target_ok', 'target_revised', 'snoozed')",
        )
        batch_op.create_index("ix_checkins_status_claimed_at", ["status", "claimed_at"], unique=False)

    op.create_table(
        "channel_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("period_key", sa.String(length=32), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_channel_reviews_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_reviews")),
        sa.UniqueConstraint(
            "workspace_id",
            "channel_id",
            "period_key",
            name=op.f("uq_channel_reviews_workspace_id_channel_id_period_key"),
        ),
    )


def downgrade() -> None:
    op.drop_table("channel_reviews")
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_index("ix_checkins_status_claimed_at")
        batch_op.drop_constraint(op.f("ck_checkins_answer_allowed"), type_="check")
        batch_op.drop_column("answer")
