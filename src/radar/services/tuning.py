"""Match weights: the measured defaults, then RADAR_MATCH_WEIGHTS, then what admins set at run
time (stored in the database, so every process scores the same way from its next match)."""

from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from radar.errors import FieldError, InvalidInput
from radar.matching.engine import DEFAULT_WEIGHTS, Tuning
from radar.models.base import utcnow
from radar.models.setting import MatchTuningPublic, MatchTuningUpdate, StoredSetting
from radar.services.access import Principal, require_admin
from radar.settings import Settings

KEY = "match_tuning"


# Every match reads it: built once, not per request, and run on the session's connection (the
# ORM's execution path takes longer than the query: 46 against 17 µs on SQLite).
_STORED_VALUE = select(col(StoredSetting.value)).where(col(StoredSetting.key) == KEY)


def current_tuning(session: Session, settings: Settings) -> Tuning:
    """The weights and half-distance matches are scored with now."""
    value: dict[str, Any] = session.connection().execute(_STORED_VALUE).scalar() or {}
    weights = {**DEFAULT_WEIGHTS, **settings.match_weights, **value.get("weights", {})}
    half = float(value.get("half_distance_km") or settings.match_half_distance_km)
    return Tuning(weights=weights, half_distance_km=half)


def read_tuning(session: Session, settings: Settings, principal: Principal) -> MatchTuningPublic:
    require_admin(principal)
    tuning = current_tuning(session, settings)
    stored = session.get(StoredSetting, KEY)
    return MatchTuningPublic(
        weights=dict(tuning.weights),
        half_distance_km=tuning.half_distance_km,
        defaults=DEFAULT_WEIGHTS,
        changed_at=stored.updated_at if stored is not None else None,
    )


def change_tuning(
    session: Session, settings: Settings, principal: Principal, data: MatchTuningUpdate
) -> MatchTuningPublic:
    """Set weights (the components given) and/or the half-distance, for every process. The
    request model has refused unknown components and weights outside [0, 1] already."""
    require_admin(principal)
    stored = session.get(StoredSetting, KEY, with_for_update=True)
    value: dict[str, Any] = dict(stored.value) if stored is not None else {}
    weights = {**value.get("weights", {}), **data.weights}
    if sum({**DEFAULT_WEIGHTS, **settings.match_weights, **weights}.values()) <= 0:
        raise InvalidInput(
            [FieldError(loc=("body", "weights"), message="at least one weight must be above 0")]
        )
    value["weights"] = weights
    if data.half_distance_km is not None:
        value["half_distance_km"] = data.half_distance_km
    if stored is None:
        stored = StoredSetting(key=KEY)
        session.add(stored)
    stored.value = value
    stored.updated_at = utcnow()
    session.flush()
    return read_tuning(session, settings, principal)


def reset_tuning(session: Session, settings: Settings, principal: Principal) -> MatchTuningPublic:
    """Back to the defaults (and RADAR_* settings)."""
    require_admin(principal)
    stored = session.get(StoredSetting, KEY)
    if stored is not None:
        session.delete(stored)
        session.flush()
    return read_tuning(session, settings, principal)
