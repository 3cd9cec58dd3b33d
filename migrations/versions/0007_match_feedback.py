"""Feedback on match suggestions: dismissed pairs are not suggested again.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "match_feedback",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=False),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "accepted",
                "dismissed",
                name="feedbackaction",
                native_enum=False,
                create_constraint=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("account_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actor.id"],
            name=op.f("fk_match_feedback_actor_id_actor"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["actor.id"],
            name=op.f("fk_match_feedback_target_id_actor"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_feedback")),
        sa.UniqueConstraint("actor_id", "target_id", name="uq_match_feedback_pair"),
    )
    with op.batch_alter_table("match_feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_match_feedback_actor_id"), ["actor_id"])
        batch_op.create_index(batch_op.f("ix_match_feedback_target_id"), ["target_id"])


def downgrade() -> None:
    op.drop_table("match_feedback")
