"""Coarse locations outside the gazetteer's coverage shown on a grid: the shown point of every
actor at postcode or city precision recomputed (it was the exact point outside Germany).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COARSE = ("postcode", "city")
BATCH = 1000


def upgrade() -> None:
    from radar.geo.privacy import shown_point

    # A lightweight table definition: a data migration never imports the app's models.
    actor = sa.table(
        "actor",
        sa.column("id", sa.Uuid),
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
        )
        .where(
            actor.c.location_precision.in_(COARSE),
            actor.c.lat.is_not(None),
            actor.c.lon.is_not(None),
        )
        .order_by(actor.c.id)
    ).all()
    update = (
        actor.update()
        .where(actor.c.id == sa.bindparam("actor_id"))
        .values(shown_lat=sa.bindparam("shown_lat"), shown_lon=sa.bindparam("shown_lon"))
    )
    for start in range(0, len(rows), BATCH):
        updates = []
        for actor_id, precision, lat, lon, postcode, city in rows[start : start + BATCH]:
            point = shown_point(precision, lat, lon, postcode, city)
            shown_lat, shown_lon = point if point is not None else (None, None)
            updates.append({"actor_id": actor_id, "shown_lat": shown_lat, "shown_lon": shown_lon})
        connection.execute(update, updates)


def downgrade() -> None:
    """Nothing to undo: the coarser shown points hide as much under the older code."""
