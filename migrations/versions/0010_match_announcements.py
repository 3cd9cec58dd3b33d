"""Pairs announced with `match.found`, so that each is announced once.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 08:04:13.204411
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "match_announcement",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=False),
        sa.Column("other_id", sa.Uuid(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actor.id"],
            name=op.f("fk_match_announcement_actor_id_actor"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["other_id"],
            ["actor.id"],
            name=op.f("fk_match_announcement_other_id_actor"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_announcement")),
        sa.UniqueConstraint("actor_id", "other_id", name="uq_match_announcement"),
    )
    with op.batch_alter_table("match_announcement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_match_announcement_actor_id"), ["actor_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_match_announcement_other_id"), ["other_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("match_announcement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_announcement_other_id"))
        batch_op.drop_index(batch_op.f("ix_match_announcement_actor_id"))

    op.drop_table("match_announcement")
