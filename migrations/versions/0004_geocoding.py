"""Geocoding status of actors and ideas: how their coordinates were found, and why not.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("actor", "idea")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column(
                    "geocode_status",
                    sa.Enum(
                        "none",
                        "manual",
                        "ok",
                        "failed",
                        "pending",
                        name="geocodestatus",
                        native_enum=False,
                        length=32,
                    ),
                    nullable=False,
                    server_default="none",
                )
            )
            batch.add_column(
                sa.Column(
                    "geocode_precision",
                    sa.Enum(
                        "street",
                        "postcode",
                        "city",
                        name="geocodeprecision",
                        native_enum=False,
                        length=32,
                    ),
                    nullable=True,
                )
            )
            batch.add_column(sa.Column("geocode_source", sa.String(length=64), nullable=True))
            batch.add_column(sa.Column("geocode_error", sa.String(length=500), nullable=True))
            batch.create_index(f"ix_{table}_geocode_status", ["geocode_status"])
    # Rows written before geocoding existed: coordinates came from the caller; an address
    # without them is for `radar geocode --pending`.
    for table in TABLES:
        op.execute(
            f"UPDATE {table} SET geocode_status = CASE "
            "WHEN lat IS NOT NULL THEN 'manual' "
            "WHEN street IS NOT NULL OR postcode IS NOT NULL OR city IS NOT NULL THEN 'pending' "
            "ELSE 'none' END"
        )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_geocode_status")
            for column in (
                "geocode_error",
                "geocode_source",
                "geocode_precision",
                "geocode_status",
            ):
                batch.drop_column(column)
