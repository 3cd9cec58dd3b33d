"""The taxonomy topic each offer, seek and tag of an actor resolved to, stored with the row.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The term lists and the columns of their topics, in the same order.
TERMS = {"offers": "offer_topics", "seeks": "seek_topics", "tags": "tag_topics"}
BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table("actor") as batch:
        for column in TERMS.values():
            batch.add_column(
                sa.Column(column, sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
            )
    from radar.matching.topics import TopicNormaliser, topic_names

    # Lightweight table definitions: a data migration never imports the app's models.
    topic = sa.table(
        "topic",
        sa.column("slug", sa.String),
        sa.column("label_de", sa.String),
        sa.column("label_en", sa.String),
        sa.column("synonyms", sa.JSON),
    )
    actor = sa.table(
        "actor",
        sa.column("id", sa.Uuid),
        *(sa.column(name, sa.JSON) for pair in TERMS.items() for name in pair),
    )
    connection = op.get_bind()
    normaliser = TopicNormaliser(
        topic_names(
            connection.execute(
                sa.select(topic.c.slug, topic.c.label_de, topic.c.label_en, topic.c.synonyms)
            )
        )
    )
    rows = connection.execute(
        sa.select(actor.c.id, *(actor.c[terms] for terms in TERMS)).order_by(actor.c.id)
    ).all()
    update = (
        actor.update()
        .where(actor.c.id == sa.bindparam("actor_id"))
        .values({column: sa.bindparam(column) for column in TERMS.values()})
    )
    for start in range(0, len(rows), BATCH):
        connection.execute(
            update,
            [
                {
                    "actor_id": row.id,
                    **{
                        column: normaliser.slugs_for(getattr(row, terms) or [])
                        for terms, column in TERMS.items()
                    },
                }
                for row in rows[start : start + BATCH]
            ],
        )


def downgrade() -> None:
    with op.batch_alter_table("actor") as batch:
        for column in reversed(TERMS.values()):
            batch.drop_column(column)
