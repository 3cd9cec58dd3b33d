"""(Idea, actor) pairs announced with `match.found`, each once.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 08:10:26.801414
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idea_match_announcement",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("idea_id", sa.Uuid(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actor.id"],
            name=op.f("fk_idea_match_announcement_actor_id_actor"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["idea_id"],
            ["idea.id"],
            name=op.f("fk_idea_match_announcement_idea_id_idea"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_match_announcement")),
        sa.UniqueConstraint("idea_id", "actor_id", name="uq_idea_match_announcement"),
    )
    with op.batch_alter_table("idea_match_announcement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idea_match_announcement_actor_id"), ["actor_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_idea_match_announcement_idea_id"), ["idea_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("idea_match_announcement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idea_match_announcement_idea_id"))
        batch_op.drop_index(batch_op.f("ix_idea_match_announcement_actor_id"))

    op.drop_table("idea_match_announcement")
