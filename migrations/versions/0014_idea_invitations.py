"""Invitations to take part in an idea: an actor added by someone who does not manage it takes
part once its managers accept.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idea_invitation",
        sa.Column("idea_id", sa.Uuid(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=False),
        sa.Column(
            "role",
            sa.Enum("lead", "partner", name="participantrole", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("invited_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actor.id"],
            name=op.f("fk_idea_invitation_actor_id_actor"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["idea_id"],
            ["idea.id"],
            name=op.f("fk_idea_invitation_idea_id_idea"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("idea_id", "actor_id", name=op.f("pk_idea_invitation")),
    )
    with op.batch_alter_table("idea_invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_idea_invitation_actor_id"), ["actor_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("idea_invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idea_invitation_actor_id"))
    op.drop_table("idea_invitation")
