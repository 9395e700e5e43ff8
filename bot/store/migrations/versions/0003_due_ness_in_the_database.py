"""Due-ness in the database: when each KPI's next check-in and each channel's next review fall due, indexed; a
covering index for value histories and one for a KPI's check-ins by due time.

The backfill is plain SQL (no application code in a migration): every KPI with check-ins and every channel with
KPIs is made due at once (its creation time). The first tick after the upgrade then works out the latest period of
each, posts it only if that period was never claimed (the claim's unique key decides, as before this change) and
stores the real next due time: one sweep, after which a tick reads only what is due.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("kpis", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_due_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_kpis_next_due_at_workspace_id_channel_id_id",
            ["next_due_at", "workspace_id", "channel_id", "id"],
            unique=False,
        )

    with op.batch_alter_table("kpi_values", schema=None) as batch_op:
        batch_op.drop_index("ix_kpi_values_kpi_id_recorded_at")
        batch_op.create_index(
            "ix_kpi_values_kpi_id_recorded_at_id_value", ["kpi_id", "recorded_at", "id", "value"], unique=False
        )

    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.create_index("ix_checkins_kpi_id_due_at", ["kpi_id", "due_at"], unique=False)

    op.create_table(
        "review_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("next_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_review_schedules_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_schedules")),
        sa.UniqueConstraint("workspace_id", "channel_id", name=op.f("uq_review_schedules_workspace_id_channel_id")),
    )
    with op.batch_alter_table("review_schedules", schema=None) as batch_op:
        batch_op.create_index("ix_review_schedules_next_due_at_id", ["next_due_at", "id"], unique=False)

    op.execute(
        "UPDATE kpis SET next_due_at = created_at "
        "WHERE status = 'active' AND cadence <> 'off' AND channel_id IS NOT NULL"
    )
    op.execute(
        "INSERT INTO review_schedules (workspace_id, channel_id, next_due_at) "
        "SELECT workspace_id, channel_id, min(created_at) FROM kpis "
        "WHERE status <> 'archived' AND channel_id IS NOT NULL GROUP BY workspace_id, channel_id"
    )


def downgrade() -> None:
    with op.batch_alter_table("review_schedules", schema=None) as batch_op:
        batch_op.drop_index("ix_review_schedules_next_due_at_id")
    op.drop_table("review_schedules")
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_index("ix_checkins_kpi_id_due_at")
    with op.batch_alter_table("kpi_values", schema=None) as batch_op:
        batch_op.drop_index("ix_kpi_values_kpi_id_recorded_at_id_value")
        batch_op.create_index("ix_kpi_values_kpi_id_recorded_at", ["kpi_id", "recorded_at"], unique=False)
    with op.batch_alter_table("kpis", schema=None) as batch_op:
        batch_op.drop_index("ix_kpis_next_due_at_workspace_id_channel_id_id")
        batch_op.drop_column("next_due_at")
