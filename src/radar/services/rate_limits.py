"""Request rate limits per caller, counted in the database so every process shares them."""

import math
import time

from sqlalchemy import Engine, case
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from radar.models.rate_limit import RateLimitWindow

WINDOW_SECONDS = 60


def count_request(engine: Engine, *, key: str, limit: int, now: float | None = None) -> int | None:
    """Count one request of `key` in the current minute; the seconds to wait when it is one
    too many, else None. Runs in its own short transaction, independent of the request's."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
    insert = postgresql_insert if engine.dialect.name == "postgresql" else sqlite_insert
    table = RateLimitWindow.__table__  # type: ignore[attr-defined]
    statement = (
        insert(table)
        .values(key=key, window=window, count=1)
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "count": case((table.c.window == window, table.c.count + 1), else_=1),
                "window": window,
            },
        )
        .returning(table.c.count)
    )
    with engine.begin() as connection:
        count = connection.execute(statement).scalar_one()
    if count <= limit:
        return None
    return max(1, math.ceil(window + WINDOW_SECONDS - now))
