"""Where each actor appears to those who do not manage it, stored with the row.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("actor") as batch:
        batch.add_column(sa.Column("shown_lat", sa.Float(), nullable=True))
        batch.add_column(sa.Column("shown_lon", sa.Float(), nullable=True))
    from radar.geo.privacy import shown_point

    actor = sa.table(
        "actor",
        sa.column("id"),
        sa.column("lat", sa.Float),
        sa.column("lon", sa.Float),
        sa.column("postcode", sa.String),
        sa.column("city", sa.String),
        sa.column("location_precision", sa.String),
        sa.column("shown_lat", sa.Float),
        sa.column("shown_lon", sa.Float),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            actor.c.id,
            actor.c.location_precision,
            actor.c.lat,
            actor.c.lon,
            actor.c.postcode,
            actor.c.city,
        ).where(actor.c.lat.is_not(None), actor.c.lon.is_not(None))
    ).all()
    updates = []
    for actor_id, precision, lat, lon, postcode, city in rows:
        point = shown_point(precision, lat, lon, postcode, city)
        if point is not None:
            updates.append({"actor_id": actor_id, "shown_lat": point[0], "shown_lon": point[1]})
    if updates:
        connection.execute(
            actor.update()
            .where(actor.c.id == sa.bindparam("actor_id"))
            .values(shown_lat=sa.bindparam("shown_lat"), shown_lon=sa.bindparam("shown_lon")),
            updates,
        )


def downgrade() -> None:
    with op.batch_alter_table("actor") as batch:
        batch.drop_column("shown_lon")
        batch.drop_column("shown_lat")
